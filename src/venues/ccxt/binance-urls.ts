/**
 * Every URL of a ccxt binance client on one server, from its spot REST base
 * (and stream base): the WebSocket API sits at /ws-api/v3 beside the
 * streams. Undefined without a REST base: the real exchange.
 */
export function binanceUrlsOf(restUrl: string | undefined, wsUrl?: string): { origin: string; rest: string; ws: string; wsApi: string } | undefined {
  if (restUrl === undefined) return undefined
  const origin = new URL(restUrl).origin
  const wsOrigin = origin.replace(/^http/, 'ws')
  return { origin, rest: restUrl, ws: wsUrl ?? `${wsOrigin}/stream/ws`, wsApi: `${wsOrigin}/ws-api/v3` }
}
