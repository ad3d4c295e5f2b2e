import type { InstrumentSpec } from '../../market/instrument-spec.js'
import { BINANCE_ERRORS } from './binance-errors.js'
import { cancelledOrderJson, myTradeJson, newOrderJson, orderJson } from './binance-shapes.js'
import { cancelReplace } from './cancel-replace.js'
import { exchangeInfoOf } from './exchange-info.js'
import { aggTradeJson, depthJson, publicTradeJson } from './market-events.js'
import { balanceText } from './mock-account.js'
import type { MockVenue } from './mock-venue.js'
import { instrumentOf, isError, namedOrder, ok, orderRequestOf, type Params, type RouteAnswer } from './route-params.js'

export type { Params, RouteAnswer } from './route-params.js'

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
      // The cancel is a request of its own with its own client id; the order's is origClientOrderId.
      const cancelId = params.get('newClientOrderId') ?? ctx.venue.generatedClientOrderId()
      return ok(cancelledOrderJson(order, report, instrument.precision, ctx.nowMs, cancelId))
    },
  },
  'POST /api/v3/order/cancelReplace': { signed: true, handle: cancelReplace },
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
