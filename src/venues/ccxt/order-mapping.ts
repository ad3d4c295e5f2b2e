import { parseDecimal, unitsAtScale } from '../../market/decimal.js'
import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { isTerminal, transition, type OrderEventKind } from '../../orders/order-state-machine.js'
import { Liquidity, OrderStatus, OrderType, Side, TimeInForce } from '../../schemas/index.js'
import type { Execution, OrderReport } from '../sim/venue-messages.js'

/** The parts of a ccxt unified order the adapter reads. */
export interface CcxtOrderLike {
  id?: string | undefined
  clientOrderId?: string | undefined
  status?: string | undefined
  side?: string | undefined
  type?: string | undefined
  timeInForce?: string | undefined
  price?: number | undefined
  amount?: number | undefined
  filled?: number | undefined
  remaining?: number | undefined
}

/** The parts of a ccxt unified trade the adapter reads. */
export interface CcxtTradeLike {
  id?: string | undefined
  order?: string | undefined
  side?: string | undefined
  takerOrMaker?: string | undefined
  price?: number | undefined
  amount?: number | undefined
  fee?: { cost?: number | undefined; currency?: string | undefined } | undefined
}

/**
 * The lifecycle status of a ccxt order: ccxt says 'open' for new and
 * partially filled alike, so the filled amount tells them apart.
 */
export function statusOf(order: CcxtOrderLike, filledLots: number): OrderStatus {
  switch (order.status) {
    case 'open':
      return filledLots > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Acknowledged
    case 'closed':
      return OrderStatus.Filled
    case 'canceled':
    case 'cancelled':
      return OrderStatus.Cancelled
    case 'expired':
      return OrderStatus.Expired
    case 'rejected':
      return OrderStatus.Rejected
    default:
      throw new Error(`unknown ccxt order status ${String(order.status)}`)
  }
}

const TIME_IN_FORCE: Record<string, TimeInForce> = { GTC: TimeInForce.GoodTillCancel, IOC: TimeInForce.ImmediateOrCancel, FOK: TimeInForce.FillOrKill, GTD: TimeInForce.Day }

/**
 * A ccxt order as the engine's report, in ticks and lots.
 *
 * # Errors
 * ERR_OFF_GRID for a price or size off the instrument's grid; a plain Error
 * for a missing field (the caller reports both as a malformed answer).
 */
export function reportOf(order: CcxtOrderLike, instrumentId: number, precision: InstrumentPrecision, tsNs: number): OrderReport {
  if (order.clientOrderId === undefined || order.id === undefined || order.amount === undefined) throw new Error('order answer without clientOrderId, id or amount')
  const sizeLots = precision.sizeToLots(order.amount)
  const filledLots = precision.sizeToLots(order.filled ?? 0)
  const market = order.type === 'market'
  return {
    clientOrderId: order.clientOrderId,
    venueOrderId: Number(order.id),
    instrumentId,
    side: order.side === 'sell' ? Side.Sell : Side.Buy,
    orderType: market ? OrderType.Market : OrderType.Limit,
    timeInForce: TIME_IN_FORCE[order.timeInForce ?? 'GTC'] ?? TimeInForce.GoodTillCancel,
    status: statusOf(order, filledLots),
    priceTicks: market || order.price === undefined || order.price === 0 ? 0 : precision.priceToTicks(order.price),
    sizeLots,
    filledLots,
    remainingLots: sizeLots - filledLots,
    tsNs,
  }
}

/** A ccxt trade (own fill) as an execution; the fee counts only when charged in the quote asset. */
export function executionOf(trade: CcxtTradeLike, clientOrderId: string, instrumentId: number, precision: InstrumentPrecision, tsNs: number): Execution {
  if (trade.id === undefined || trade.order === undefined || trade.price === undefined || trade.amount === undefined) throw new Error('trade answer without id, order, price or amount')
  const fee = trade.fee
  let feeQuoteUnits = 0n
  if (fee?.cost !== undefined && fee.currency === precision.spec.quote) {
    const cost = parseDecimal(fee.cost)
    const exact = unitsAtScale(cost, precision.spec.quoteDecimals)
    // Rounded up to the quote's smallest unit, as the engine charges.
    feeQuoteUnits = exact ?? cost.units / 10n ** BigInt(cost.scale - precision.spec.quoteDecimals) + 1n
  }
  return {
    clientOrderId,
    venueOrderId: Number(trade.order),
    tradeId: Number(trade.id),
    instrumentId,
    side: trade.side === 'sell' ? Side.Sell : Side.Buy,
    liquidity: trade.takerOrMaker === 'maker' ? Liquidity.Maker : Liquidity.Taker,
    priceTicks: precision.priceToTicks(trade.price),
    sizeLots: precision.sizeToLots(trade.amount),
    feeQuoteUnits,
    tsNs,
  }
}

/**
 * The lifecycle events that take an order from `from` to `to` as the venue
 * last reported it (a poll may skip states: New straight to Filled is an
 * ack then a fill). Each is checked by the one transition table.
 *
 * # Errors
 * ERR_ORDER_TRANSITION when the venue reports a move the lifecycle forbids.
 */
export function advance(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (from === to || isTerminal(from)) return from === to ? from : transition(from, eventTo(to))
  let status = from
  if (status === OrderStatus.New && to !== OrderStatus.Rejected && to !== OrderStatus.Expired) status = transition(status, 'ack')
  return status === to ? status : transition(status, eventTo(to))
}

function eventTo(to: OrderStatus): OrderEventKind {
  switch (to) {
    case OrderStatus.New:
    case OrderStatus.Acknowledged:
      return 'ack'
    case OrderStatus.PartiallyFilled:
      return 'partial_fill'
    case OrderStatus.Filled:
      return 'fill'
    case OrderStatus.CancelPending:
      return 'cancel_request'
    case OrderStatus.Cancelled:
      return 'cancelled'
    case OrderStatus.Rejected:
      return 'reject'
    case OrderStatus.Expired:
      return 'expire'
  }
}
