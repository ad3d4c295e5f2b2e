import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { isWavesError } from '../../src/errors/index.js'
import { createExecutor, fallbackFunctions, type ExecutorFunctions, type SlippageTracker } from '../../src/native/index.js'

// The addon itself, not the fallback twice: a missing build fails the first test.
const native = createExecutor({ env: {}, logger: { warn: () => {}, debug: () => {} } })

const implementations: ReadonlyArray<[string, ExecutorFunctions]> = [
  ['native', native],
  ['fallback', fallbackFunctions],
]

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (err) {
    if (!isWavesError(err)) throw err
    return { code: err.code, message: err.message }
  }
  throw new Error('expected an error')
}

describe('SlippageTracker: worked examples', () => {
  it('loads the addon for the comparisons', () => {
    expect(native.kind, native.kind === 'fallback' ? native.reason : '').toBe('native')
  })

  describe.each(implementations)('%s', (_name, impl) => {
    it('an order filled on two venues: 25 bps in all, 10 and 30 bps per venue', () => {
      const tracker = impl.createSlippageTracker({ windowOrders: 100 })
      expect(tracker.windowOrders).toBe(100)
      tracker.recordArrival(7, 1, 1, 10_000)
      expect(tracker.openOrders).toBe(1)
      tracker.recordFill(7, 0, 10_010, 100)
      tracker.recordFill(7, 3, 10_030, 300)
      expect(tracker.completeOrder(7)).toBe(25)
      expect(tracker.openOrders).toBe(0)
      expect(tracker.instrumentPercentiles(1)).toEqual({ count: 1, p50Bps: 25, p95Bps: 25, p99Bps: 25 })
      expect(tracker.venuePercentiles(0, 1)).toEqual({ count: 1, p50Bps: 10, p95Bps: 10, p99Bps: 10 })
      expect(tracker.venuePercentiles(3, 1)).toEqual({ count: 1, p50Bps: 30, p95Bps: 30, p99Bps: 30 })
      expect(tracker.venuePercentiles(1, 1)).toBeNull()
      expect(tracker.instrumentPercentiles(2)).toBeNull()
    })

    it('an order closed without fills returns null and enters no window', () => {
      const tracker = impl.createSlippageTracker({ windowOrders: 4 })
      tracker.recordArrival(1, 0, -1, 100)
      expect(tracker.completeOrder(1)).toBeNull()
      expect(tracker.instrumentPercentiles(0)).toBeNull()
    })

    it('keeps only the last windowOrders orders and ranks them by nearest rank', () => {
      const tracker = impl.createSlippageTracker({ windowOrders: 100 })
      // Sells at 10 000 filled k ticks lower cost k bps, k = 1..120; the window keeps 21..120.
      for (let k = 1; k <= 120; k++) {
        tracker.recordArrival(k, 5, -1, 10_000)
        tracker.recordFill(k, 2, 10_000 - k, 1)
        tracker.completeOrder(k)
      }
      const p = tracker.instrumentPercentiles(5)
      expect(p).toMatchObject({ count: 100, p50Bps: 70, p95Bps: 115 })
      expect(p?.p99Bps).toBeCloseTo(119, 9)
      expect(tracker.venuePercentiles(2, 5)).toEqual(p)
    })
  })
})

