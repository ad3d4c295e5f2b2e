import { describe, expect, it } from 'vitest'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { Liquidity, OrderStatus, OrderType, RefusedRequest, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine, type NewOrder, type OrderReport } from '../../src/venues/sim/matching-engine.js'
import { SimReasonCode } from '../../src/venues/sim/reason-codes.js'

const BTC = 0

function engine(): MatchingEngine {
  return new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!], fees: { makerBps: 1, takerBps: 5 } })
}

function bid(clientOrderId: string, priceTicks: number, sizeLots: number, postOnly = false): NewOrder {
  return { clientOrderId, instrumentId: BTC, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks, sizeLots, postOnly }
}

const brief = (reports: OrderReport[]) => reports.map((r) => [r.clientOrderId, OrderStatus[r.status], r.filledLots, r.remainingLots, r.reasonCode ?? 0, r.refused ?? 0])

/** A bid resting behind 5 market lots at 99, then 15 more market lots joining behind it. */
function restingBehindFive(): MatchingEngine {
  const e = engine()
  e.applyBookLevel(BTC, Side.Buy, 99, 5, 1)
  e.applyBookLevel(BTC, Side.Sell, 101, 3, 1)
  e.submit(bid('b1', 99, 4), 2)
  e.applyBookLevel(BTC, Side.Buy, 99, 20, 3)
  expect(e.queueAheadLots('b1')).toBe(5)
  return e
}

