import { describe, expect, it } from 'vitest'

import { isWavesError } from '../../src/errors/index.js'
import {
  RouteTicket,
  TicketField,
  createExecutor,
  fallbackFunctions,
  type ExecutorFunctions,
  type RoutePlan,
} from '../../src/native/index.js'

// Both implementations must be real: a missing build fails here rather than
// comparing the fallback with itself.
const silent = { warn: () => {}, debug: () => {} }
const native = createExecutor({ env: {}, logger: silent })

const implementations: ReadonlyArray<[string, ExecutorFunctions]> = [
  ['native', native],
  ['fallback', fallbackFunctions],
]

interface VenueSpec {
  levels: Array<[number, number]>
  takerFeeBps?: number
  makerFeeBps?: number
  latencyMs?: number
}

/** The route ticket of one decision, from one object per venue, with room for `spare` more pairs. */
export function ticketOf(side: number, sizeLots: number, limit: number | undefined, venues: VenueSpec[], spare = 0): RouteTicket {
  const pairs = venues.reduce((n, v) => n + v.levels.length, 0)
  const ticket = new RouteTicket(venues.length, pairs + spare)
  ticket.setParent(side, sizeLots, limit)
  ticket.venues = venues.length
  let pair = 0
  venues.forEach((venue, v) => {
    for (const [price, size] of venue.levels) ticket.levels.set([price, size], 2 * pair++)
    ticket.venueLevelEnds[v] = pair
    ticket.setVenueCosts(v, venue.takerFeeBps ?? 0, venue.makerFeeBps ?? 0, venue.latencyMs ?? 0)
  })
  return ticket
}

function plan(
  impl: ExecutorFunctions,
  side: number,
  sizeLots: number,
  limit: number | undefined,
  venues: VenueSpec[],
  adverseTicksPerMs = 0,
): RoutePlan {
  const ticket = ticketOf(side, sizeLots, limit, venues)
  return ticket.readPlan(impl.createRouter({ adverseTicksPerMs }).route(ticket))
}

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (err) {
    if (!isWavesError(err)) throw err
    return { code: err.code, message: err.message }
  }
  throw new Error('expected an error')
}