describe('SlippageTracker: errors', () => {
  const exact = 'must be a positive integer no greater than 9007199254740991'
  const cases: ReadonlyArray<[string, (t: SlippageTracker) => unknown, string]> = [
    ['a negative order id', (t) => t.recordArrival(-1, 0, 1, 1), 'orderId must be an integer from 0 to 9007199254740991, got -1'],
    ['a fractional instrument', (t) => t.recordArrival(1, 0.5, 1, 1), 'instrumentId must be an integer from 0 to 4294967295, got 0.5'],
    ['side 0', (t) => t.recordArrival(1, 0, 0, 1), 'side must be 1 (buy) or -1 (sell), got 0'],
    ['arrival 0', (t) => t.recordArrival(1, 0, 1, 0), `arrivalPriceTicks ${exact}, got 0`],
    ['a second arrival', (t) => t.recordArrival(9, 0, 1, 1), 'order 9 already has an arrival price'],
    ['venue 65536', (t) => t.recordFill(9, 65_536, 1, 1), 'venueId must be an integer from 0 to 65535, got 65536'],
    ['price Infinity', (t) => t.recordFill(9, 0, Infinity, 1), `priceTicks ${exact}, got Infinity`],
    ['size 0', (t) => t.recordFill(9, 0, 1, 0), `sizeLots ${exact}, got 0`],
    ['a fill of an unknown order', (t) => t.recordFill(2, 0, 1, 1), 'order 2 has no arrival price (never recorded, or already completed)'],
    ['completing an unknown order', (t) => t.completeOrder(2), 'order 2 has no arrival price (never recorded, or already completed)'],
    ['percentiles of venue NaN', (t) => t.venuePercentiles(Number.NaN, 0), 'venueId must be an integer from 0 to 65535, got NaN'],
  ]

  describe.each(implementations)('%s', (_name, impl) => {
    it.each(cases)('%s', (_case, call, message) => {
      const tracker = impl.createSlippageTracker({ windowOrders: 10 })
      tracker.recordArrival(9, 0, 1, 1)
      expect(errorOf(() => call(tracker))).toEqual({ code: 'ERR_NATIVE_ARGUMENT', message })
    })

    it('refuses a window of 0 orders', () => {
      expect(errorOf(() => impl.createSlippageTracker({ windowOrders: 0 })).message).toBe(
        'windowOrders must be an integer from 1 to 1048576, got 0',
      )
    })

    it('closes an order whose notional passes 2^53 - 1 with the shortfall error', () => {
      const tracker = impl.createSlippageTracker({ windowOrders: 10 })
      tracker.recordArrival(1, 0, 1, 1)
      tracker.recordFill(1, 0, Number.MAX_SAFE_INTEGER, 1)
      tracker.recordFill(1, 0, 1, 1)
      expect(errorOf(() => tracker.completeOrder(1)).message).toBe(
        'fills notional (sum of priceTicks * qtyLots) exceeds 9007199254740991 at fill 1, beyond exact arithmetic',
      )
      expect(tracker.openOrders).toBe(0)
    })
  })
})