describe('sim matching engine: amends', () => {
  it('a size decrease at the same price keeps the queue place: the replacement fills from the volume the old order would have', () => {
    const e = restingBehindFive()
    const out = e.amend({ clientOrderId: 'b1', newClientOrderId: 'b2', priceTicks: 0, sizeLots: 2 }, 4)
    expect(brief(out.reports)).toEqual([
      ['b1', 'Cancelled', 0, 4, SimReasonCode.Replaced, 0],
      ['b2', 'Acknowledged', 0, 2, 0, 0],
    ])
    expect(e.queueAheadLots('b1')).toBeUndefined()
    expect(e.queueAheadLots('b2')).toBe(5)
    expect(e.shownLotsAt(BTC, Side.Buy, 99)).toBe(22)
    // Six lots trade at 99: five market lots ahead, then one of the replacement's two.
    const traded = e.applyTrade(BTC, Side.Sell, 99, 6, 5)
    expect(traded.executions.map((x) => [x.clientOrderId, x.sizeLots, Liquidity[x.liquidity]])).toEqual([['b2', 1, 'Maker']])
    expect(e.order('b2')).toMatchObject({ status: OrderStatus.PartiallyFilled, filledLots: 1, remainingLots: 1, priceTicks: 99 })
    expect(e.openOrders().map((r) => r.clientOrderId)).toEqual(['b2'])
    expect(e.illegalTransitionCount).toBe(0)
  })

  it('a size increase loses the queue place: the replacement joins behind everything the level shows', () => {
    const e = restingBehindFive()
    e.amend({ clientOrderId: 'b1', newClientOrderId: 'b2', priceTicks: 99, sizeLots: 6 }, 4)
    expect(e.queueAheadLots('b2')).toBe(20)
    expect(e.applyTrade(BTC, Side.Sell, 99, 6, 5).executions).toEqual([])
    expect(e.order('b2')).toMatchObject({ status: OrderStatus.Acknowledged, sizeLots: 6, remainingLots: 6 })
  })

  it('a price change loses the queue place and meets the book as a new order: it takes what its new price reaches, then rests', () => {
    const e = restingBehindFive()
    const out = e.amend({ clientOrderId: 'b1', newClientOrderId: 'b2', priceTicks: 101, sizeLots: 4 }, 4)
    expect(brief(out.reports)).toEqual([
      ['b1', 'Cancelled', 0, 4, SimReasonCode.Replaced, 0],
      ['b2', 'Acknowledged', 0, 4, 0, 0],
      ['b2', 'PartiallyFilled', 3, 1, 0, 0],
    ])
    expect(out.executions.map((x) => [x.clientOrderId, x.priceTicks, x.sizeLots, Liquidity[x.liquidity]])).toEqual([['b2', 101, 3, 'Taker']])
    expect(e.bestBid(BTC)).toBe(101)
    expect(e.queueAheadLots('b2')).toBe(0)
    expect(e.shownLotsAt(BTC, Side.Buy, 99)).toBe(20)
  })

  it('a partly filled order amended down keeps what filled under its own id; the replacement opens only the size asked', () => {
    const e = restingBehindFive()
    e.applyTrade(BTC, Side.Sell, 99, 7, 4)
    expect(e.order('b1')).toMatchObject({ status: OrderStatus.PartiallyFilled, filledLots: 2 })
    const out = e.amend({ clientOrderId: 'b1', newClientOrderId: 'b2', priceTicks: 0, sizeLots: 1 }, 5)
    expect(brief(out.reports)).toEqual([
      ['b1', 'Cancelled', 2, 2, SimReasonCode.Replaced, 0],
      ['b2', 'Acknowledged', 0, 1, 0, 0],
    ])
    expect(e.queueAheadLots('b2')).toBe(0)
  })

  it('refuses what it cannot do and changes nothing: unknown or finished orders, an id in use, a bad size, a post-only order that would cross', () => {
    const e = restingBehindFive()
    e.submit(bid('other', 98, 1), 3)
    e.submit(bid('maker', 97, 1, true), 3)
    const refusal = (clientOrderId: string, newClientOrderId: string, priceTicks: number, sizeLots: number) => brief(e.amend({ clientOrderId, newClientOrderId, priceTicks, sizeLots }, 4).reports)
    expect(refusal('nope', 'n2', 0, 1)).toEqual([
      ['nope', 'Rejected', 0, 0, SimReasonCode.AmendUnknownOrder, RefusedRequest.Amend],
      ['n2', 'Rejected', 0, 0, SimReasonCode.AmendUnknownOrder, RefusedRequest.Amend],
    ])
    // The id belongs to another live order: only the amended order is answered, the other is not touched.
    expect(refusal('b1', 'other', 0, 1)).toEqual([['b1', 'Acknowledged', 0, 4, SimReasonCode.AmendClientOrderIdInUse, RefusedRequest.Amend]])
    expect(refusal('b1', 'b2', 0, 0)).toEqual([
      ['b1', 'Acknowledged', 0, 4, SimReasonCode.InvalidSize, RefusedRequest.Amend],
      ['b2', 'Rejected', 0, 0, SimReasonCode.InvalidSize, RefusedRequest.Amend],
    ])
    expect(refusal('maker', 'm2', 101, 1)).toEqual([
      ['maker', 'Acknowledged', 0, 1, SimReasonCode.PostOnlyWouldCross, RefusedRequest.Amend],
      ['m2', 'Rejected', 0, 0, SimReasonCode.PostOnlyWouldCross, RefusedRequest.Amend],
    ])
    e.cancel('other', 5)
    expect(refusal('other', 'o2', 0, 1)).toEqual([
      ['other', 'Cancelled', 0, 1, SimReasonCode.AmendFinishedOrder, RefusedRequest.Amend],
      ['o2', 'Rejected', 0, 0, SimReasonCode.AmendFinishedOrder, RefusedRequest.Amend],
    ])
    expect(e.openOrders().map((r) => r.clientOrderId).sort()).toEqual(['b1', 'maker'])
    expect(e.queueAheadLots('b1')).toBe(5)
    expect(e.order('b2')).toBeUndefined()
    expect(e.illegalTransitionCount).toBe(0)
  })

  it('a repeated amend finds the replacement it made: one order, answered as both are now', () => {
    const e = restingBehindFive()
    const amend = { clientOrderId: 'b1', newClientOrderId: 'b2', priceTicks: 0, sizeLots: 3 }
    const first = e.amend(amend, 4)
    const again = e.amend(amend, 5)
    expect(again.executions).toEqual([])
    expect(brief(again.reports)).toEqual(brief(first.reports))
    expect(e.openOrders().map((r) => r.clientOrderId)).toEqual(['b2'])
    expect(e.order('b2')!.venueOrderId).toBe(first.reports[1]!.venueOrderId)
  })
})
