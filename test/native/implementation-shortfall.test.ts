import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { isWavesError } from '../../src/errors/index.js'
import { createExecutor, fallbackFunctions, type ExecutorFunctions } from '../../src/native/index.js'

// The property tests compare the two implementations, so they need the addon
// itself: a missing build fails here rather than comparing the fallback with
// itself.
const silent = { warn: () => {}, debug: () => {} }
const native = createExecutor({ env: {}, logger: silent })
const fallback = fallbackFunctions

const implementations: ReadonlyArray<[string, ExecutorFunctions]> = [
  ['native', native],
  ['fallback', fallback],
]

const MAX = Number.MAX_SAFE_INTEGER

type Outcome = { ok: true; value: number; bits: string } | { ok: false; code: string; message: string }

// Results are compared by their bit pattern, so +0 and -0 (or two NaNs with
// different payloads) can never pass as equal.
function bitsOf(value: number): string {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  return view.getBigUint64(0).toString(16).padStart(16, '0')
}

function outcome(impl: ExecutorFunctions, side: number, arrival: number, fills: Float64Array): Outcome {
  try {
    const value = impl.implementationShortfallBps(side, arrival, fills)
    return { ok: true, value, bits: bitsOf(value) }
  } catch (err) {
    if (!isWavesError(err)) throw err
    return { ok: false, code: err.code, message: err.message }
  }
}

describe('implementationShortfallBps: worked examples', () => {
  it('loads the addon for the comparisons', () => {
    expect(native.kind, native.kind === 'fallback' ? native.reason : '').toBe('native')
  })

  describe.each(implementations)('%s', (_name, impl) => {
    it('buys 100 lots at 10 010 and 300 at 10 030 against 10 000: 25 bps', () => {
      // vwap = (10_010 * 100 + 10_030 * 300) / 400 = 4_010_000 / 400 = 10_025;
      // (10_025 - 10_000) / 10_000 = 0.0025 = 25 bps, exact in doubles.
      expect(impl.implementationShortfallBps(1, 10_000, new Float64Array([10_010, 100, 10_030, 300]))).toBe(25)
    })

    it('a sell filled below arrival is a cost, above it a gain', () => {
      // vwap 9_950 against 10_000: 50 ticks of 10_000 = 50 bps.
      const fills = new Float64Array([9_900, 1, 10_000, 1])
      expect(impl.implementationShortfallBps(-1, 10_000, fills)).toBe(50)
      expect(impl.implementationShortfallBps(1, 10_000, fills)).toBe(-50)
    })

    it('a buy of 7 at 20 003 and 3 at 19 999 against 20 000: 0.9 bps', () => {
      // vwap = (140_021 + 59_997) / 10 = 20_001.8; 1.8 / 20_000 = 0.9 bps.
      // 20_001.8 is not a double, so the figure is only close.
      const bps = impl.implementationShortfallBps(1, 20_000, new Float64Array([20_003, 7, 19_999, 3]))
      expect(bps).toBeCloseTo(0.9, 9)
    })

    it('a fill at the arrival price is +0, never -0', () => {
      expect(Object.is(impl.implementationShortfallBps(-1, 10_000, new Float64Array([10_000, 5])), 0)).toBe(true)
    })

    it('reads a view into a larger buffer from its own offset', () => {
      const buffer = new Float64Array([1, 2, 10_010, 100, 10_030, 300, 3]).buffer
      expect(impl.implementationShortfallBps(1, 10_000, new Float64Array(buffer, 16, 4))).toBe(25)
    })

    it('accepts a notional of exactly 2^53 - 1', () => {
      expect(impl.implementationShortfallBps(1, MAX, new Float64Array([MAX, 1]))).toBe(0)
    })
  })
})

describe('implementationShortfallBps: errors', () => {
  const limit = 'must be a positive integer no greater than 9007199254740991'
  const cases: ReadonlyArray<[string, number, number, number[], string]> = [
    ['side 0', 0, 10, [10, 1], 'side must be 1 (buy) or -1 (sell), got 0'],
    ['side NaN', Number.NaN, 10, [10, 1], 'side must be 1 (buy) or -1 (sell), got NaN'],
    ['side 0.5', 0.5, 10, [10, 1], 'side must be 1 (buy) or -1 (sell), got 0.5'],
    ['fractional arrival', 1, 1.5, [10, 1], `arrivalPriceTicks ${limit}, got 1.5`],
    ['arrival 2^53', 1, 2 ** 53, [10, 1], `arrivalPriceTicks ${limit}, got 9007199254740992`],
    ['arrival -Infinity', 1, -Infinity, [10, 1], `arrivalPriceTicks ${limit}, got -Infinity`],
    ['arrival 0', -1, 0, [10, 1], `arrivalPriceTicks ${limit}, got 0`],
    ['no fills', 1, 10, [], 'fills must hold at least one [priceTicks, qtyLots] pair, got none'],
    ['odd fills', 1, 10, [10, 1, 11], 'fills must hold [priceTicks, qtyLots] pairs, got an odd length 3'],
    ['price 1e21', 1, 10, [10, 1, 1e21, 1], `fills[2] (priceTicks of fill 1) ${limit}, got 1e+21`],
    ['size -0', 1, 10, [10, -0], `fills[1] (qtyLots of fill 0) ${limit}, got 0`],
    ['size 1e-7', 1, 10, [10, 1e-7], `fills[1] (qtyLots of fill 0) ${limit}, got 1e-7`],
    ['size 2.5', 1, 10, [10, 1, 10, 2.5], `fills[3] (qtyLots of fill 1) ${limit}, got 2.5`],
    [
      'notional 2^53',
      1,
      10,
      [2 ** 52, 1, 2 ** 52, 1],
      'fills notional (sum of priceTicks * qtyLots) exceeds 9007199254740991 at fill 1, beyond exact arithmetic',
    ],
    [
      'one product beyond 2^64',
      1,
      10,
      [MAX, MAX],
      'fills notional (sum of priceTicks * qtyLots) exceeds 9007199254740991 at fill 0, beyond exact arithmetic',
    ],
  ]

  describe.each(implementations)('%s', (_name, impl) => {
    it.each(cases)('%s', (_case, side, arrival, fills, message) => {
      expect(outcome(impl, side, arrival, new Float64Array(fills))).toEqual({
        ok: false,
        code: 'ERR_NATIVE_ARGUMENT',
        message,
      })
    })
  })

  it('keeps the addon error as the cause', () => {
    let caught: unknown
    try {
      native.implementationShortfallBps(2, 10, new Float64Array([10, 1]))
    } catch (err) {
      caught = err
    }
    expect(isWavesError(caught, 'ERR_NATIVE_ARGUMENT')).toBe(true)
    expect((caught as Error).cause).toMatchObject({ code: 'InvalidArg' })
  })
})

