import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Side } from '../../src/schemas/index.js'
import { hmacSha256Hex } from '../../src/venues/mock-exchange/index.js'
import { API_KEY, SECRET, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

let env: MockBinance

beforeEach(async () => {
  env = await startMockBinance()
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
})

afterEach(async () => {
  await env.close()
})

/** A raw signed order request, signed the way Binance documents it (HMAC-SHA256 of the body). */
function placeOrder(clientOrderId: string, quantity = '0.00010', secret = SECRET): Promise<Response> {
  const body = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=${quantity}&price=29000.00&newClientOrderId=${clientOrderId}&timestamp=${Date.now()}`
  return fetch(`${env.urls.rest}/order`, {
    method: 'POST',
    headers: { 'X-MBX-APIKEY': API_KEY, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `${body}&signature=${hmacSha256Hex(body, secret)}`,
  })
}

describe('mock exchange faults, per route and per call, seen on the wire', () => {
  test('a hand-signed order is accepted; an off-grid size is a LOT_SIZE filter failure', async () => {
    const ok = await placeOrder('raw-1')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: 'raw-1', status: 'NEW', price: '29000.00', origQty: '0.00010' })
    const offGrid = await placeOrder('raw-2', '0.000015')
    expect(offGrid.status).toBe(400)
    expect(await offGrid.json()).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' })
  })

  test('delay: the order is placed at once and the answer comes late', async () => {
    env.mock.faults.inject('POST /api/v3/order', { kind: 'delay', delayMs: 300 })
    const started = Date.now()
    const answer = placeOrder('d-1')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(env.engine.order('d-1')).toBeDefined()
    expect((await answer).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })

  test('429 carries Retry-After and Binance -1003, 418 the ban text; neither places the order', async () => {
    env.mock.faults.inject('POST /api/v3/order', { kind: 'status', status: 429, retryAfterSec: 7 })
    env.mock.faults.inject('POST /api/v3/order', { kind: 'status', status: 418 })
    const limited = await placeOrder('s-1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect(((await limited.json()) as { code: number }).code).toBe(-1003)
    const banned = await placeOrder('s-2')
    expect(banned.status).toBe(418)
    expect(await banned.json()).toEqual({ code: -1003, msg: 'Way too many requests; IP banned until further notice. Please use WebSocket Streams for live updates to avoid bans.' })
    expect(env.engine.openOrders()).toEqual([])
    expect(env.mock.faults.injected.status).toBe(2)
  })

  test('5xx processed or not, a cut-short body, and a dropped connection', async () => {
    env.mock.faults.inject('POST /api/v3/order', { kind: 'status', status: 502, process: true })
    const gateway = await placeOrder('e-1')
    expect(gateway.status).toBe(502)
    expect(await gateway.text()).toBe('<html><body><h1>502 Bad Gateway</h1></body></html>')
    expect(env.engine.order('e-1')).toBeDefined()

    env.mock.faults.inject('POST /api/v3/order', { kind: 'malformed' })
    const cut = await placeOrder('e-2')
    expect(cut.status).toBe(200)
    const text = await cut.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(text.startsWith('{"symbol":"BTCUSDT"')).toBe(true)
    expect(env.engine.order('e-2')).toBeDefined()

    env.mock.faults.inject('POST /api/v3/order', { kind: 'drop', process: false })
    await expect(placeOrder('e-3')).rejects.toThrow('fetch failed')
    expect(env.engine.order('e-3')).toBeUndefined()

    expect(env.mock.faults.injected).toEqual({ delay: 0, status: 1, malformed: 1, drop: 1 })
    expect(env.mock.served('POST /api/v3/order')).toBe(3)
  })

  test("'*' hits any route, `times` counts calls, and unfaulted calls pass", async () => {
    env.mock.faults.inject('*', { kind: 'status', status: 503 }, 2)
    expect(env.mock.faults.pending).toBe(2)
    expect((await fetch(`${env.urls.rest}/ping`)).status).toBe(503)
    expect((await fetch(`${env.urls.rest}/time`)).status).toBe(503)
    expect((await fetch(`${env.urls.rest}/ping`)).status).toBe(200)
    expect(env.mock.faults.pending).toBe(0)
    expect([...env.mock.faults.injectedByRoute]).toEqual([['GET /api/v3/ping', 1], ['GET /api/v3/time', 1]])
    expect(() => env.mock.faults.inject('*', { kind: 'drop' }, 0)).toThrow('times must be a positive integer, got 0')
  })
})
