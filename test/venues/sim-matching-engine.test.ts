import { describe, expect, it } from 'vitest'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { Liquidity, OrderStatus, OrderType, RefusedRequest, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine, type NewOrder } from '../../src/venues/sim/matching-engine.js'
import { SimReasonCode } from '../../src/venues/sim/reason-codes.js'

// BTC-USDT: tick 0.01, lot 0.00001, quote in 10^-8 USDT. Prices here are
// small tick counts so notionals are easy to check by hand.
const BTC = 0
const specs = [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!]

function engine(queueCancelModel?: 'back' | 'front' | 'proportional'): MatchingEngine {
  return new MatchingEngine({ instruments: specs, fees: { makerBps: 1, takerBps: 5 }, ...(queueCancelModel === undefined ? {} : { queueCancelModel }) })
}

function limit(clientOrderId: string, side: Side, priceTicks: number, sizeLots: number, timeInForce = TimeInForce.GoodTillCancel): NewOrder {
  return { clientOrderId, instrumentId: BTC, side, orderType: OrderType.Limit, timeInForce, priceTicks, sizeLots }
}

function market(clientOrderId: string, side: Side, sizeLots: number): NewOrder {
  return { clientOrderId, instrumentId: BTC, side, orderType: OrderType.Market, timeInForce: TimeInForce.ImmediateOrCancel, priceTicks: 0, sizeLots }
}

function withAsks(e: MatchingEngine, levels: [number, number][]): void {
  for (const [priceTicks, sizeLots] of levels) e.applyBookLevel(BTC, Side.Sell, priceTicks, sizeLots, 1)
}

function withBids(e: MatchingEngine, levels: [number, number][]): void {
  for (const [priceTicks, sizeLots] of levels) e.applyBookLevel(BTC, Side.Buy, priceTicks, sizeLots, 1)
}

const fills = (executions: { priceTicks: number; sizeLots: number; liquidity: Liquidity }[]) =>
  executions.map((x) => [x.priceTicks, x.sizeLots, Liquidity[x.liquidity]])

