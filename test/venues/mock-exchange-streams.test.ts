import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Side } from '../../src/schemas/index.js'
import { startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

let env: MockBinance

beforeEach(async () => {
  env = await startMockBinance()
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
})

afterEach(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

describe('ccxt pro user data over the mock WebSocket API', () => {
  test('watchOrders and watchMyTrades see the orders and fills made over REST', async () => {
    const ex = env.client({ pro: true })
    await ex.loadMarkets()
    const firstOrders = ex.watchOrders('BTC/USDT')
    const firstTrades = ex.watchMyTrades('BTC/USDT')
    const deadline = Date.now() + 5_000
    while (env.mock.streams.counters.userStreamSubscriptions < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(env.mock.streams.counters.userStreamSubscriptions).toBe(1)

    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0006, 30001, { newClientOrderId: 'ws-1' })
    const orders = await firstOrders
    expect(orders.map((o) => [o.clientOrderId, o.status])).toContainEqual(['ws-1', 'open'])
    const trades = await firstTrades
    expect(trades[0]).toMatchObject({ order: placed.id, price: 30001, amount: 0.0004, takerOrMaker: 'taker', fee: { cost: 0.0060002, currency: 'USDT' } })

    // A watch resolves on the next update: both wait before the market trade that fills the rest.
    const nextTrades = ex.watchMyTrades('BTC/USDT')
    const nextOrders = ex.watchOrders('BTC/USDT')
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_100, 30)
    const more = await nextTrades
    expect(more[more.length - 1]).toMatchObject({ order: placed.id, amount: 0.0002, takerOrMaker: 'maker' })
    const done = await nextOrders
    expect(done[done.length - 1]).toMatchObject({ clientOrderId: 'ws-1', status: 'closed', filled: 0.0006 })
  })

  test('a user data subscription with a wrong signature is refused with -1022', async () => {
    const ex = env.client({ pro: true, secret: 'not-the-secret' })
    await ex.loadMarkets()
    // ccxt also rejects an internal future nobody awaits; catch it so it is not an unhandled rejection.
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      await expect(ex.watchOrders('BTC/USDT')).rejects.toThrow('binance {"code":-1022,"msg":"Signature for this request is not valid."}')
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled.every((e) => String(e).includes('-1022'))).toBe(true)
    expect(env.mock.streams.counters.userStreamAuthFailures).toBe(1)
    expect(env.mock.streams.counters.userStreamSubscriptions).toBe(0)
  })
})

describe('an outage of the mock WebSocket API and streams', () => {
  /** How a connection attempt ends: open, refused with an HTTP status, or dropped. */
  const connect = async (url: string): Promise<'open' | 'dropped' | number> => {
    const { WebSocket } = await import('ws')
    return new Promise((resolve) => {
      const ws = new WebSocket(url)
      ws.on('open', () => {
        ws.close()
        resolve('open')
      })
      ws.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0)
        ws.terminate()
      })
      ws.on('error', () => resolve('dropped'))
    })
  }

  test('refuses new connections while a fault is armed for them, as a request is refused, and serves them again after', async () => {
    env.mock.faults.inject('UPGRADE /ws-api/v3', { kind: 'status', status: 503 })
    env.mock.faults.inject('*', { kind: 'drop', process: false }, 2)
    expect(await connect(env.urls.wsApi)).toBe(503)
    expect(await connect(env.urls.wsApi)).toBe('dropped')
    expect(await connect(env.urls.ws)).toBe('dropped')
    expect(env.mock.faults.pending).toBe(0)
    expect(await connect(env.urls.wsApi)).toBe('open')
    expect(await connect(env.urls.ws)).toBe('open')
    expect([env.mock.served('UPGRADE /ws-api/v3'), env.mock.served('UPGRADE /stream/ws')]).toEqual([3, 2])
    expect(env.mock.streams.counters.connections).toBe(2)
  })
})
