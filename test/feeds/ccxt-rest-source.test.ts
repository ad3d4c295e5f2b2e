import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { CcxtRestSource } from '../../src/feeds/ccxt-rest-source.js'
import { Side } from '../../src/schemas/index.js'
import { startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'
import { CollectingSink, testSymbols } from './helper.js'

let env: MockBinance

beforeEach(async () => {
  env = await startMockBinance()
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
  env.mock.setBookLevel('ETHUSDT', Side.Buy, 200_000, 300)
  env.mock.setBookLevel('ETHUSDT', Side.Sell, 200_010, 200)
  env.mock.printTrade('BTCUSDT', Side.Buy, 3_000_100, 5)
})

afterEach(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

describe('CcxtRestSource: ccxt REST polling against the mock exchange', () => {
  test('a poll gives a book snapshot, new trades and a quote per instrument, in ticks and lots', async () => {
    const sink = new CollectingSink()
    const source = new CcxtRestSource({ exchange: env.client(), venue: 'binance', symbols: testSymbols(), instruments: ['BTC-USDT', 'ETH-USDT'], bookDepth: 5 })
    await source.pollOnce(sink)
    expect(sink.order).toEqual(['bookSnapshot', 'trade', 'quote', 'bookSnapshot', 'quote'])
    expect(sink.snapshots.map((s) => [s.instrumentId, s.venueId, s.bids, s.asks])).toEqual([
      [0, 1, [{ priceTicks: 3_000_000, sizeLots: 50, orderCount: 0 }], [{ priceTicks: 3_000_100, sizeLots: 40, orderCount: 0 }]],
      [1, 1, [{ priceTicks: 200_000, sizeLots: 300, orderCount: 0 }], [{ priceTicks: 200_010, sizeLots: 200, orderCount: 0 }]],
    ])
    expect(sink.trades).toMatchObject([{ instrumentId: 0, aggressor: Side.Buy, priceTicks: 3_000_100, sizeLots: 5, venueTradeId: 1 }])
    expect(sink.quotes.map((q) => [q.instrumentId, q.bidPriceTicks, q.bidSizeLots, q.askPriceTicks, q.askSizeLots])).toEqual([
      [0, 3_000_000, 50, 3_000_100, 40],
      [1, 200_000, 300, 200_010, 200],
    ])

    // The next poll sends only trades not seen before.
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 7)
    await source.pollOnce(sink)
    expect(sink.trades.map((t) => [t.venueTradeId, t.sizeLots])).toEqual([[1, 5], [2, 7]])
    expect(source.counters).toMatchObject({ polls: 2, snapshots: 4, trades: 2, quotes: 4, errors: 0 })
  })

  test('a failed call is counted, a broken answer rejected as malformed, and the polling goes on; stop ends the run', async () => {
    const sink = new CollectingSink()
    const source = new CcxtRestSource({ exchange: env.client(), venue: 'binance', symbols: testSymbols(), instruments: ['BTC-USDT'], channels: ['book'], pollIntervalMs: 5 })
    env.mock.faults.inject('GET /api/v3/depth', { kind: 'status', status: 503 })
    env.mock.faults.inject('GET /api/v3/depth', { kind: 'malformed' })
    const run = source.start(sink)
    const deadline = Date.now() + 5_000
    while (sink.snapshots.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    await source.stop()
    await run
    expect(source.counters.errors).toBe(1)
    // ccxt turns a cut-short body into an empty book; the source refuses it instead of wiping the book.
    expect(sink.rejectCounts()).toEqual({ malformed: 1 })
    expect(sink.snapshots.length).toBeGreaterThanOrEqual(2)
    expect(sink.snapshots.every((s) => s.bids.length === 1 && s.asks.length === 1)).toBe(true)
    expect(source.counters.polls).toBe(source.counters.errors + 1 + source.counters.snapshots)
  })

  test('an unknown venue or instrument is a config error naming it', () => {
    expect(() => new CcxtRestSource({ exchange: env.client(), venue: 'kraken', symbols: testSymbols(), instruments: ['BTC-USDT'] })).toThrow('venue kraken is not a configured venue')
    expect(() => new CcxtRestSource({ exchange: env.client(), venue: 'binance', symbols: testSymbols(), instruments: ['DOGE-USDT'] })).toThrow('instrument DOGE-USDT is not a configured instrument')
  })
})
