import { formatDecimal } from '../../market/decimal.js'
import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { OrderStatus, Side } from '../../schemas/index.js'
import { SimReasonCode } from '../sim/reason-codes.js'
import type { OrderReport } from '../sim/venue-messages.js'
import type { MockFill, MockOrder } from './mock-account.js'
import { isMakerFill } from './mock-account.js'

/** The order expired rather than trade with one of its own account (self-trade prevention). */
export function expiredInMatch(report: Pick<OrderReport, 'status' | 'reasonCode'>): boolean {
  return report.status === OrderStatus.Expired && report.reasonCode === SimReasonCode.SelfTradePrevented
}

/**
 * Binance's order status for a report: Binance has no cancel-pending (a
 * cancel answers at once), and an order expired by self-trade prevention is
 * EXPIRED_IN_MATCH.
 */
export function binanceStatusOf(report: Pick<OrderReport, 'status' | 'reasonCode'>): string {
  if (expiredInMatch(report)) return 'EXPIRED_IN_MATCH'
  switch (report.status) {
    case OrderStatus.New:
    case OrderStatus.Acknowledged:
    case OrderStatus.CancelPending:
      return 'NEW'
    case OrderStatus.PartiallyFilled:
      return 'PARTIALLY_FILLED'
    case OrderStatus.Filled:
      return 'FILLED'
    case OrderStatus.Cancelled:
      return 'CANCELED'
    case OrderStatus.Rejected:
      return 'REJECTED'
    case OrderStatus.Expired:
      return 'EXPIRED'
  }
}

/** The fields every order answer shares (`GET /api/v3/order`, open orders, and the start of the others). */
export function orderJson(order: MockOrder, report: OrderReport, precision: InstrumentPrecision): Record<string, unknown> {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    price: order.type === 'MARKET' ? '0' : precision.ticksToPrice(order.priceTicks),
    origQty: precision.lotsToSize(order.sizeLots),
    executedQty: precision.lotsToSize(report.filledLots),
    cummulativeQuoteQty: formatDecimal(order.cumQuote.units, order.cumQuote.scale),
    status: binanceStatusOf(report),
    timeInForce: order.timeInForce,
    type: order.type,
    side: order.side,
    stopPrice: '0',
    icebergQty: '0',
    time: order.createdMs,
    updateTime: order.updatedMs,
    isWorking: true,
    workingTime: order.createdMs,
    origQuoteOrderQty: '0',
    // The sim engine's default, as Binance's spot symbols have it.
    selfTradePreventionMode: 'EXPIRE_MAKER',
  }
}

/** `POST /api/v3/order` with newOrderRespType FULL: the order and the fills it made on arrival. */
export function newOrderJson(order: MockOrder, report: OrderReport, fills: readonly MockFill[], precision: InstrumentPrecision): Record<string, unknown> {
  const { time, updateTime, isWorking, stopPrice, icebergQty, origQuoteOrderQty, ...rest } = orderJson(order, report, precision)
  return {
    ...rest,
    transactTime: order.createdMs,
    fills: fills.map((fill) => ({
      price: precision.ticksToPrice(fill.execution.priceTicks),
      qty: precision.lotsToSize(fill.execution.sizeLots),
      commission: formatDecimal(fill.execution.feeQuoteUnits, precision.spec.quoteDecimals),
      commissionAsset: precision.spec.quote,
      tradeId: fill.execution.tradeId,
    })),
  }
}

/**
 * `DELETE /api/v3/order`, and a cancel-replace's `cancelResponse`: the
 * order's own client id is `origClientOrderId`; `clientOrderId` is the
 * cancel's (the request's `newClientOrderId`, or one the venue made up).
 */
export function cancelledOrderJson(order: MockOrder, report: OrderReport, precision: InstrumentPrecision, nowMs: number, cancelClientOrderId: string): Record<string, unknown> {
  const { time, updateTime, isWorking, workingTime, stopPrice, icebergQty, origQuoteOrderQty, ...rest } = orderJson(order, report, precision)
  return { ...rest, origClientOrderId: order.clientOrderId, clientOrderId: cancelClientOrderId, transactTime: nowMs }
}

/** One row of `GET /api/v3/myTrades`. */
export function myTradeJson(fill: MockFill, precision: InstrumentPrecision): Record<string, unknown> {
  const { execution } = fill
  return {
    symbol: fill.symbol,
    id: execution.tradeId,
    orderId: execution.venueOrderId,
    orderListId: -1,
    price: precision.ticksToPrice(execution.priceTicks),
    qty: precision.lotsToSize(execution.sizeLots),
    quoteQty: formatDecimal(fill.quoteQty.units, fill.quoteQty.scale),
    commission: formatDecimal(execution.feeQuoteUnits, precision.spec.quoteDecimals),
    commissionAsset: precision.spec.quote,
    time: fill.timeMs,
    isBuyer: execution.side === Side.Buy,
    isMaker: isMakerFill(execution),
    isBestMatch: true,
  }
}
