import { OrderStatus, OrderType, Side, TimeInForce } from '../../schemas/index.js'
import { SimReasonCode, type SimReason } from './reason-codes.js'
import type { NewOrder, OrderReport } from './venue-messages.js'

/** The venue's own record of one order: what was asked, what has filled, where it queues. */
export interface SimOrder {
  readonly clientOrderId: string
  readonly venueOrderId: number
  readonly instrumentId: number
  readonly side: Side
  readonly orderType: OrderType
  readonly timeInForce: TimeInForce
  readonly priceTicks: number
  readonly sizeLots: number
  readonly postOnly: boolean
  status: OrderStatus
  filledLots: number
  /** Market size ahead of it in its level's queue while it rests. */
  aheadLots: number
  reason: SimReason | undefined
  /** The status before a cancel request, to resume if the cancel is refused. */
  statusBeforeCancel: OrderStatus | undefined
  updatedTsNs: number
}

export function simOrderOf(order: NewOrder, venueOrderId: number, status: OrderStatus, tsNs: number): SimOrder {
  return {
    clientOrderId: order.clientOrderId,
    venueOrderId,
    instrumentId: order.instrumentId,
    side: order.side,
    orderType: order.orderType,
    timeInForce: order.timeInForce,
    priceTicks: order.orderType === OrderType.Market ? 0 : order.priceTicks,
    sizeLots: order.sizeLots,
    postOnly: order.postOnly === true,
    status,
    filledLots: 0,
    aheadLots: 0,
    reason: undefined,
    statusBeforeCancel: undefined,
    updatedTsNs: tsNs,
  }
}

export function remainingLotsOf(order: SimOrder): number {
  return order.sizeLots - order.filledLots
}

export function reportOf(order: SimOrder, tsNs: number, overrides?: { status: OrderStatus; reason: SimReason }): OrderReport {
  const report: OrderReport = {
    clientOrderId: order.clientOrderId,
    venueOrderId: order.venueOrderId,
    instrumentId: order.instrumentId,
    side: order.side,
    orderType: order.orderType,
    timeInForce: order.timeInForce,
    status: overrides?.status ?? order.status,
    priceTicks: order.priceTicks,
    sizeLots: order.sizeLots,
    filledLots: order.filledLots,
    remainingLots: remainingLotsOf(order),
    tsNs,
  }
  const reason = overrides?.reason ?? order.reason
  if (reason !== undefined) {
    report.reason = reason.text
    report.reasonCode = reason.code
  }
  return report
}

/** The answer to a cancel of an id the venue never saw. */
export function unknownOrderReport(clientOrderId: string, tsNs: number): OrderReport {
  return {
    clientOrderId,
    venueOrderId: 0,
    instrumentId: -1,
    side: Side.Buy,
    orderType: OrderType.Limit,
    timeInForce: TimeInForce.GoodTillCancel,
    status: OrderStatus.Rejected,
    priceTicks: 0,
    sizeLots: 0,
    filledLots: 0,
    remainingLots: 0,
    reason: 'cancel refused: unknown order',
    reasonCode: SimReasonCode.CancelUnknownOrder,
    tsNs,
  }
}
