import ccxt from 'ccxt'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Side } from '../../src/schemas/index.js'
import { startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

// BTC-USDT: tick 0.01, lot 0.00001. ETH-USDT: tick 0.01, lot 0.0001.
let env: MockBinance

beforeEach(async () => {
  env = await startMockBinance()
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50) // 30000.00 × 0.00050
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40) // 30001.00 × 0.00040
})

afterEach(async () => {
  // Every request reached the mock's own API: nothing went elsewhere.
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

describe('the unmodified ccxt binance client against the mock exchange', () => {
  test('loadMarkets reads the instrument specs as the markets precision', async () => {
    const ex = env.client()
    const markets = await ex.loadMarkets()
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT'])
    expect(markets['BTC/USDT']!.precision).toMatchObject({ price: 0.01, amount: 0.00001 })
    expect(markets['ETH/USDT']!.precision).toMatchObject({ price: 0.01, amount: 0.0001 })
    expect(env.mock.served('GET /api/v3/exchangeInfo')).toBe(1)
  })

  test('book, trades and ticker show what the test published', async () => {
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 10)
    const ex = env.client()
    const book = await ex.fetchOrderBook('BTC/USDT')
    expect(book.bids).toEqual([[30000, 0.0005]])
    expect(book.asks).toEqual([[30001, 0.0004]])
    const trades = await ex.fetchTrades('BTC/USDT')
    expect(trades.map((t) => [t.side, t.price, t.amount])).toEqual([['sell', 30000, 0.0001]])
    const ticker = await ex.fetchTicker('BTC/USDT')
    expect([ticker.bid, ticker.ask, ticker.last]).toEqual([30000, 30001, 30000])
  })

  test('orders: place, fetch by client id, list, cross, cancel; fills and balances are exact', async () => {
    const ex = env.client()
    const resting = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, 29999.5, { newClientOrderId: 'rest-1' })
    // The client id given is the one the venue holds: ccxt adds its broker prefix only when none is given.
    expect(resting.clientOrderId).toBe('rest-1')
    expect(resting.status).toBe('open')
    expect((await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'rest-1' })).id).toBe(resting.id)
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toEqual(['rest-1'])
    // The resting buy holds 29999.50 × 0.0002 = 5.9999 USDT.
    expect((await ex.fetchBalance()).used as unknown as Record<string, number>).toMatchObject({ USDT: 5.9999, BTC: 0 })

    const taker = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0003, 30001, { newClientOrderId: 'take-1' })
    expect([taker.status, taker.filled, taker.average]).toEqual(['closed', 0.0003, 30001])
    const fills = await ex.fetchMyTrades('BTC/USDT')
    expect(fills).toHaveLength(1)
    // 30001 × 0.0003 = 9.0003 USDT at 5 bps taker: 0.00450015 USDT.
    expect(fills[0]).toMatchObject({ order: taker.id, price: 30001, amount: 0.0003, cost: 9.0003, takerOrMaker: 'taker', fee: { cost: 0.00450015, currency: 'USDT' } })

    const cancelled = await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'rest-1' })
    expect(cancelled.status).toBe('canceled')
    await expect(ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'rest-1' })).rejects.toThrow('binance {"code":-2011,"msg":"Unknown order sent."}')

    const total = (await ex.fetchBalance()).total as unknown as Record<string, number>
    // 1 000 000 − 9.0003 − 0.00450015 USDT; 10 + 0.0003 BTC.
    expect(total['USDT']).toBe(999990.99519985)
    expect(total['BTC']).toBe(10.0003)
  })

  test('a client id already used is refused as Binance does, and no second order exists', async () => {
    const ex = env.client()
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 29000, { newClientOrderId: 'dup-1' })
    const second = ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 29000, { newClientOrderId: 'dup-1' })
    await expect(second).rejects.toBeInstanceOf(ccxt.InvalidOrder)
    await expect(second).rejects.toThrow('binance {"code":-2010,"msg":"Duplicate order sent."}')
    expect(env.engine.openOrders()).toHaveLength(1)
  })

  test('a wrong secret is refused with -1022 and a wrong API key with -2015, before anything happens', async () => {
    const badSecret = env.client({ secret: 'not-the-secret' })
    await badSecret.loadMarkets()
    await expect(badSecret.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 29000)).rejects.toThrow('binance {"code":-1022,"msg":"Signature for this request is not valid."}')
    await expect(badSecret.createOrder('BTC/USDT', 'limit', 'buy', 0.0001, 29000)).rejects.toBeInstanceOf(ccxt.AuthenticationError)
    const badKey = env.client({ apiKey: 'someone-else' })
    await expect(badKey.fetchBalance()).rejects.toThrow('binance {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}')
    expect(env.mock.counters.signatureRejects).toBe(2)
    expect(env.mock.counters.apiKeyRejects).toBe(1)
    expect(env.engine.openOrders()).toEqual([])
  })

  test('an unknown symbol gets Binance -1121', async () => {
    const response = await fetch(`${env.urls.rest}/depth?symbol=DOGEUSDT`)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' })
  })

  test('a call to any other Binance API lands on the mock as unexpected, never on the network', async () => {
    const ex = env.client()
    await expect(ex.sapiGetSystemStatus()).rejects.toThrow()
    expect(env.mock.counters.unexpected).toEqual(['GET /unexpected/sapi/system/status'])
    env.mock.counters.unexpected.length = 0
  })
})
