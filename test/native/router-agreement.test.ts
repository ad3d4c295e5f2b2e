import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { isWavesError } from '../../src/errors/index.js'
import { RouteTicket, TicketField, createExecutor, fallbackFunctions, type Router } from '../../src/native/index.js'

// The addon itself, not the fallback twice: a missing build fails the first test.
const native = createExecutor({ env: {}, logger: { warn: () => {}, debug: () => {} } })

interface Decision {
  adverseTicksPerMs: number
  side: number
  sizeLots: number
  limitPriceTicks: number | undefined
  levels: Float64Array
  ends: Uint32Array
  costs: Float64Array
}

type Outcome = { ok: true; children: number; bits: string } | { ok: false; code: string; message: string }

/** The plan by bit pattern, so +0 and -0 or two rounding neighbours can never pass as equal. */
function bitsOf(values: Float64Array): string {
  return Array.from(new BigUint64Array(values.slice().buffer), (b) => b.toString(16)).join(',')
}

/** A decision's route ticket, sized to fit it, its plan region filled with -0.25. */
function ticketOf(d: Decision): RouteTicket {
  const ticket = new RouteTicket(d.ends.length, d.levels.length / 2)
  ticket.setParent(d.side, d.sizeLots, d.limitPriceTicks)
  ticket.venues = d.ends.length
  ticket.venueLevelEnds.set(d.ends)
  ticket.venueCosts.set(d.costs)
  ticket.levels.set(d.levels)
  ticket.plan.fill(-0.25)
  return ticket
}

/** Routes the decision's ticket, after `spoil` when given (it may hand back a shorter array). */
function run(router: Router, d: Decision, spoil?: (ticket: Float64Array) => Float64Array): Outcome {
  const ticket = ticketOf(d)
  const array = spoil === undefined ? ticket.array : spoil(ticket.array)
  try {
    const children = router.route({ array } as RouteTicket)
    return { ok: true, children, bits: bitsOf(array) }
  } catch (err) {
    if (!isWavesError(err)) throw err
    return { ok: false, code: err.code, message: err.message }
  }
}

/** Valid books: per venue, best-first distinct prices around a mid, random sizes, fees and latencies. */
const decision: fc.Arbitrary<Decision> = fc
  .record({
    adverseTicksPerMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true })),
    side: fc.constantFrom(1, -1),
    mid: fc.integer({ min: 2_000, max: 100_000_000 }),
    sizeLots: fc.integer({ min: 1, max: 20_000 }),
    limitOffset: fc.option(fc.integer({ min: -50, max: 400 }), { nil: undefined }),
    venues: fc.array(
      fc.record({
        gaps: fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 50 }),
        start: fc.integer({ min: 0, max: 30 }),
        sizes: fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 50, maxLength: 50 }),
        takerFeeBps: fc.oneof(fc.constantFrom(0, 1, 2.5, 10), fc.double({ min: -5, max: 50, noNaN: true })),
        makerFeeBps: fc.oneof(fc.constantFrom(0, -1, -0.5), fc.double({ min: -5, max: 50, noNaN: true })),
        latencyMs: fc.oneof(fc.constantFrom(0, 1, 5), fc.double({ min: 0, max: 50, noNaN: true })),
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ adverseTicksPerMs, side, mid, sizeLots, limitOffset, venues }) => {
    const levels: number[] = []
    const ends: number[] = []
    const costs: number[] = []
    for (const v of venues) {
      // A buy takes asks rising from the mid, a sell bids falling from it.
      let price = mid + side * v.start
      v.gaps.forEach((gap, i) => {
        price += side * gap
        levels.push(price, v.sizes[i] as number)
      })
      ends.push(levels.length / 2)
      costs.push(v.takerFeeBps, v.makerFeeBps, v.latencyMs)
    }
    return {
      adverseTicksPerMs,
      side,
      sizeLots,
      limitPriceTicks: limitOffset === undefined ? undefined : mid + side * limitOffset,
      levels: new Float64Array(levels),
      ends: new Uint32Array(ends),
      costs: new Float64Array(costs),
    }
  })

