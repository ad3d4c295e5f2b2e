import { WavesError } from '../../errors/index.js'
import { OrderType, Side, TimeInForce } from '../../schemas/index.js'
import { SimReasonCode, type SimReason } from './reason-codes.js'
import type { NewOrder } from './venue-messages.js'

/**
 * Why the venue refuses an order on arrival, or undefined when it accepts it.
 * `bestOn(side)` is the best price the book shows on a side, or undefined for
 * an unknown instrument (then the instrument is the reason).
 */
export function rejectionOf(order: NewOrder, bestOn: ((side: Side) => number | undefined) | undefined): SimReason | undefined {
  if (typeof order.clientOrderId !== 'string' || order.clientOrderId.length === 0) return { code: SimReasonCode.InvalidClientOrderId, text: 'clientOrderId must be a non-empty string' }
  if (bestOn === undefined) return { code: SimReasonCode.UnknownInstrument, text: `unknown instrument ${order.instrumentId}` }
  if (order.side !== Side.Buy && order.side !== Side.Sell) return { code: SimReasonCode.InvalidOrderField, text: `unknown side ${order.side}` }
  if (order.orderType !== OrderType.Limit && order.orderType !== OrderType.Market) return { code: SimReasonCode.InvalidOrderField, text: `unknown order type ${order.orderType}` }
  if (TimeInForce[order.timeInForce] === undefined) return { code: SimReasonCode.InvalidOrderField, text: `unknown time in force ${order.timeInForce}` }
  if (!isPositiveSafeInteger(order.sizeLots)) return { code: SimReasonCode.InvalidSize, text: `sizeLots must be a positive safe integer, got ${order.sizeLots}` }
  if (order.orderType === OrderType.Limit && !isPositiveSafeInteger(order.priceTicks)) return { code: SimReasonCode.InvalidPrice, text: `priceTicks must be a positive safe integer, got ${order.priceTicks}` }
  if (order.postOnly === true) {
    if (order.orderType !== OrderType.Limit) return { code: SimReasonCode.PostOnlyNotLimit, text: 'a post-only order must be a limit order' }
    const bestOpposite = bestOn(order.side === Side.Buy ? Side.Sell : Side.Buy)
    const crosses = bestOpposite !== undefined && (order.side === Side.Buy ? order.priceTicks >= bestOpposite : order.priceTicks <= bestOpposite)
    if (crosses) return { code: SimReasonCode.PostOnlyWouldCross, text: `post-only order would take liquidity at ${bestOpposite} ticks` }
  }
  return undefined
}

/**
 * Market data the engine cannot apply is a bug upstream, not a market event.
 *
 * # Errors
 * `ERR_SIM_MARKET_DATA` naming instrument, side, price and size.
 */
export function checkMarketData(instrumentKnown: boolean, instrumentId: number, side: Side, priceTicks: number, sizeLots: number): void {
  if (instrumentKnown && (side === Side.Buy || side === Side.Sell) && isPositiveSafeInteger(priceTicks) && Number.isSafeInteger(sizeLots) && sizeLots >= 0) return
  throw new WavesError('ERR_SIM_MARKET_DATA', `market data the sim venue cannot apply: instrument ${instrumentId}, side ${side}, price ${priceTicks} ticks, size ${sizeLots} lots`, {
    instrumentId,
    side,
    priceTicks,
    sizeLots,
  })
}

function isPositiveSafeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0
}
