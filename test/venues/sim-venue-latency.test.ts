import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { ConstantLatency, latencyModelOf, RecordedRoundTripLatency } from '../../src/venues/sim/latency-model.js'
import { MatchingEngine, type NewOrder } from '../../src/venues/sim/matching-engine.js'
import { SimVenue, type VenueDelivery } from '../../src/venues/sim/sim-venue.js'

const BTC = 0
const MS = 1_000_000

function venue(orderLatencyNs: number, feedLatencyNs: number): { clock: ManualClock; venue: SimVenue } {
  const clock = new ManualClock(0)
  const engine = new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!], fees: { makerBps: 0, takerBps: 5 } })
  return { clock, venue: new SimVenue({ engine, clock, orderLatency: new ConstantLatency(orderLatencyNs), feedLatency: new ConstantLatency(feedLatencyNs) }) }
}

const marketBuy = (clientOrderId: string, sizeLots: number): NewOrder => ({
  clientOrderId,
  instrumentId: BTC,
  side: Side.Buy,
  orderType: OrderType.Market,
  timeInForce: TimeInForce.ImmediateOrCancel,
  priceTicks: 0,
  sizeLots,
})

function advance(clock: ManualClock, toNs: number, v: SimVenue): VenueDelivery[] {
  clock.advanceNs(toNs - clock.nowNs())
  return v.poll()
}

describe('latency models', () => {
  it('a constant latency is the same every hop, and must be non-negative', () => {
    const model = new ConstantLatency(250_000)
    expect([model.nextLatencyNs(), model.nextLatencyNs()]).toEqual([250_000, 250_000])
    expect(() => new ConstantLatency(-1)).toThrow('a constant latency must be a finite, non-negative number of nanoseconds, got -1')
  })

  it('recorded round trips give half a recorded trip per hop, the same sequence for the same seed', () => {
    const roundTripsNs = [2 * MS, 4 * MS, 40 * MS]
    const draws = (seed: number) => {
      const model = new RecordedRoundTripLatency(roundTripsNs, seed)
      return Array.from({ length: 300 }, () => model.nextLatencyNs())
    }
    const a = draws(7)
    expect(draws(7)).toEqual(a)
    expect(draws(8)).not.toEqual(a)
    expect(new Set(a)).toEqual(new Set([1 * MS, 2 * MS, 20 * MS]))
    // Each recorded trip comes back about a third of the time.
    for (const oneWay of [1 * MS, 2 * MS, 20 * MS]) expect(a.filter((x) => x === oneWay).length).toBeGreaterThan(70)
    expect(() => new RecordedRoundTripLatency([], 1)).toThrow('recorded round trips must list at least one round trip')
    expect(() => new RecordedRoundTripLatency([1, Number.NaN], 1)).toThrow('recorded round trip 1 must be a finite, non-negative number of nanoseconds, got NaN')
    expect(latencyModelOf({ constantNs: 5 }).nextLatencyNs()).toBe(5)
  })
})