/**
 * The plan by the plain definition, without a heap: every level within the
 * limit, stably sorted by (cost, venue, level), taken greedily.
 */
function reference(d: Decision): Array<[number, number, number]> {
  const candidates: Array<{ cost: number; venue: number; level: number }> = []
  let start = 0
  d.ends.forEach((end, venue) => {
    const taker = d.costs[3 * venue] as number
    const latency = d.costs[3 * venue + 2] as number
    for (let level = start; level < end; level++) {
      const price = d.levels[2 * level] as number
      if (d.limitPriceTicks !== undefined && d.side * price > d.side * d.limitPriceTicks) break
      const cost = d.side * (price * (1 + d.side * taker / 10_000)) + d.adverseTicksPerMs * latency
      candidates.push({ cost, venue, level })
    }
    start = end
  })
  candidates.sort((a, b) => a.cost - b.cost || a.venue - b.venue || a.level - b.level)
  const lots = new Map<number, [number, number]>()
  let remaining = d.sizeLots
  for (const c of candidates) {
    if (remaining === 0) break
    const take = Math.min(remaining, d.levels[2 * c.level + 1] as number)
    remaining -= take
    const [filled] = lots.get(c.venue) ?? [0, 0]
    lots.set(c.venue, [filled + take, d.levels[2 * c.level] as number])
  }
  return [...lots.entries()].sort(([a], [b]) => a - b).map(([venue, [filled, worst]]) => [venue, worst, filled])
}

