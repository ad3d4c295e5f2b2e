import { isWavesError } from '../../errors/index.js'
import { Side } from '../../schemas/index.js'
import { BINANCE_ERRORS, invalidParameter, missingParameter, type BinanceError } from './binance-errors.js'
import type { MockOrder } from './mock-account.js'
import type { MockInstrument, MockOrderRequest, MockVenue } from './mock-venue.js'

/** The parameters of a REST request: query string and form body together, as Binance reads them. */
export type Params = URLSearchParams

/** What a route answers: a JSON body with its status, or a Binance error. */
export type RouteAnswer = { status: number; body: unknown } | BinanceError

export const ok = (body: unknown): RouteAnswer => ({ status: 200, body })

export function instrumentOf(params: Params, venue: MockVenue): MockInstrument | BinanceError {
  const symbol = params.get('symbol')
  if (symbol === null || symbol === '') return missingParameter('symbol')
  return venue.instrument(symbol) ?? BINANCE_ERRORS.badSymbol
}

export function isError(value: object): value is BinanceError {
  return 'status' in value && 'body' in value && typeof (value as BinanceError).body === 'object' && 'code' in (value as BinanceError).body
}

/** The order a request names by `orderId` or `origClientOrderId` (a cancel-replace: `cancelOrderId` or `cancelOrigClientOrderId`). */
export function namedOrder(params: Params, venue: MockVenue, instrument: MockInstrument, prefix: '' | 'cancel' = ''): MockOrder | BinanceError {
  const clientId = params.get(prefix === '' ? 'origClientOrderId' : 'cancelOrigClientOrderId')
  const orderId = params.get(prefix === '' ? 'orderId' : 'cancelOrderId')
  if (clientId === null && orderId === null) return missingParameter(prefix === '' ? 'orderId' : 'cancelOrderId')
  const order = clientId !== null ? venue.orders.get(clientId) : venue.orderById(Number(orderId))
  return order === undefined || order.instrumentId !== instrument.id ? BINANCE_ERRORS.unknownOrder : order
}

export function orderRequestOf(params: Params, instrument: MockInstrument, venue: MockVenue): MockOrderRequest | BinanceError {
  const side = params.get('side')
  const type = params.get('type')
  if (side !== 'BUY' && side !== 'SELL') return side === null ? missingParameter('side') : invalidParameter(-1117, 'side')
  if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') return type === null ? missingParameter('type') : invalidParameter(-1116, 'orderType')
  const tif = params.get('timeInForce') ?? 'GTC'
  if (type === 'LIMIT' && params.get('timeInForce') === null) return missingParameter('timeInForce')
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') return invalidParameter(-1115, 'timeInForce')
  const quantity = params.get('quantity')
  if (quantity === null) return missingParameter('quantity')
  const price = params.get('price')
  if (type !== 'MARKET' && price === null) return missingParameter('price')
  try {
    const sizeLots = instrument.precision.sizeToLots(quantity)
    if (!(sizeLots > 0)) return BINANCE_ERRORS.lotSize
    let priceTicks = 0
    try {
      priceTicks = type === 'MARKET' ? 0 : instrument.precision.priceToTicks(price!)
    } catch (err) {
      if (isWavesError(err)) return BINANCE_ERRORS.priceFilter
      throw err
    }
    if (type !== 'MARKET' && !(priceTicks > 0)) return BINANCE_ERRORS.priceFilter
    const clientOrderId = params.get('newClientOrderId') ?? venue.generatedClientOrderId()
    return { instrument, clientOrderId, side: side === 'BUY' ? Side.Buy : Side.Sell, type, timeInForce: type === 'LIMIT' ? tif : type === 'MARKET' ? 'GTC' : 'GTC', priceTicks, sizeLots }
  } catch (err) {
    if (isWavesError(err)) return BINANCE_ERRORS.lotSize
    throw err
  }
}
