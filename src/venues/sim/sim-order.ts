import { OrderStatus, OrderType, Side, TimeInForce, type RefusedRequest } from '../../schemas/index.js'
import type { SimReason } from './reason-codes.js'
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
  /** The client order id an amend moved it to: a repeat of that amend finds the replacement. */
  replacedBy: string | undefined
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
    replacedBy: undefined,
    updatedTsNs: tsNs,
  }
}

export function remainingLotsOf(order: SimOrder): number {
  return order.sizeLots - order.filledLots
}

/** A report of the order as it is; with `refusal`, the answer to a cancel or amend of it that the venue refused. */
export function reportOf(order: SimOrder, tsNs: number, refusal?: { refused: RefusedRequest; reason: SimReason }): OrderReport {
  const report: OrderReport = {
    clientOrderId: order.clientOrderId,
    venueOrderId: order.venueOrderId,
    instrumentId: order.instrumentId,
    side: order.side,
    orderType: order.orderType,
    timeInForce: order.timeInForce,
    status: order.status,
    priceTicks: order.priceTicks,
    sizeLots: order.sizeLots,
    filledLots: order.filledLots,
    remainingLots: remainingLotsOf(order),
    tsNs,
  }
  const reason = refusal?.reason ?? order.reason
  if (reason !== undefined) {
    report.reason = reason.text
    report.reasonCode = reason.code
  }
  if (refusal !== undefined) report.refused = refusal.refused
  return report
}

/** The answer to a cancel or amend naming an id the venue knows no order under (an amend's replacement id included). */
export function unknownOrderReport(clientOrderId: string, tsNs: number, refused: RefusedRequest, reason: SimReason): OrderReport {
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
    reason: reason.text,
    reasonCode: reason.code,
    refused,
    tsNs,
  }
}
