import { isWavesError } from '../../errors/index.js'
import { Side } from '../../schemas/index.js'
import { BINANCE_ERRORS, invalidParameter, missingParameter, type BinanceError } from './binance-errors.js'
import { cancelledOrderJson, myTradeJson, newOrderJson, orderJson } from './binance-shapes.js'
import { exchangeInfoOf } from './exchange-info.js'
import { aggTradeJson, depthJson, publicTradeJson } from './market-events.js'
import { balanceText, type MockOrder } from './mock-account.js'
import type { MockInstrument, MockOrderRequest, MockVenue } from './mock-venue.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'

export type Params = URLSearchParams

/** What a route answers: a JSON body with its status, or a Binance error. */
export type RouteAnswer = { status: number; body: unknown } | BinanceError

export interface RouteContext {
  venue: MockVenue
  specs: readonly InstrumentSpec[]
  nowMs: number
}

export interface Route {
  /** Signed routes need the API key and a valid signature. */
  signed: boolean
  handle(params: Params, ctx: RouteContext): RouteAnswer
}

const ok = (body: unknown): RouteAnswer => ({ status: 200, body })

function instrumentOf(params: Params, venue: MockVenue): MockInstrument | BinanceError {
  const symbol = params.get('symbol')
  if (symbol === null || symbol === '') return missingParameter('symbol')
  return venue.instrument(symbol) ?? BINANCE_ERRORS.badSymbol
}

function isError(value: object): value is BinanceError {
  return 'status' in value && 'body' in value && typeof (value as BinanceError).body === 'object' && 'code' in (value as BinanceError).body
}

/** The order a request names by `orderId` or `origClientOrderId`. */
function namedOrder(params: Params, venue: MockVenue, instrument: MockInstrument): MockOrder | BinanceError {
  const clientId = params.get('origClientOrderId')
  const orderId = params.get('orderId')
  if (clientId === null && orderId === null) return missingParameter('orderId')
  const order = clientId !== null ? venue.orders.get(clientId) : venue.orderById(Number(orderId))
  return order === undefined || order.instrumentId !== instrument.id ? BINANCE_ERRORS.unknownOrder : order
}

