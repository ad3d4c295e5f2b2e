/**
 * Binance spot's error answers, code and text exactly as the exchange sends
 * them: the ccxt client maps each code (and some texts) to its own error
 * class, so a wrong code would test the wrong branch of the client.
 */
export interface BinanceErrorBody {
  code: number
  msg: string
}

export interface BinanceError {
  status: number
  body: BinanceErrorBody
}

const error = (status: number, code: number, msg: string): BinanceError => ({ status, body: { code, msg } })

export const BINANCE_ERRORS = Object.freeze({
  badSignature: error(400, -1022, 'Signature for this request is not valid.'),
  badApiKey: error(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  missingApiKey: error(401, -2014, 'API-key format invalid.'),
  outsideRecvWindow: error(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSymbol: error(400, -1121, 'Invalid symbol.'),
  unknownOrder: error(400, -2013, 'Order does not exist.'),
  cancelUnknown: error(400, -2011, 'Unknown order sent.'),
  duplicateOrder: error(400, -2010, 'Duplicate order sent.'),
  wouldTake: error(400, -2010, 'Order would immediately match and take.'),
  insufficientBalance: error(400, -2010, 'Account has insufficient balance for requested action.'),
  priceFilter: error(400, -1013, 'Filter failure: PRICE_FILTER'),
  lotSize: error(400, -1013, 'Filter failure: LOT_SIZE'),
  tooManyRequests: error(429, -1003, 'Too many requests; current limit of IP is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.'),
  ipBanned: error(418, -1003, 'Way too many requests; IP banned until further notice. Please use WebSocket Streams for live updates to avoid bans.'),
  internal: error(500, -1001, 'Internal error; unable to process your request. Please try again.'),
  unknownRoute: error(404, -1000, 'Unknown route.'),
})

/** A mandatory parameter missing or empty (Binance -1102). */
export function missingParameter(name: string): BinanceError {
  return error(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`)
}

/** A parameter with a value Binance does not accept (-1116 order type, -1117 side, -1115 time in force). */
export function invalidParameter(code: -1115 | -1116 | -1117, what: string): BinanceError {
  return error(400, code, `Invalid ${what}.`)
}

/** An order the matching engine refused, in Binance's NEW_ORDER_REJECTED shape. */
export function orderRejected(reason: string): BinanceError {
  return error(400, -2010, reason)
}
