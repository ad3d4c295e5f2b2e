import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFeedSource } from '../../src/feeds/index.js'
import { BookAction, Side } from '../../src/schemas/index.js'
import type { WebSocketSource } from '../../src/feeds/websocket-source.js'
import { startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'
import { CollectingSink, testSymbols } from '../feeds/helper.js'

let env: MockBinance

async function until(what: string, ready: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

beforeEach(async () => {
  env = await startMockBinance()
})

afterEach(async () => {
  await env.close()
})

describe("the project's own Binance stream feed against the mock exchange", () => {
  test('depth updates, book tickers and trades arrive in ticks and lots, and the feed resubscribes after a drop', async () => {
    const sink = new CollectingSink()
    const source = createFeedSource(
      { type: 'binance-ws', url: env.urls.ws, venue: 'binance', streams: ['btcusdt@trade', 'btcusdt@bookTicker', 'btcusdt@depth@100ms'], backoff: { initialMs: 20, maxMs: 100 } },
      { symbols: testSymbols() },
    ) as WebSocketSource
    const run = source.start(sink)
    await until('the subscription', () => env.mock.streams.subscribers('btcusdt@depth@100ms') === 1)

    env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
    env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
    // A trade, then the book update that reflects it, as a venue sends them.
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 20)
    env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 30)
    await until('the trade and book', () => sink.trades.length === 1 && sink.quotes.length === 3)
    // Depth updates carry Binance's update ids: one per change, U = u, contiguous.
    expect(sink.deltas.map((d) => [d.side, d.action, d.priceTicks, d.sizeLots, d.venueSequence])).toEqual([
      [Side.Buy, BookAction.Set, 3_000_000, 50, 2],
      [Side.Sell, BookAction.Set, 3_000_100, 40, 3],
      [Side.Buy, BookAction.Set, 3_000_000, 30, 4],
    ])
    expect(sink.trades[0]).toMatchObject({ aggressor: Side.Sell, priceTicks: 3_000_000, sizeLots: 20, venueTradeId: 1 })
    expect(sink.quotes[2]).toMatchObject({ bidPriceTicks: 3_000_000, bidSizeLots: 30, askPriceTicks: 3_000_100, askSizeLots: 40, venueSequence: 4 })

    expect(env.mock.dropSockets()).toBe(1)
    await until('the resubscription', () => source.counters.resubscribes === 1 && env.mock.streams.subscribers('btcusdt@trade') === 1)
    env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 0)
    await until('the level removal', () => sink.deltas.length === 4)
    expect(sink.deltas[3]).toMatchObject({ side: Side.Sell, action: BookAction.Delete, priceTicks: 3_000_100, venueSequence: 5 })
    expect(sink.rejects).toEqual([])
    await source.stop()
    await run
  })
})