describe('sim matching engine: taking liquidity', () => {
  it('a market order walks the book level by level at the prices it shows', () => {
    const e = engine()
    withAsks(e, [[10_000_000, 5_000], [10_000_100, 3_000], [10_000_200, 10_000]])
    const out = e.submit(market('m1', Side.Buy, 10_000), 10)
    expect(fills(out.executions)).toEqual([[10_000_000, 5_000, 'Taker'], [10_000_100, 3_000, 'Taker'], [10_000_200, 2_000, 'Taker']])
    expect(out.reports.map((r) => OrderStatus[r.status])).toEqual(['Acknowledged', 'PartiallyFilled', 'PartiallyFilled', 'Filled'])
    // 100000.00 × 0.05 = 5000 USDT; 5 bps = 2.5 USDT = 250000000 units of 10^-8.
    expect(out.executions[0]!.feeQuoteUnits).toBe(250_000_000n)
    expect(e.bestAsk(BTC)).toBe(10_000_200)
    expect(e.depth(BTC, Side.Sell)).toEqual([{ priceTicks: 10_000_200, sizeLots: 8_000 }])
  })

  it('a limit order stops at its price and rests the rest at the back of its level', () => {
    const e = engine()
    withAsks(e, [[100, 5], [101, 3], [102, 10]])
    withBids(e, [[99, 7]])
    const out = e.submit(limit('b1', Side.Buy, 101, 10), 10)
    expect(fills(out.executions)).toEqual([[100, 5, 'Taker'], [101, 3, 'Taker']])
    expect(e.order('b1')).toMatchObject({ status: OrderStatus.PartiallyFilled, filledLots: 8, remainingLots: 2, venueOrderId: 1 })
    expect(e.orderByVenueOrderId(1)).toEqual(e.order('b1'))
    expect(e.bestBid(BTC)).toBe(101)
    expect(e.bestAsk(BTC)).toBe(102)
    expect(e.openOrders().map((r) => r.clientOrderId)).toEqual(['b1'])
    expect(e.queueAheadLots('b1')).toBe(0)
  })

  it('never takes the same visible size twice: later market data reconciles with what was consumed', () => {
    const e = engine()
    withAsks(e, [[100, 5], [105, 50]])
    e.submit(limit('t1', Side.Buy, 100, 5, TimeInForce.ImmediateOrCancel), 1)
    expect(e.bestAsk(BTC)).toBe(105)
    // Unchanged, then shrinking: the market catching up with our take.
    e.applyBookLevel(BTC, Side.Sell, 100, 5, 2)
    expect(e.bestAsk(BTC)).toBe(105)
    e.applyBookLevel(BTC, Side.Sell, 100, 3, 3)
    expect(e.bestAsk(BTC)).toBe(105)
    // Growing: new size joins behind what we consumed (3 consumed of 7 shown).
    e.applyBookLevel(BTC, Side.Sell, 100, 7, 4)
    expect(e.depth(BTC, Side.Sell, 1)).toEqual([{ priceTicks: 100, sizeLots: 4 }])
    const out = e.submit(limit('t2', Side.Buy, 100, 10, TimeInForce.ImmediateOrCancel), 5)
    expect(fills(out.executions)).toEqual([[100, 4, 'Taker']])
    expect(out.reports.at(-1)).toMatchObject({ status: OrderStatus.Expired, reason: 'immediate-or-cancel remainder', filledLots: 4, remainingLots: 6 })
    // A level gone clears the consumption.
    e.applyBookLevel(BTC, Side.Sell, 100, 0, 6)
    e.applyBookLevel(BTC, Side.Sell, 100, 2, 7)
    expect(e.bestAsk(BTC)).toBe(100)
  })

  it('fill-or-kill fills in full or expires with nothing', () => {
    const e = engine()
    withAsks(e, [[100, 5], [101, 3]])
    const killed = e.submit(limit('f1', Side.Buy, 101, 9, TimeInForce.FillOrKill), 1)
    expect(killed.executions).toEqual([])
    expect(killed.reports.at(-1)).toMatchObject({ status: OrderStatus.Expired, reason: 'fill-or-kill order cannot fill in full', filledLots: 0 })
    const filled = e.submit(limit('f2', Side.Buy, 101, 8, TimeInForce.FillOrKill), 2)
    expect(fills(filled.executions)).toEqual([[100, 5, 'Taker'], [101, 3, 'Taker']])
    expect(e.order('f2')!.status).toBe(OrderStatus.Filled)
  })

  it('a market order with nothing to take expires', () => {
    const out = engine().submit(market('m0', Side.Sell, 3), 1)
    expect(out.reports.map((r) => [OrderStatus[r.status], r.reason])).toEqual([
      ['Acknowledged', undefined],
      ['Expired', 'market order remainder found no liquidity'],
    ])
  })
})

describe('sim matching engine: a feed of quotes only', () => {
  it('takes each quote as the whole visible book: a level the last quote showed and this one does not is gone', () => {
    const e = engine()
    e.applyQuote(BTC, 99, 4, 101, 6, 1)
    expect([e.bestBid(BTC), e.bestAsk(BTC)]).toEqual([99, 101])
    e.applyQuote(BTC, 100, 2, 102, 3, 2)
    expect(e.depth(BTC, Side.Buy)).toEqual([{ priceTicks: 100, sizeLots: 2 }])
    expect(e.depth(BTC, Side.Sell)).toEqual([{ priceTicks: 102, sizeLots: 3 }])
    // A buy at 101 finds nothing: the ask at 101 left with the last quote.
    expect(e.submit(limit('b', Side.Buy, 101, 1, TimeInForce.ImmediateOrCancel), 3).executions).toEqual([])
    // An empty side clears it.
    e.applyQuote(BTC, 0, 0, 102, 3, 4)
    expect(e.bestBid(BTC)).toBeUndefined()
    expect(() => e.applyQuote(BTC, 100, -1, 102, 3, 5)).toThrow('market data the sim venue cannot apply: instrument 0, side 0, price 100 ticks, size -1 lots')
  })
})