describe('Router: native and fallback agree', () => {
  it('loads the addon for the comparisons', () => {
    expect(native.kind, native.kind === 'fallback' ? native.reason : '').toBe('native')
  })

  it('write bit-identical plans on random books, and the plan is the sorted greedy fill', () => {
    fc.assert(
      fc.property(decision, (d) => {
        const fromNative = run(native.createRouter(d), d)
        expect(fromNative.ok).toBe(true)
        expect(fromNative).toEqual(run(fallbackFunctions.createRouter(d), d))

        const ticket = ticketOf(d)
        const children = native.createRouter(d).route(ticket)
        const out = ticket.plan
        const planned = Array.from({ length: children }, (_, c) => Array.from(out.subarray(3 + 5 * c, 6 + 5 * c)))
        expect(planned).toEqual(reference(d))
        const filled = planned.reduce((sum, [, , lots]) => sum + (lots as number), 0)
        expect([out[0], out[1]]).toEqual([filled, d.sizeLots - filled])
      }),
      { numRuns: 1_500 },
    )
  })

  /**
   * The same books moved to any magnitude: every price raised by `shift`
   * (order kept) and every size and the parent multiplied by `scale`, so a
   * child's notional falls below 2^53, where doubles sum it exactly, or
   * above, where the routers must not.
   */
  const anyMagnitude = fc
    .record({ d: decision, shift: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 52 - 200_000_000 })), scale: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 2 ** 31 })) })
    .map(({ d, shift, scale }): Decision => ({
      ...d,
      sizeLots: d.sizeLots * scale,
      limitPriceTicks: d.limitPriceTicks === undefined ? undefined : d.limitPriceTicks + shift,
      levels: d.levels.map((v, i) => (i % 2 === 0 ? v + shift : v * scale)),
    }))

  it('price each child from its exact notional, rounded once, at any magnitude', () => {
    let pastExact = 0
    let withinExact = 0
    fc.assert(
      fc.property(anyMagnitude, (d) => {
        const fromNative = run(native.createRouter(d), d)
        expect(fromNative).toEqual(run(fallbackFunctions.createRouter(d), d))
        const ticket = ticketOf(d)
        const children = native.createRouter(d).route(ticket)
        const out = ticket.plan
        for (let c = 0; c < children; c++) {
          const [venue, , lots, averagePrice, fee] = Array.from(out.subarray(3 + 5 * c, 8 + 5 * c)) as [number, number, number, number, number]
          // A venue's levels are taken best first: its notional is that prefix of its side, the last level perhaps in part.
          let notional = 0n
          let left = lots
          for (let level = venue === 0 ? 0 : d.ends[venue - 1]!; left > 0; level++) {
            const take = Math.min(left, d.levels[2 * level + 1]!)
            notional += BigInt(d.levels[2 * level]!) * BigInt(take)
            left -= take
          }
          if (notional >= 2n ** 53n) pastExact++
          else withinExact++
          const exact = Number(notional)
          expect(averagePrice).toBe(exact / lots)
          expect(fee).toBe((exact * d.costs[3 * venue]!) / 10_000)
        }
      }),
      { numRuns: 1_000 },
    )
    // Both sides of 2^53 were reached.
    expect(pastExact).toBeGreaterThan(100)
    expect(withinExact).toBeGreaterThan(100)
  })

  it('a router reused across decisions answers as a fresh one', () => {
    const nativeRouter = native.createRouter({ adverseTicksPerMs: 0.5 })
    const fallbackRouter = fallbackFunctions.createRouter({ adverseTicksPerMs: 0.5 })
    fc.assert(
      fc.property(decision, (d) => {
        const fresh = { ...d, adverseTicksPerMs: 0.5 }
        const expected = run(native.createRouter(fresh), fresh)
        expect(run(nativeRouter, fresh)).toEqual(expected)
        expect(run(fallbackRouter, fresh)).toEqual(expected)
      }),
      { numRuns: 500 },
    )
  })

  // Any double, weighted towards the edges of each check.
  const anyNumber = fc.oneof(
    fc.double(),
    fc.integer({ min: -3, max: 120 }),
    fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 0.5, 1e21, 2 ** 53, 9_999.5, -10_000, 10_000),
  )

  const HEADER_FIELDS = [TicketField.HasLimit, TicketField.Venues, TicketField.VenueCapacity, TicketField.PairCapacity]

  /** A valid decision with one number, one venue end or one field of the ticket's header broken, or the ticket cut short. */
  const broken = fc
    .tuple(decision, fc.nat(), anyNumber, fc.nat({ max: 7 }))
    .filter(([d]) => d.ends.length > 0)
    .map(([d, at, value, what]): [Decision, ((ticket: Float64Array) => Float64Array) | undefined] => {
      const levels = d.levels.slice()
      const costs = d.costs.slice()
      const ends = d.ends.slice()
      let { side, sizeLots, limitPriceTicks } = d
      let spoil: ((ticket: Float64Array) => Float64Array) | undefined
      switch (what) {
        case 0: side = value; break
        case 1: sizeLots = value; break
        case 2: limitPriceTicks = value; break
        case 3: if (levels.length > 0) levels[at % levels.length] = value; break
        case 4: costs[at % costs.length] = value; break
        case 5: ends[at % ends.length] = Math.max(0, Math.floor(Math.abs(value) % 2 ** 32)); break
        case 6:
          spoil = (ticket) => {
            ticket[HEADER_FIELDS[at % HEADER_FIELDS.length]!] = value
            return ticket
          }
          break
        default: spoil = (ticket) => ticket.subarray(0, Math.max(0, ticket.length - 1 - (at % 9)))
      }
      return [{ ...d, side, sizeLots, limitPriceTicks, levels, costs, ends }, spoil]
    })

  it('give identical results or identical errors on broken input', () => {
    let errors = 0
    fc.assert(
      fc.property(broken, ([d, spoil]) => {
        const fromNative = run(native.createRouter(d), d, spoil)
        expect(fromNative).toEqual(run(fallbackFunctions.createRouter(d), d, spoil))
        if (!fromNative.ok) errors += 1
      }),
      { numRuns: 3_000 },
    )
    // The breakage is meant to reach the error paths; make sure it did.
    expect(errors).toBeGreaterThan(1_000)
  })
})
