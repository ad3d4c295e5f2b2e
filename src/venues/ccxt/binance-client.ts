import ccxt from 'ccxt'
import { Agent } from 'node:http'

/** What ccxt's binance (REST, or `pro` with WebSockets) looks like to the adapter and the feeds. */
export type CcxtExchange = InstanceType<typeof ccxt.binance>
export type CcxtProExchange = InstanceType<typeof ccxt.pro.binance>

export interface BinanceClientOptions {
  apiKey?: string
  secret?: string
  /** Build `ccxt.pro.binance` (WebSocket `watch*` methods) instead of the REST-only client. */
  pro?: boolean
  /** Per-request timeout, ms. Default 10 000. */
  timeoutMs?: number
  /** Point every URL at this local server instead of Binance (tests, a recording proxy). */
  urls?: { origin: string; rest: string; ws: string; wsApi: string }
}

/**
 * A spot-only ccxt binance client. `loadMarkets` would otherwise also load
 * futures, margin pairs and currencies from other hosts; spot trading needs
 * one `GET /api/v3/exchangeInfo`. ccxt's rate limiter stays on.
 */
export function createBinanceClient(options: BinanceClientOptions = {}): CcxtProExchange {
  const config = {
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    enableRateLimit: true,
    timeout: options.timeoutMs ?? 10_000,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
  }
  const exchange = (options.pro === true ? new ccxt.pro.binance(config) : new ccxt.binance(config)) as CcxtProExchange
  if (options.urls !== undefined) pointBinanceAt(exchange, options.urls)
  return exchange
}

/**
 * Sends every request the client can make to `urls`: spot REST and streams
 * to the server's own endpoints, and every other API (sapi, futures,
 * options, portfolio margin) to `/unexpected/<api>` on the same server, so a
 * call that would have left the machine is seen there, never sent out.
 */
export function pointBinanceAt(exchange: CcxtExchange | CcxtProExchange, urls: { origin: string; rest: string; ws: string; wsApi: string }): void {
  const api = exchange.urls['api'] as Record<string, unknown>
  const wsOrigin = urls.origin.replace(/^http/, 'ws')
  for (const key of Object.keys(api)) {
    if (typeof api[key] === 'string') api[key] = `${urls.origin}/unexpected/${key}`
  }
  api['public'] = urls.rest
  api['private'] = urls.rest
  const ws: Record<string, unknown> = {}
  for (const key of ['spot', 'margin', 'future', 'delivery', 'stock', 'option', 'optionMarket', 'optionPrivate', 'papi']) ws[key] = `${wsOrigin}/unexpected/ws/${key}`
  ws['spot'] = urls.ws
  ws['margin'] = urls.ws
  ws['ws-api'] = { spot: urls.wsApi, future: `${wsOrigin}/unexpected/ws-api/future`, delivery: `${wsOrigin}/unexpected/ws-api/delivery` }
  api['ws'] = ws
  // The test and demo URL sets would bypass the above if sandbox mode were switched on.
  // ccxt opens plain ws:// sockets only through an HTTP agent it is given.
  const withAgent = exchange as unknown as { httpAgent: unknown }
  withAgent.httpAgent ??= new Agent({ keepAlive: true })
  const all = exchange.urls as Record<string, unknown>
  delete all['test']
  delete all['demo']
}