describe('sim venue', () => {
  it('an order sent before a price move but arriving after it fills at the post-move price', () => {
    const { clock, venue: v } = venue(1 * MS, 0)
    v.bookLevel(BTC, Side.Sell, 100, 5, 0)
    advance(clock, 0, v)
    expect(v.submit(marketBuy('m1', 5))).toBe(1 * MS)
    // The ask at 100 goes, one at 102 appears, while the order is on the wire.
    v.bookLevel(BTC, Side.Sell, 100, 0, 0.5 * MS)
    v.bookLevel(BTC, Side.Sell, 102, 5, 0.5 * MS)
    const seen = advance(clock, 3 * MS, v)
    const executions = seen.flatMap((d) => (d.kind === 'execution' ? [d.execution] : []))
    expect(executions.map((x) => [x.priceTicks, x.sizeLots, x.tsNs])).toEqual([[102, 5, 1 * MS]])

    // The same story with no order latency fills at the price the strategy saw.
    const fast = venue(0, 0)
    fast.venue.bookLevel(BTC, Side.Sell, 100, 5, 0)
    advance(fast.clock, 0, fast.venue)
    fast.venue.submit(marketBuy('m1', 5))
    fast.venue.bookLevel(BTC, Side.Sell, 100, 0, 0.5 * MS)
    fast.venue.bookLevel(BTC, Side.Sell, 102, 5, 0.5 * MS)
    const fastFills = advance(fast.clock, 3 * MS, fast.venue).flatMap((d) => (d.kind === 'execution' ? [d.execution.priceTicks] : []))
    expect(fastFills).toEqual([100])
  })

  it('the strategy sees market data only after the feed latency, and reports after the round trip', () => {
    const { clock, venue: v } = venue(1 * MS, 2 * MS)
    v.bookLevel(BTC, Side.Sell, 100, 5, 10 * MS)
    expect(advance(clock, 11 * MS, v)).toEqual([])
    expect(v.engine.bestAsk(BTC)).toBe(100) // the venue has it at exchange time
    expect(advance(clock, 12 * MS, v)).toEqual([
      { kind: 'book_level', visibleAtNs: 12 * MS, exchangeTsNs: 10 * MS, instrumentId: BTC, side: Side.Sell, priceTicks: 100, sizeLots: 5 },
    ])
    v.submit(marketBuy('m1', 2))
    expect(advance(clock, 13.5 * MS, v)).toEqual([])
    const back = advance(clock, 14 * MS, v)
    expect(back.map((d) => [d.kind, d.visibleAtNs])).toEqual([
      ['execution', 14 * MS],
      ['report', 14 * MS],
      ['report', 14 * MS],
    ])
  })

  it('the strategy sees a level as the venue shows it: less what it took, plus its own resting size', () => {
    const { clock, venue: v } = venue(0, 0)
    v.bookLevel(BTC, Side.Sell, 100, 5, 0)
    advance(clock, 0, v)
    v.submit({ ...marketBuy('b1', 8), orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks: 100 })
    advance(clock, 1, v)
    // The replayed market still offers 5 at 100 and bids nothing there: the
    // venue has none left to sell at 100, and bids the 3 of its own resting.
    v.bookLevel(BTC, Side.Sell, 100, 5, 2)
    v.bookLevel(BTC, Side.Buy, 100, 0, 2)
    const seen = advance(clock, 2, v).flatMap((d) => (d.kind === 'book_level' ? [[d.side, d.priceTicks, d.sizeLots]] : []))
    expect(seen).toEqual([
      [Side.Sell, 100, 0],
      [Side.Buy, 100, 3],
    ])
  })

  it('a host that reads the market elsewhere can turn market data delivery off and still gets its fills', () => {
    const clock = new ManualClock(0)
    const engine = new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!], fees: { makerBps: 0, takerBps: 0 } })
    const v = new SimVenue({ engine, clock, orderLatency: new ConstantLatency(0), feedLatency: new ConstantLatency(0), deliverMarketData: false })
    v.bookLevel(BTC, Side.Sell, 100, 5, 0)
    v.trade(BTC, Side.Buy, 100, 1, 0)
    expect(advance(clock, 0, v)).toEqual([])
    v.submit(marketBuy('m1', 2))
    expect(advance(clock, 1, v).map((d) => d.kind)).toEqual(['execution', 'report', 'report'])
  })

  it('a quote-only feed: the strategy sees each side as the venue shows it, after the feed latency', () => {
    const { clock, venue: v } = venue(0, 1 * MS)
    v.quote(BTC, 99, 4, 101, 6, 0)
    v.submit(marketBuy('m1', 2))
    expect(advance(clock, 0, v).map((d) => d.kind)).toEqual(['execution', 'report', 'report'])
    // The same quote again after our take: the venue shows 4 left of the 6 offered.
    v.quote(BTC, 99, 4, 101, 6, 2 * MS)
    expect(advance(clock, 3 * MS, v).map((d) => (d.kind === 'quote' ? [d.visibleAtNs, d.bidLots, d.askLots] : d.kind))).toEqual([
      [1 * MS, 4, 6],
      [3 * MS, 4, 4],
    ])
  })

  it('a timeout followed by a retry under the same client order id leaves one live order', () => {
    const { clock, venue: v } = venue(5 * MS, 0)
    const order: NewOrder = { ...marketBuy('r1', 3), orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks: 90 }
    v.submit(order)
    advance(clock, 4 * MS, v) // no answer yet: the strategy times out and retries
    v.submit(order)
    const seen = advance(clock, 30 * MS, v).flatMap((d) => (d.kind === 'report' ? [d.report] : []))
    expect(seen.map((r) => [r.clientOrderId, r.venueOrderId, OrderStatus[r.status]])).toEqual([
      ['r1', 1, 'Acknowledged'],
      ['r1', 1, 'Acknowledged'],
    ])
    expect(v.engine.openOrders()).toHaveLength(1)
  })

  it('a cancel on the wire loses to a fill that reaches the order first', () => {
    const { clock, venue: v } = venue(1 * MS, 0)
    v.submit({ ...marketBuy('s1', 2), side: Side.Sell, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks: 105 })
    advance(clock, 3 * MS, v)
    v.cancel('s1')
    v.trade(BTC, Side.Buy, 106, 4, 3.5 * MS) // trades through the ask while the cancel travels
    const reports = advance(clock, 10 * MS, v).flatMap((d) => (d.kind === 'report' ? [d.report] : []))
    expect(reports.map((r) => [OrderStatus[r.status], r.reason, r.tsNs])).toEqual([
      ['Filled', undefined, 3.5 * MS],
      ['Filled', 'cancel refused: order is Filled', 4 * MS],
    ])
  })

  it('keeps each stream in order when drawn latencies would reorder it, deterministically for a seed', () => {
    const run = () => {
      const clock = new ManualClock(0)
      const engine = new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!], fees: { makerBps: 0, takerBps: 0 } })
      const v = new SimVenue({ engine, clock, orderLatency: new ConstantLatency(0), feedLatency: new RecordedRoundTripLatency([0, 10 * MS], 3) })
      for (let i = 0; i < 50; i++) v.bookLevel(BTC, Side.Buy, 100 + i, 1, i * MS)
      return advance(clock, 100 * MS, v)
    }
    const seen = run()
    expect(seen.map((d) => (d.kind === 'book_level' ? d.priceTicks : 0))).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i))
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.visibleAtNs).toBeGreaterThanOrEqual(seen[i - 1]!.visibleAtNs)
    expect(new Set(seen.map((d, i) => d.visibleAtNs - i * MS)).size).toBeGreaterThan(1) // latencies did vary
    expect(run()).toEqual(seen)
  })
})
