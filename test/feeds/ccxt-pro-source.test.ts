import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { CcxtProSource } from '../../src/feeds/ccxt-pro-source.js'
import { Side } from '../../src/schemas/index.js'
import { startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'
import { CollectingSink, testSymbols } from './helper.js'

let env: MockBinance
let source: CcxtProSource | undefined

async function until(what: string, ready: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

beforeEach(async () => {
  env = await startMockBinance()
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
})

afterEach(async () => {
  await source?.stop()
  source = undefined
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

const lastSnapshot = (sink: CollectingSink) => sink.snapshots[sink.snapshots.length - 1]

describe('CcxtProSource: ccxt pro watch* against the mock exchange streams', () => {
  test('books, trades and ticker quotes arrive in ticks and lots, and survive dropped sockets', async () => {
    const sink = new CollectingSink()
    source = new CcxtProSource({ exchange: env.client({ pro: true }), venue: 'binance', symbols: testSymbols(), instruments: ['BTC-USDT'], backoff: { initialMs: 20, maxMs: 100 }, random: () => 0.5 })
    const done = source.start(sink)

    await until('the first book', () => sink.snapshots.length > 0)
    expect(lastSnapshot(sink)).toMatchObject({ instrumentId: 0, venueId: 1, bids: [{ priceTicks: 3_000_000, sizeLots: 50, orderCount: 0 }], asks: [{ priceTicks: 3_000_100, sizeLots: 40, orderCount: 0 }] })
    await until('subscriptions to depth, trades and ticker', () => ['btcusdt@depth@100ms', 'btcusdt@trade', 'btcusdt@ticker'].every((s) => env.mock.streams.subscribers(s) > 0))

    env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_200, 70)
    await until('the book update', () => lastSnapshot(sink)!.asks.length === 2)
    expect(lastSnapshot(sink)!.asks).toEqual([{ priceTicks: 3_000_100, sizeLots: 40, orderCount: 0 }, { priceTicks: 3_000_200, sizeLots: 70, orderCount: 0 }])

    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 15)
    await until('the trade', () => sink.trades.length === 1)
    expect(sink.trades[0]).toMatchObject({ instrumentId: 0, venueId: 1, aggressor: Side.Sell, priceTicks: 3_000_000, sizeLots: 15, venueTradeId: 1 })
    await until('a quote', () => sink.quotes.length > 0)
    expect(sink.quotes[sink.quotes.length - 1]).toMatchObject({ bidPriceTicks: 3_000_000, askPriceTicks: 3_000_100, askSizeLots: 40 })

    const connectionsBefore = env.mock.streams.counters.connections
    for (let drop = 1; drop <= 2; drop++) {
      expect(env.mock.dropSockets()).toBeGreaterThan(0)
      await until('the watches to fail and start again', () => source!.counters.rewatches >= 3 * drop)
      env.mock.setBookLevel('BTCUSDT', Side.Buy, 2_999_900 - drop, 10 * drop)
      await until(`the book after drop ${drop}`, () => lastSnapshot(sink)!.bids.some((l) => l.priceTicks === 2_999_900 - drop))
      env.mock.printTrade('BTCUSDT', Side.Buy, 3_000_100, drop)
      await until(`the trade after drop ${drop}`, () => sink.trades.length === 1 + drop)
    }
    expect(env.mock.streams.counters.connections).toBeGreaterThan(connectionsBefore)
    expect(env.mock.streams.counters.socketsDropped).toBeGreaterThanOrEqual(2)
    // Each trade once, in order, none lost across the drops.
    expect(sink.trades.map((t) => t.venueTradeId)).toEqual([1, 2, 3])
    expect(sink.rejects).toEqual([])

    await source.stop()
    await done
    source = undefined
  })
})