describe('sim matching engine: resting orders and their queue', () => {
  it('fills a resting order only from trade volume beyond the size ahead of it', () => {
    const e = engine()
    withAsks(e, [[105, 10]])
    e.submit(limit('s1', Side.Sell, 105, 3), 1)
    expect(e.queueAheadLots('s1')).toBe(10)
    expect(e.applyTrade(BTC, Side.Buy, 105, 4, 2).executions).toEqual([])
    expect(e.queueAheadLots('s1')).toBe(6)
    // The book update that reflects the trade is not a cancel.
    e.applyBookLevel(BTC, Side.Sell, 105, 6, 3)
    expect(e.queueAheadLots('s1')).toBe(6)
    const out = e.applyTrade(BTC, Side.Buy, 105, 8, 4)
    expect(out.executions).toEqual([
      { clientOrderId: 's1', venueOrderId: 1, tradeId: 1, instrumentId: BTC, side: Side.Sell, liquidity: Liquidity.Maker, priceTicks: 105, sizeLots: 2, feeQuoteUnits: 1n, tsNs: 4 },
    ])
    expect(e.order('s1')).toMatchObject({ status: OrderStatus.PartiallyFilled, filledLots: 2, remainingLots: 1 })
  })

  it.each([
    ['back', 10],
    ['front', 5],
    ['proportional', 8],
  ] as const)('cancels at a level move the queue by the %s model', (model, aheadLots) => {
    const e = engine(model)
    withBids(e, [[99, 10]])
    e.submit(limit('b1', Side.Buy, 99, 1), 1)
    e.applyBookLevel(BTC, Side.Buy, 99, 20, 2) // ten more join behind
    e.applyBookLevel(BTC, Side.Buy, 99, 15, 3) // five cancelled, no trade
    expect(e.queueAheadLots('b1')).toBe(aheadLots)
  })

  it('a trade through its price fills a resting order whatever was ahead of it', () => {
    const e = engine('back')
    withBids(e, [[99, 30]])
    e.submit(limit('b1', Side.Buy, 99, 2), 1)
    const out = e.applyTrade(BTC, Side.Sell, 98, 5, 2)
    expect(fills(out.executions)).toEqual([[99, 2, 'Maker']])
    expect(e.order('b1')!.status).toBe(OrderStatus.Filled)
    expect(e.openOrders()).toEqual([])
  })

  it('size quoted through a resting order fills it as maker at its own price and is consumed', () => {
    const e = engine()
    withBids(e, [[100, 0]])
    e.submit(limit('b1', Side.Buy, 100, 2), 1)
    const out = e.applyBookLevel(BTC, Side.Sell, 99, 4, 2)
    expect(fills(out.executions)).toEqual([[100, 2, 'Maker']])
    expect(e.depth(BTC, Side.Sell)).toEqual([{ priceTicks: 99, sizeLots: 2 }])
  })

  it('an own resting order the taker would reach expires instead of trading with it, and the taker goes on to the market behind it', () => {
    const e = engine()
    withAsks(e, [[105, 3], [106, 4]])
    e.submit(limit('a', Side.Sell, 105, 2), 1) // behind the market's 3 lots at 105
    e.submit(limit('b', Side.Sell, 107, 2), 2) // beyond what the taker reaches
    const out = e.submit(limit('t', Side.Buy, 106, 6), 3)
    // The market's 3 at 105, then a would be next: it expires, and the taker takes 3 of the 4 at 106.
    expect(out.executions.map((x) => [x.clientOrderId, x.priceTicks, x.sizeLots, Liquidity[x.liquidity]])).toEqual([
      ['t', 105, 3, 'Taker'],
      ['t', 106, 3, 'Taker'],
    ])
    expect(e.order('a')).toMatchObject({ status: OrderStatus.Expired, filledLots: 0, reasonCode: SimReasonCode.SelfTradePrevented })
    expect(out.reports.find((r) => r.clientOrderId === 'a')).toMatchObject({ status: OrderStatus.Expired, reasonCode: SimReasonCode.SelfTradePrevented })
    expect(e.order('t')).toMatchObject({ status: OrderStatus.Filled, filledLots: 6 })
    expect(e.openOrders().map((r) => r.clientOrderId)).toEqual(['b'])
  })

  it('with self-trade prevention off, own orders at one price fill in time order, and an own taker meets them with one trade id each', () => {
    const e = new MatchingEngine({ instruments: specs, fees: { makerBps: 1, takerBps: 5 }, selfTradePrevention: 'none' })
    e.submit(limit('a', Side.Sell, 105, 2), 1)
    e.submit(limit('b', Side.Sell, 105, 2), 2)
    const out = e.submit(limit('t', Side.Buy, 105, 3), 3)
    expect(out.executions.map((x) => [x.clientOrderId, x.tradeId, Liquidity[x.liquidity], x.sizeLots])).toEqual([
      ['t', 1, 'Taker', 2],
      ['a', 1, 'Maker', 2],
      ['t', 2, 'Taker', 1],
      ['b', 2, 'Maker', 1],
    ])
    expect(e.openOrders().map((r) => [r.clientOrderId, r.remainingLots])).toEqual([['b', 1]])
  })
})