describe('implementationShortfallBps: native and fallback agree', () => {
  // Realistic books: prices within 5% of arrival, so every input is valid.
  const realistic = fc
    .record({
      side: fc.constantFrom(1, -1),
      arrival: fc.integer({ min: 1, max: 100_000_000 }),
    })
    .chain(({ side, arrival }) => {
      const spread = Math.max(1, Math.floor(arrival / 20))
      const fill = fc.tuple(
        fc.integer({ min: Math.max(1, arrival - spread), max: arrival + spread }),
        fc.integer({ min: 1, max: 1_000_000 }),
      )
      return fc.record({
        side: fc.constant(side),
        arrival: fc.constant(arrival),
        fills: fc.array(fill, { minLength: 1, maxLength: 30 }).map((pairs) => new Float64Array(pairs.flat())),
      })
    })

  it('returns bit-identical results on valid books', () => {
    fc.assert(
      fc.property(realistic, ({ side, arrival, fills }) => {
        const a = outcome(native, side, arrival, fills)
        expect(a.ok).toBe(true)
        expect(a).toEqual(outcome(fallback, side, arrival, fills))
      }),
      { numRuns: 2_000 },
    )
  })

  it('stays within 1e-9 bps of the exact rational value', () => {
    fc.assert(
      fc.property(realistic, ({ side, arrival, fills }) => {
        let notional = 0n
        let size = 0n
        for (let i = 0; i < fills.length; i += 2) {
          notional += BigInt(fills[i] as number) * BigInt(fills[i + 1] as number)
          size += BigInt(fills[i + 1] as number)
        }
        // side * (notional / size - arrival) / arrival * 1e4, scaled by 1e12
        // and truncated: exact to 1e-12 bps.
        const a = BigInt(arrival)
        const scaled = (BigInt(side) * (notional - a * size) * 10_000n * 10n ** 12n) / (a * size)
        const reference = Number(scaled) / 1e12
        const bps = native.implementationShortfallBps(side, arrival, fills)
        expect(Math.abs(bps - reference)).toBeLessThanOrEqual(1e-9)
      }),
      { numRuns: 500 },
    )
  })

  // Any double at all, weighted towards the edges of each check.
  const anyNumber = fc.oneof(
    fc.double(),
    fc.integer({ min: -10, max: 10 }),
    fc.integer({ min: 1, max: MAX }),
    fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 0.5, 1e21, 1.5e-7, 2 ** 53, MAX, 2 ** 52, 2 ** 26),
  )
  const side = fc.oneof(fc.constantFrom(1, -1), anyNumber)
  const arrival = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), anyNumber)
  const fills = fc.oneof(
    fc.array(anyNumber, { maxLength: 9 }),
    fc.array(fc.tuple(fc.integer({ min: 1, max: MAX }), fc.integer({ min: 1, max: 4096 })), { maxLength: 5 }).map(
      (pairs) => pairs.flat(),
    ),
  )

  it('returns identical results or identical errors on arbitrary inputs', () => {
    let errors = 0
    fc.assert(
      fc.property(side, arrival, fills, (s, a, f) => {
        const input = new Float64Array(f)
        const fromNative = outcome(native, s, a, input)
        expect(fromNative).toEqual(outcome(fallback, s, a, input))
        if (!fromNative.ok) errors += 1
      }),
      { numRuns: 5_000 },
    )
    // The arbitraries are meant to reach the error paths; make sure they did.
    expect(errors).toBeGreaterThan(1_000)
  })

  // Doubles with a fraction of 1/8 near 2^50 print with 17 digits, where two
  // shortest strings can be equally near and JS takes the even one.
  const tieProne = fc
    .tuple(fc.integer({ min: 2 ** 52, max: MAX }), fc.integer({ min: -8, max: 8 }), fc.boolean())
    .map(([n, e, negative]) => (negative ? -1 : 1) * (n / 8) * 2 ** e)
  const powerOfTwo = fc.integer({ min: -1074, max: 1023 }).map((e) => 2 ** e)

  it('quotes any double in an error exactly as JavaScript prints it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), tieProne, powerOfTwo), (value) => {
        // Any valid price keeps this notional within range, so an error here
        // is about the price itself.
        const input = new Float64Array([value, 1])
        const fromNative = outcome(native, 1, 10, input)
        const fromFallback = outcome(fallback, 1, 10, input)
        expect(fromNative).toEqual(fromFallback)
        if (!fromFallback.ok) expect(fromFallback.message.endsWith(`got ${value}`)).toBe(true)
      }),
      { numRuns: 5_000 },
    )
  })
})
