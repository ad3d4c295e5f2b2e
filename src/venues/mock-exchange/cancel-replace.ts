import { BINANCE_ERRORS, missingParameter } from './binance-errors.js'
import { cancelledOrderJson, newOrderJson } from './binance-shapes.js'
import type { RouteContext } from './rest-routes.js'
import { instrumentOf, isError, namedOrder, ok, orderRequestOf, type Params, type RouteAnswer } from './route-params.js'

type Outcome = 'SUCCESS' | 'FAILURE' | 'NOT_ATTEMPTED'

/**
 * `POST /api/v3/order/cancelReplace` (ccxt's `editOrder` on spot): cancels
 * an order and places a new one in one request, in the matching engine's one
 * turn, so nothing trades between the two. The new order is a new order:
 * new order id, back of its level's queue. `STOP_ON_FAILURE` places nothing
 * when the cancel fails (the order was already done, or never existed);
 * `ALLOW_FAILURE` places the new order either way. A failure of either half
 * answers Binance's -2022 (400) or -2021 (409) with both halves in `data`.
 */
export function cancelReplace(params: Params, { venue, nowMs }: RouteContext): RouteAnswer {
  const instrument = instrumentOf(params, venue)
  if (isError(instrument)) return instrument
  const mode = params.get('cancelReplaceMode')
  if (mode !== 'STOP_ON_FAILURE' && mode !== 'ALLOW_FAILURE') return missingParameter('cancelReplaceMode')
  const request = orderRequestOf(params, instrument, venue)
  if (isError(request)) return request
  const named = namedOrder(params, venue, instrument, 'cancel')
  if (isError(named) && named !== BINANCE_ERRORS.unknownOrder) return named
  const order = isError(named) ? undefined : named
  const report = order === undefined ? BINANCE_ERRORS.cancelUnknown : venue.cancel(order)
  const cancelResponse = isError(report) ? report.body : cancelledOrderJson(order!, report, instrument.precision, nowMs, params.get('cancelNewClientOrderId') ?? venue.generatedClientOrderId())
  const cancelResult: Outcome = isError(report) ? 'FAILURE' : 'SUCCESS'
  if (cancelResult === 'FAILURE' && mode === 'STOP_ON_FAILURE') return failed(cancelResult, 'NOT_ATTEMPTED', cancelResponse, null)
  const placed = venue.place(request)
  const newOrderResponse = isError(placed) ? placed.body : newOrderJson(placed.order, placed.report, placed.fills, instrument.precision)
  const newOrderResult: Outcome = isError(placed) ? 'FAILURE' : 'SUCCESS'
  if (cancelResult === 'SUCCESS' && newOrderResult === 'SUCCESS') return ok({ cancelResult, newOrderResult, cancelResponse, newOrderResponse })
  return failed(cancelResult, newOrderResult, cancelResponse, newOrderResponse)
}

function failed(cancelResult: Outcome, newOrderResult: Outcome, cancelResponse: unknown, newOrderResponse: unknown): RouteAnswer {
  const data = { cancelResult, newOrderResult, cancelResponse, newOrderResponse }
  // One half done is a partial failure (409); nothing done, a failure (400).
  if (cancelResult === 'SUCCESS' || newOrderResult === 'SUCCESS') return { status: 409, body: { code: -2021, msg: 'Order cancel-replace partially failed.', data } }
  return { status: 400, body: { code: -2022, msg: 'Order cancel-replace failed.', data } }
}