function orderRequestOf(params: Params, instrument: MockInstrument, venue: MockVenue): MockOrderRequest | BinanceError {
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

/** The REST API the mock serves, keyed by 'METHOD /path'. */
export const REST_ROUTES: Readonly<Record<string, Route>> = {
  'GET /api/v3/ping': { signed: false, handle: () => ok({}) },
  'GET /api/v3/time': { signed: false, handle: (_p, ctx) => ok({ serverTime: ctx.nowMs }) },
  'GET /api/v3/exchangeInfo': { signed: false, handle: (_p, ctx) => ok(exchangeInfoOf(ctx.specs, ctx.nowMs)) },
  'GET /api/v3/depth': {
    signed: false,
    handle(params, { venue }) {
      const instrument = instrumentOf(params, venue)
      if (isError(instrument)) return instrument
      const { bids, asks } = venue.shownBook(instrument, Number(params.get('limit') ?? 100))
      return ok(depthJson(instrument.market, bids, asks, instrument.precision))
    },
  },
  'GET /api/v3/aggTrades': {
    signed: false,
    handle(params, { venue }) {
      const instrument = instrumentOf(params, venue)
      if (isError(instrument)) return instrument
      return ok(instrument.market.tape.slice(-Number(params.get('limit') ?? 500)).map((t) => aggTradeJson(t, instrument.precision)))
    },
  },
  'GET /api/v3/trades': {
    signed: false,
    handle(params, { venue }) {
      const instrument = instrumentOf(params, venue)
      if (isError(instrument)) return instrument
      return ok(instrument.market.tape.slice(-Number(params.get('limit') ?? 500)).map((t) => publicTradeJson(t, instrument.precision)))
    },
  },
  'GET /api/v3/ticker/24hr': {
    signed: false,
    handle(params, { venue }) {
      if (params.get('symbol') === null) return ok(venue.instruments.map((i) => venue.ticker(i)))
      const instrument = instrumentOf(params, venue)
      return isError(instrument) ? instrument : ok(venue.ticker(instrument))
    },
  },
  'POST /api/v3/order': {
    signed: true,
    handle(params, { venue }) {
      const instrument = instrumentOf(params, venue)
      if (isError(instrument)) return instrument
      const request = orderRequestOf(params, instrument, venue)
      if (isError(request)) return request
      const placed = venue.place(request)
      if (isError(placed)) return placed
      return ok(newOrderJson(placed.order, placed.report, placed.fills, instrument.precision))
    },
  },
  'GET /api/v3/order': {
    signed: true,
    handle(params, { venue }) {
      const instrument = instrumentOf(params, venue)
      if (isError(instrument)) return instrument
      const order = namedOrder(params, venue, instrument)
      if (isError(order)) return order
      return ok(orderJson(order, venue.engineOrder(order.clientOrderId)!, instrument.precision))
    },
  },
  'DELETE /api/v3/order': {
    signed: true,
    handle(params, ctx) {
      const instrument = instrumentOf(params, ctx.venue)
      if (isError(instrument)) return instrument
      const order = namedOrder(params, ctx.venue, instrument)
      if (isError(order)) return order === BINANCE_ERRORS.unknownOrder ? BINANCE_ERRORS.cancelUnknown : order
      const report = ctx.venue.cancel(order)
      if (isError(report)) return report
      return ok(cancelledOrderJson(order, report, instrument.precision, ctx.nowMs))
    },
  },
  'GET /api/v3/openOrders': {
    signed: true,
    handle(params, { venue }) {
      const symbol = params.get('symbol')
      const instrument = symbol === null ? undefined : instrumentOf(params, venue)
      if (instrument !== undefined && isError(instrument)) return instrument
      return ok(
        venue.openOrders(instrument?.id).map((report) => {
          const order = venue.orders.get(report.clientOrderId)!
          return orderJson(order, report, venue.instruments[order.instrumentId]!.precision)
        }),
      )
    },
  },
  'GET /api/v3/myTrades': {
    signed: true,
    handle(params, { venue }) {
      const instrument = instrumentOf(params, venue)
      if (isError(instrument)) return instrument
      const orderId = params.get('orderId')
      const fromId = Number(params.get('fromId') ?? 0)
      const limit = Number(params.get('limit') ?? 500)
      const rows = venue.account.fills.filter(
        (fill) => fill.symbol === instrument.symbol && venue.orders.has(fill.execution.clientOrderId) && (orderId === null || fill.execution.venueOrderId === Number(orderId)) && fill.execution.tradeId >= fromId,
      )
      // Binance lists own trades by trade id, ascending.
      rows.sort((a, b) => a.execution.tradeId - b.execution.tradeId)
      return ok(rows.slice(0, limit).map((fill) => myTradeJson(fill, instrument.precision)))
    },
  },
  'GET /api/v3/account': {
    signed: true,
    handle(params, { venue, nowMs }) {
      const omitZero = params.get('omitZeroBalances') === 'true'
      const locked = venue.lockedUnits()
      const balances = venue.account.assets().map((asset) => {
        const lockedUnits = locked.get(asset) ?? 0n
        return { asset, free: balanceText(venue.account.total(asset).units - lockedUnits), locked: balanceText(lockedUnits) }
      })
      return ok({
        makerCommission: 0, takerCommission: 0, buyerCommission: 0, sellerCommission: 0,
        canTrade: true, canWithdraw: true, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false,
        updateTime: nowMs, accountType: 'SPOT',
        balances: omitZero ? balances.filter((b) => b.free !== '0.00000000') : balances,
        permissions: ['SPOT'], uid: 1,
      })
    },
  },
}