describe('Router: worked examples', () => {
  it('loads the addon for the comparisons', () => {
    expect(native.kind, native.kind === 'fallback' ? native.reason : '').toBe('native')
  })

  describe.each(implementations)('%s', (_name, impl) => {
    it('a buy takes the cheapest asks across venues, one child per venue', () => {
      // 5 @ 100 on venue 0, 3 @ 101 on venue 1, then 2 @ 102 on venue 0.
      const result = plan(impl, 1, 10, undefined, [
        { levels: [[100, 5], [102, 10]] },
        { levels: [[101, 3], [103, 10]] },
      ])
      expect(result).toEqual({
        filledLots: 10,
        unfilledLots: 0,
        restingVenue: null,
        children: [
          { venue: 0, priceLimitTicks: 102, sizeLots: 7, expectedAvgPriceTicks: 704 / 7, expectedFeeTickLots: 0 },
          { venue: 1, priceLimitTicks: 101, sizeLots: 3, expectedAvgPriceTicks: 101, expectedFeeTickLots: 0 },
        ],
      })
    })

    it('a sell takes the highest bids first', () => {
      const result = plan(impl, -1, 6, undefined, [{ levels: [[99, 4], [97, 4]] }, { levels: [[98, 4]] }])
      expect(result.children.map((c) => [c.venue, c.priceLimitTicks, c.sizeLots])).toEqual([
        [0, 99, 4],
        [1, 98, 2],
      ])
    })

    it('the taker fee moves lots to the venue with the worse price but no fee', () => {
      // 10 bps of 10 000 is 10 ticks: 10 010 a lot on venue 0 against 10 005 on venue 1.
      const venues = [{ levels: [[10_000, 5]] as Array<[number, number]>, takerFeeBps: 10 }, { levels: [[10_005, 5]] as Array<[number, number]> }]
      expect(plan(impl, 1, 5, undefined, venues).children).toEqual([
        { venue: 1, priceLimitTicks: 10_005, sizeLots: 5, expectedAvgPriceTicks: 10_005, expectedFeeTickLots: 0 },
      ])
      // 3 more lots go to venue 0: a fee of 30 000 × 10 / 10 000 = 30 tick-lots.
      expect(plan(impl, 1, 8, undefined, venues).children[0]).toEqual({
        venue: 0,
        priceLimitTicks: 10_000,
        sizeLots: 3,
        expectedAvgPriceTicks: 10_000,
        expectedFeeTickLots: 30,
      })
    })

    it('latency costs adverseTicksPerMs ticks per millisecond', () => {
      // 2 ticks/ms × 3 ms makes venue 0's 100 cost 106, above venue 1's 104.
      const venues = [{ levels: [[100, 5]] as Array<[number, number]>, latencyMs: 3 }, { levels: [[104, 5]] as Array<[number, number]> }]
      expect(plan(impl, 1, 5, undefined, venues, 2).children.map((c) => c.venue)).toEqual([1])
      expect(plan(impl, 1, 5, undefined, venues, 1).children.map((c) => c.venue)).toEqual([0])
    })

    it('equal costs go to the lower venue index', () => {
      const result = plan(impl, 1, 5, undefined, [{ levels: [[100, 5]] }, { levels: [[100, 5]] }])
      expect(result.children.map((c) => c.venue)).toEqual([0])
    })

    it('stops at the limit and names the venue to rest the remainder on', () => {
      const venues = [
        { levels: [[100, 2], [101, 2]] as Array<[number, number]>, makerFeeBps: -1, latencyMs: 1 },
        { levels: [[102, 2]] as Array<[number, number]>, makerFeeBps: -1, latencyMs: 0.5 },
      ]
      const limited = plan(impl, 1, 10, 101, venues)
      expect(limited).toMatchObject({ filledLots: 4, unfilledLots: 6, restingVenue: 1 })
      expect(limited.children).toEqual([
        { venue: 0, priceLimitTicks: 101, sizeLots: 4, expectedAvgPriceTicks: 100.5, expectedFeeTickLots: 0 },
      ])
      // A market order takes everything and never rests.
      expect(plan(impl, 1, 10, undefined, venues)).toMatchObject({ filledLots: 6, unfilledLots: 4, restingVenue: null })
    })

    it('sums a notional past 2^53 exactly and rounds it once', () => {
      // 7 @ 4545056977060382 then 4 @ 7428893372030649: summing the doubles
      // rounds three times and lands 8 below the exact sum rounded once.
      const [p0, p1] = [4_545_056_977_060_382, 7_428_893_372_030_649]
      const exact = Number(BigInt(p0) * 7n + BigInt(p1) * 4n)
      expect(p0 * 7 + p1 * 4).not.toBe(exact)
      const routed = plan(impl, 1, 11, undefined, [{ levels: [[p0, 7], [p1, 4]], takerFeeBps: 2 }])
      expect(routed.children).toEqual([
        { venue: 0, priceLimitTicks: p1, sizeLots: 11, expectedAvgPriceTicks: exact / 11, expectedFeeTickLots: (exact * 2) / 10_000 },
      ])
    })

    it('reads only the venues and pairs in use, and leaves the rest of the plan alone', () => {
      const ticket = ticketOf(1, 6, undefined, [{ levels: [[100, 5], [101, 5]] }, { levels: [[99, 50]] }], 3)
      // The second venue and the spare pairs are outside the decision: garbage there is never read.
      ticket.venues = 1
      ticket.levels.fill(Number.NaN, 6)
      ticket.plan.fill(-7)
      const router = impl.createRouter({ adverseTicksPerMs: 0 })
      expect(router.route(ticket)).toBe(1)
      expect(Array.from(ticket.plan.subarray(0, 9))).toEqual([6, 0, -1, 0, 101, 6, 601 / 6, 0, -7])
      expect(ticket.array[TicketField.AdverseTicksPerMs]).toBe(0)
      expect(router.adverseTicksPerMs).toBe(0)
    })
  })
})