describe('SlippageTracker: native and fallback agree', () => {
  type Step =
    | { kind: 'arrive'; order: number; instrument: number; side: number; arrival: number }
    | { kind: 'fill'; order: number; venue: number; price: number; size: number }
    | { kind: 'complete'; order: number }
    | { kind: 'percentiles'; venue: number | undefined; instrument: number }

  // Few ids, so orders collide, repeat and complete twice; occasional bad numbers reach the errors.
  const id = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.double() })
  const price = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 9_000, max: 11_000 }) }, { weight: 1, arbitrary: fc.double() })
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('arrive' as const), order: id, instrument: fc.integer({ min: 0, max: 2 }), side: fc.constantFrom(1, -1, 1, -1, 0), arrival: price }),
    fc.record({ kind: fc.constant('fill' as const), order: id, venue: fc.integer({ min: 0, max: 3 }), price, size: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constant(0)) }),
    fc.record({ kind: fc.constant('fill' as const), order: id, venue: fc.integer({ min: 0, max: 3 }), price, size: fc.integer({ min: 1, max: 500 }) }),
    fc.record({ kind: fc.constant('complete' as const), order: id }),
    fc.record({ kind: fc.constant('percentiles' as const), venue: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), instrument: fc.integer({ min: 0, max: 2 }) }),
  )

  function apply(tracker: SlippageTracker, s: Step): unknown {
    try {
      switch (s.kind) {
        case 'arrive': return tracker.recordArrival(s.order, s.instrument, s.side, s.arrival) ?? 'ok'
        case 'fill': return tracker.recordFill(s.order, s.venue, s.price, s.size) ?? 'ok'
        case 'complete': {
          const bps = tracker.completeOrder(s.order)
          return bps === null ? null : new BigUint64Array(new Float64Array([bps]).buffer)[0]
        }
        case 'percentiles':
          return s.venue === undefined ? tracker.instrumentPercentiles(s.instrument) : tracker.venuePercentiles(s.venue, s.instrument)
      }
    } catch (err) {
      if (!isWavesError(err)) throw err
      return { code: err.code, message: err.message }
    }
  }

  it('answer every step of random order flows identically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(step, { maxLength: 120 }), (windowOrders, steps) => {
        const a = native.createSlippageTracker({ windowOrders })
        const b = fallbackFunctions.createSlippageTracker({ windowOrders })
        for (const s of steps) {
          expect(apply(a, s)).toEqual(apply(b, s))
          expect(a.openOrders).toBe(b.openOrders)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('SlippageTracker: its state, exported and imported', () => {
  const bits = (state: Float64Array): bigint[] => [...new BigUint64Array(state.slice().buffer)]

  it('is the same numbers from both implementations, goes into either, and the tracker it makes goes on as the first would', () => {
    const arrivals = fc.array(
      fc.record({ instrument: fc.integer({ min: 0, max: 2 }), side: fc.constantFrom(1, -1), fills: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 9_000, max: 11_000 }), fc.integer({ min: 1, max: 500 })), { maxLength: 4 }), complete: fc.boolean() }),
      { maxLength: 40 },
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), arrivals, arrivals, (windowOrders, before, after) => {
        const play = (trackers: SlippageTracker[], orders: typeof before, firstId: number) =>
          orders.forEach((o, k) => {
            for (const t of trackers) {
              t.recordArrival(firstId + k, o.instrument, o.side, 10_000)
              for (const [venue, price, size] of o.fills) t.recordFill(firstId + k, venue, price, size)
              if (o.complete) t.completeOrder(firstId + k)
            }
          })
        const [a, b] = [native, fallbackFunctions].map((impl) => impl.createSlippageTracker({ windowOrders }))
        play([a!, b!], before, 0)
        const state = a!.exportState()
        expect(bits(b!.exportState())).toEqual(bits(state))
        // Each implementation's state into the other.
        const [c, d] = [fallbackFunctions, native].map((impl) => impl.createSlippageTracker({ windowOrders }))
        c!.importState(state)
        d!.importState(b!.exportState())
        expect(bits(c!.exportState())).toEqual(bits(state))
        expect(bits(d!.exportState())).toEqual(bits(state))
        // More orders, and the open ones completed: the restored trackers answer as the first.
        play([a!, c!, d!], after, 1_000)
        for (const t of [a!, c!, d!]) for (let k = 0; k < before.length; k++) if (!before[k]!.complete) t.completeOrder(k)
        for (const t of [c!, d!]) {
          expect(bits(t.exportState())).toEqual(bits(a!.exportState()))
          for (let i = 0; i <= 2; i++) expect(t.instrumentPercentiles(i)).toEqual(a!.instrumentPercentiles(i))
        }
      }),
      { numRuns: 200 },
    )
  })

  describe.each(implementations)('%s', (_name, impl) => {
    it('refuses a state that does not fit, naming where, and keeps what it held', () => {
      const source = impl.createSlippageTracker({ windowOrders: 3 })
      source.recordArrival(5, 1, -1, 700)
      source.recordFill(5, 2, 699, 4)
      source.recordArrival(6, 1, 1, 700)
      source.recordFill(6, 2, 701, 4)
      source.completeOrder(6)
      const state = source.exportState()
      const tracker = impl.createSlippageTracker({ windowOrders: 3 })
      tracker.recordArrival(1, 0, 1, 100)
      const refused = (s: Float64Array) => errorOf(() => tracker.importState(s))
      const changed = (at: number, v: number) => Float64Array.from(state, (x, k) => (k === at ? v : x))
      const malformed = (at: number) => ({ code: 'ERR_NATIVE_ARGUMENT', message: `tracker state is malformed at index ${at}` })
      expect(refused(state.subarray(0, state.length - 1))).toEqual(malformed(state.length - 1))
      expect(refused(Float64Array.from([...state, 0]))).toEqual(malformed(state.length))
      expect(refused(changed(0, 2))).toEqual(malformed(0))
      // [version, window, 1 open, id 5, instrument 1, side -1, ...]
      expect(refused(changed(5, 0))).toEqual(malformed(5))
      expect(refused(changed(state.length - 1, -0))).toEqual(malformed(state.length - 1))
      expect(refused(changed(2, 1e9))).toEqual(malformed(2))
      expect(errorOf(() => impl.createSlippageTracker({ windowOrders: 4 }).importState(state)).message).toBe('tracker state has windows of 3 orders, this tracker keeps 4')
      expect(tracker.openOrders).toBe(1)
      tracker.importState(state)
      expect(tracker.openOrders).toBe(1)
      expect(tracker.instrumentPercentiles(1)?.count).toBe(1)
    })
  })
})
