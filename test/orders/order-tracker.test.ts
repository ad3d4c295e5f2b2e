import { describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { OrderStatus } from '../../src/orders/order-state-machine.js'
import { OrderTracker } from '../../src/orders/order-tracker.js'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { OrderType, RefusedRequest, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine, type NewOrder } from '../../src/venues/sim/matching-engine.js'

const order = (clientOrderId: string, priceTicks: number, sizeLots: number): NewOrder => ({
  clientOrderId,
  instrumentId: 0,
  side: Side.Buy,
  orderType: OrderType.Limit,
  timeInForce: TimeInForce.GoodTillCancel,
  priceTicks,
  sizeLots,
})

function venue(): MatchingEngine {
  return new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!], fees: { makerBps: 0, takerBps: 0 } })
}

describe('order tracker', () => {
  it('a timeout and a retry go out under one id, and the venue keeps one live order', () => {
    const tracker = new OrderTracker()
    const engine = venue()
    expect(tracker.send('o1', 5)).toEqual({ send: true })
    // The first send's answer is lost; the retry re-sends the same id.
    engine.submit(order('o1', 100, 5), 1)
    expect(tracker.send('o1', 5)).toEqual({ send: true })
    for (const report of engine.submit(order('o1', 100, 5), 2).reports) tracker.onVenueUpdate(report)
    expect(engine.openOrders()).toHaveLength(1)
    expect(tracker.get('o1')!.status).toBe(OrderStatus.Acknowledged)
    expect(tracker.openOrders().map((o) => o.clientOrderId)).toEqual(['o1'])
  })

  it('follows the venue through fills, ignoring repeated and stale reports', () => {
    const tracker = new OrderTracker()
    const engine = venue()
    tracker.send('o1', 5)
    const reports = [...engine.submit(order('o1', 100, 5), 1).reports]
    reports.push(...engine.applyTrade(0, Side.Sell, 100, 2, 2).reports)
    reports.push(...engine.applyTrade(0, Side.Sell, 100, 3, 3).reports)
    const changed = reports.map((r) => tracker.onVenueUpdate(r))
    expect(changed).toEqual([true, true, true])
    expect(tracker.get('o1')).toMatchObject({ status: OrderStatus.Filled, filledLots: 5 })
    // Replaying them all again changes nothing and breaks nothing.
    expect(reports.map((r) => tracker.onVenueUpdate(r))).toEqual([false, false, false])
    expect(tracker.send('o1', 5)).toEqual({ send: false, why: 'finished' })
    expect(tracker.illegalTransitionCount).toBe(0)
  })

  it('a cancel refused by the venue returns the order to where it was, fills included', () => {
    const tracker = new OrderTracker()
    tracker.send('o1', 5)
    tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.PartiallyFilled, filledLots: 2 })
    expect(tracker.requestCancel('o1')).toBe(true)
    expect(tracker.get('o1')!.status).toBe(OrderStatus.CancelPending)
    tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.Rejected, filledLots: 2 })
    expect(tracker.get('o1')).toMatchObject({ status: OrderStatus.PartiallyFilled, filledLots: 2 })
  })

  it('a cancel that loses to a fill is refused with the order Filled: the tracker follows the venue, nothing illegal', () => {
    const tracker = new OrderTracker<number>()
    const engine = venue()
    engine.applyBookLevel(0, Side.Buy, 99, 1, 0)
    tracker.send(1, 5)
    for (const report of engine.submit(order('1', 100, 5), 1).reports) tracker.onVenueUpdate({ ...report, clientOrderId: 1 })
    expect(tracker.requestCancel(1)).toBe(true)
    // The market trades through the order before the cancel reaches the venue.
    const fills = engine.applyTrade(0, Side.Sell, 100, 5, 2).reports
    const refusal = engine.cancel('1', 3).reports
    expect(refusal).toMatchObject([{ status: OrderStatus.Filled, refused: RefusedRequest.Cancel }])
    // The refusal can even arrive first: it carries the fill itself.
    expect(tracker.onVenueUpdate({ ...refusal[0]!, clientOrderId: 1 })).toBe(true)
    for (const report of fills) tracker.onVenueUpdate({ ...report, clientOrderId: 1 })
    expect(tracker.get(1)).toMatchObject({ status: OrderStatus.Filled, filledLots: 5 })
    expect(tracker.illegalTransitionCount).toBe(0)
    expect(tracker.forget(1)).toBe(true)
    expect(tracker.size).toBe(0)
  })

  it('a refused cancel of an order still open puts it back; one refused before any ack waits for the venue to say', () => {
    const tracker = new OrderTracker<number>()
    tracker.send(1, 5)
    tracker.onVenueUpdate({ clientOrderId: 1, status: OrderStatus.Acknowledged, filledLots: 0 })
    tracker.requestCancel(1)
    expect(tracker.onVenueUpdate({ clientOrderId: 1, status: OrderStatus.Acknowledged, filledLots: 0, refused: RefusedRequest.Cancel })).toBe(true)
    expect(tracker.get(1)!.status).toBe(OrderStatus.Acknowledged)
    tracker.send(2, 5)
    tracker.requestCancel(2)
    expect(tracker.onVenueUpdate({ clientOrderId: 2, status: OrderStatus.New, filledLots: 0, refused: RefusedRequest.Cancel })).toBe(false)
    expect(tracker.get(2)!.status).toBe(OrderStatus.CancelPending)
    expect(tracker.forget(2)).toBe(false)
    tracker.onVenueUpdate({ clientOrderId: 2, status: OrderStatus.Cancelled, filledLots: 0 })
    expect(tracker.get(2)!.status).toBe(OrderStatus.Cancelled)
    expect(tracker.illegalTransitionCount).toBe(0)
  })

  it('a cancel sent before the ack: the late ack and a racing fill keep it pending until the venue says cancelled', () => {
    const tracker = new OrderTracker()
    tracker.send('o1', 5)
    tracker.requestCancel('o1')
    tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.Acknowledged, filledLots: 0 })
    tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.PartiallyFilled, filledLots: 1 })
    expect(tracker.get('o1')).toMatchObject({ status: OrderStatus.CancelPending, filledLots: 1 })
    tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.Cancelled, filledLots: 1 })
    expect(tracker.get('o1')!.status).toBe(OrderStatus.Cancelled)
    expect(tracker.requestCancel('o1')).toBe(false)
  })

  it('ignores stale reports, and refuses, logs and counts a change the lifecycle does not allow', () => {
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) })
    const tracker = new OrderTracker(logger)
    // Reports about a finished order, or a rejection of an acked order outside a cancel, are stale: ignored.
    tracker.send('o1', 5)
    tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.Filled, filledLots: 5 })
    expect(tracker.onVenueUpdate({ clientOrderId: 'o1', status: OrderStatus.Filled, filledLots: 6 })).toBe(false)
    tracker.send('o2', 5)
    tracker.onVenueUpdate({ clientOrderId: 'o2', status: OrderStatus.Acknowledged, filledLots: 0 })
    expect(tracker.onVenueUpdate({ clientOrderId: 'o2', status: OrderStatus.Rejected, filledLots: 0 })).toBe(false)
    expect(tracker.illegalTransitionCount).toBe(0)
    // A venue rejecting an order it says has filled: the fill is refused, the reject stands.
    tracker.send('o3', 5)
    tracker.onVenueUpdate({ clientOrderId: 'o3', status: OrderStatus.Rejected, filledLots: 2 })
    expect(tracker.get('o3')).toMatchObject({ status: OrderStatus.Rejected, filledLots: 0 })
    expect(tracker.illegalTransitionCount).toBe(1)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'illegal order transition refused', clientOrderId: 'o3', illegalTransitions: 1, err: { code: 'ERR_ORDER_TRANSITION', message: 'illegal order transition: partial_fill in status New' } })
  })
})