describe('sim matching engine: fees', () => {
  it('charges takers and pays maker rebates exactly, rounded toward +∞ in the quote\'s smallest unit', () => {
    const e = new MatchingEngine({ instruments: specs, fees: { makerBps: -0.25, takerBps: 7.5 } })
    withAsks(e, [[8_764_821, 123]])
    const taker = e.submit(market('t', Side.Buy, 123), 1).executions[0]!
    // 87648.21 × 0.00123 = 107.8072983 USDT exactly; × 7.5 bps = 0.080855473725 → 8085548 units of 10^-8.
    expect(taker.feeQuoteUnits).toBe(8_085_548n)
    e.submit(limit('m', Side.Sell, 8_764_821, 123), 2)
    const maker = e.applyTrade(BTC, Side.Buy, 8_764_822, 123, 3).executions[0]!
    // −0.25 bps: −0.0026951824575 USDT → −269518 units (toward +∞: a rebate is never overstated).
    expect([maker.liquidity, maker.feeQuoteUnits]).toEqual([Liquidity.Maker, -269_518n])
  })
})

describe('sim matching engine: requests', () => {
  it('a retry with a known client order id returns the existing order, never a second one', () => {
    const e = engine()
    withAsks(e, [[100, 5]])
    const first = e.submit(limit('dup', Side.Buy, 99, 4), 1)
    const retry = e.submit(limit('dup', Side.Buy, 100, 4), 2)
    expect(retry.executions).toEqual([])
    expect(retry.reports).toEqual([{ ...first.reports[0], tsNs: 2 }])
    expect(e.openOrders()).toHaveLength(1)
  })

  it('rejects with a reason: unknown instrument, bad size or price, post-only crossing', () => {
    const e = engine()
    withAsks(e, [[100, 5]])
    const reasonOf = (order: NewOrder) => {
      const [report] = e.submit(order, 1).reports
      expect(report!.status).toBe(OrderStatus.Rejected)
      return report!.reason
    }
    expect(reasonOf({ ...limit('r1', Side.Buy, 99, 1), instrumentId: 7 })).toBe('unknown instrument 7')
    expect(reasonOf(limit('r2', Side.Buy, 99, 0))).toBe('sizeLots must be a positive safe integer, got 0')
    expect(reasonOf(limit('r3', Side.Buy, 99, 2 ** 53))).toBe('sizeLots must be a positive safe integer, got 9007199254740992')
    expect(reasonOf(limit('r4', Side.Buy, 1.5, 1))).toBe('priceTicks must be a positive safe integer, got 1.5')
    expect(reasonOf(limit('r5', Side.Buy, -1, 1))).toBe('priceTicks must be a positive safe integer, got -1')
    expect(reasonOf({ ...limit('r6', Side.Buy, 100, 1), postOnly: true })).toBe('post-only order would take liquidity at 100 ticks')
    expect(reasonOf({ ...market('r7', Side.Buy, 1), postOnly: true })).toBe('a post-only order must be a limit order')
    expect(e.order('r2')).toMatchObject({ status: OrderStatus.Rejected, venueOrderId: 0, reasonCode: SimReasonCode.InvalidSize })
    expect(e.order('r6')!.reasonCode).toBe(SimReasonCode.PostOnlyWouldCross)
    expect(e.openOrders()).toEqual([])
  })

  it('cancels a resting order; a cancel of an unknown or finished one is refused with the order as it is, never a throw', () => {
    const e = engine()
    withBids(e, [[98, 5]])
    e.submit(limit('c1', Side.Buy, 99, 2), 1)
    expect(e.bestBid(BTC)).toBe(99)
    expect(e.cancel('c1', 2).reports).toMatchObject([{ clientOrderId: 'c1', status: OrderStatus.Cancelled, filledLots: 0, remainingLots: 2, tsNs: 2 }])
    expect(e.bestBid(BTC)).toBe(98)
    expect(e.cancel('c1', 3).reports).toMatchObject([{ status: OrderStatus.Cancelled, refused: RefusedRequest.Cancel, reason: 'cancel refused: order is Cancelled', reasonCode: SimReasonCode.CancelFinishedOrder }])
    expect(e.cancel('nope', 4).reports).toMatchObject([{ clientOrderId: 'nope', status: OrderStatus.Rejected, refused: RefusedRequest.Cancel, reason: 'cancel refused: unknown order', reasonCode: SimReasonCode.CancelUnknownOrder }])
    expect(e.order('c1')!.status).toBe(OrderStatus.Cancelled)
    expect(e.illegalTransitionCount).toBe(0)
  })

  it('cancels every open order at once, or those of one instrument', () => {
    const e = new MatchingEngine({ instruments: [specs[0]!, DEFAULT_INSTRUMENT_SPECS['ETH-USDT']!], fees: { makerBps: 0, takerBps: 0 } })
    e.submit(limit('a', Side.Buy, 90, 1), 1)
    e.submit({ ...limit('b', Side.Sell, 110, 1), instrumentId: 1 }, 1)
    e.submit(limit('c', Side.Sell, 110, 1), 1)
    expect(e.cancelAll(2, 0).reports.map((r) => [r.clientOrderId, OrderStatus[r.status]])).toEqual([
      ['a', 'Cancelled'],
      ['c', 'Cancelled'],
    ])
    expect(e.cancelAll(3).reports.map((r) => r.clientOrderId)).toEqual(['b'])
    expect(e.openOrders()).toEqual([])
    expect(e.bestBid(0)).toBeUndefined()
    expect(e.bestAsk(1)).toBeUndefined()
  })

  it('expires day orders at the close and leaves good-till-cancel ones', () => {
    const e = engine()
    e.submit(limit('d', Side.Buy, 90, 1, TimeInForce.Day), 1)
    e.submit(limit('g', Side.Buy, 90, 1), 1)
    expect(e.expireDayOrders(9).reports).toMatchObject([{ clientOrderId: 'd', status: OrderStatus.Expired, reason: 'day order expired at the close' }])
    expect(e.openOrders().map((r) => r.clientOrderId)).toEqual(['g'])
  })

  it('refuses invalid options, naming every one', () => {
    expect(() => new MatchingEngine({ instruments: [], fees: { makerBps: Number.NaN, takerBps: 5 }, queueCancelModel: 'middle' as 'back', selfTradePrevention: 'cancel_both' as 'none' })).toThrow(
      'invalid sim venue options: options.instruments must list at least one instrument; options.fees.makerBps must be a finite number of basis points, got NaN; options.queueCancelModel must be one of back, front, proportional, got middle; options.selfTradePrevention must be one of expire_maker, none, got cancel_both',
    )
  })

  it('refuses market data it cannot apply', () => {
    expect(() => engine().applyBookLevel(BTC, Side.Sell, 0, 1, 1)).toThrow('market data the sim venue cannot apply: instrument 0, side 1, price 0 ticks, size 1 lots')
    expect(() => engine().applyTrade(3, Side.Sell, 10, 1, 1)).toThrow('market data the sim venue cannot apply: instrument 3, side 1, price 10 ticks, size 1 lots')
  })
})