describe('Router: errors', () => {
  const limit = 'must be a positive integer no greater than 9007199254740991'
  const one: VenueSpec[] = [{ levels: [[100, 5]] }]
  const cases: ReadonlyArray<[string, number, number, number | undefined, VenueSpec[], string]> = [
    ['side 0', 0, 1, undefined, one, 'side must be 1 (buy) or -1 (sell), got 0'],
    ['size 0.5', 1, 0.5, undefined, one, `sizeLots ${limit}, got 0.5`],
    ['limit NaN', 1, 1, Number.NaN, one, `limitPriceTicks ${limit} when given, got NaN`],
    [
      'asks not rising',
      1,
      1,
      undefined,
      [{ levels: [[100, 5], [100, 1]] }],
      "levels[2] (priceTicks of level 1, venue 0) must be above the previous level's 100, got 100",
    ],
    [
      'bids not falling',
      -1,
      1,
      undefined,
      [{ levels: [[100, 5], [101, 1]] }],
      "levels[2] (priceTicks of level 1, venue 0) must be below the previous level's 100, got 101",
    ],
    [
      'a zero size',
      1,
      1,
      undefined,
      [{ levels: [] }, { levels: [[100, 0]] }],
      `levels[1] (sizeLots of level 0, venue 1) ${limit}, got 0`,
    ],
    [
      'a price of 1e21',
      1,
      1,
      undefined,
      [{ levels: [[1e21, 1]] }],
      `levels[0] (priceTicks of level 0, venue 0) ${limit}, got 1e+21`,
    ],
    [
      'a taker fee of 100%',
      1,
      1,
      undefined,
      [{ levels: [], takerFeeBps: 10_000 }],
      'venueCosts[0] (takerFeeBps of venue 0) must be a finite number above -10000 and below 10000, got 10000',
    ],
    [
      'a maker fee of NaN',
      1,
      1,
      undefined,
      [{ levels: [], makerFeeBps: Number.NaN }],
      'venueCosts[1] (makerFeeBps of venue 0) must be a finite number above -10000 and below 10000, got NaN',
    ],
    [
      'a negative latency',
      1,
      1,
      undefined,
      [{ levels: [] }, { levels: [], latencyMs: -1 }],
      'venueCosts[5] (latencyMs of venue 1) must be a finite number of at least 0, got -1',
    ],
  ]

  describe.each(implementations)('%s', (_name, impl) => {
    it.each(cases)('%s', (_case, side, size, limitPrice, venues, message) => {
      expect(errorOf(() => plan(impl, side, size, limitPrice, venues))).toEqual({ code: 'ERR_NATIVE_ARGUMENT', message })
    })

    it('refuses a ticket whose own shape is wrong, naming the field', () => {
      const router = impl.createRouter({ adverseTicksPerMs: 0 })
      const ticket = (): RouteTicket => ticketOf(1, 1, undefined, [{ levels: [[100, 5]] }, { levels: [[101, 5]] }])
      const refusal = (t: RouteTicket | { array: Float64Array }) => errorOf(() => router.route(t as RouteTicket)).message
      expect(refusal({ array: new Float64Array(new SharedArrayBuffer(7 * 8)) })).toBe('a route ticket must hold its 8-number header, got 7 numbers')
      // The addon keeps a ticket's address between decisions: only a buffer that can never be detached will do.
      expect(refusal({ array: Float64Array.from(ticket().array) })).toBe('the route ticket must be a Float64Array over a SharedArrayBuffer')
      const halfVenue = ticket()
      halfVenue.array[TicketField.VenueCapacity] = 1.5
      expect(refusal(halfVenue)).toBe("a route ticket's capacities must be integers from 0 to 16777216, got 1.5 venues and 2 level pairs")
      expect(refusal({ array: ticket().array.subarray(0, 30) })).toBe('a route ticket for 2 venues and 2 level pairs must hold 33 numbers, got 30')
      const tooMany = ticket()
      tooMany.venues = 3
      expect(refusal(tooMany)).toBe("the route ticket's venue count must be an integer from 0 to its capacity 2, got 3")
      const flag = ticket()
      flag.array[TicketField.HasLimit] = Number.NaN
      expect(refusal(flag)).toBe("the route ticket's limit flag must be 0 (market) or 1 (limit), got NaN")
      const pastEnd = ticket()
      pastEnd.venueLevelEnds[1] = 3
      expect(refusal(pastEnd)).toBe("venueLevelEnds[1] must be an integer from 0 to the ticket's 2 level pairs, got 3")
      const backwards = ticket()
      backwards.venueLevelEnds[0] = 2
      backwards.venueLevelEnds[1] = 1
      expect(refusal(backwards)).toBe('venueLevelEnds[1] must not be below the previous end 2, got 1')
      // Nothing was written: the plan of a refused ticket stays as it was.
      expect(Array.from(backwards.plan)).toEqual(new Array(backwards.plan.length).fill(0))
    })

    it('refuses a negative latency penalty at construction', () => {
      expect(errorOf(() => impl.createRouter({ adverseTicksPerMs: -0.5 }))).toEqual({
        code: 'ERR_NATIVE_ARGUMENT',
        message: 'adverseTicksPerMs must be a finite number of at least 0, got -0.5',
      })
    })
  })

  it('keeps the addon error as the cause', () => {
    let caught: unknown
    try {
      plan(native, 2, 1, undefined, one)
    } catch (err) {
      caught = err
    }
    expect(isWavesError(caught, 'ERR_NATIVE_ARGUMENT')).toBe(true)
    expect((caught as Error).cause).toMatchObject({ code: 'InvalidArg' })
  })
})
