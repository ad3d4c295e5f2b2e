import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { CsvReplaySource } from '../../src/feeds/csv-replay-source.js'
import { DerivedSignals, RollingSum, logReturnBps } from '../../src/feeds/derived-signals.js'
import { Side } from '../../src/schemas/index.js'
import { CollectingSink, testSymbols } from './helper.js'

const AGG_TRADES = fileURLToPath(new URL('../../../shared/data/crypto/BTCUSDT-aggTrades-2026-01-01.first5000.csv', import.meta.url))
const BOOK_TICKER = fileURLToPath(new URL('../fixtures/feeds/BTCUSDT-bookTicker-2026-01-01.csv', import.meta.url))

describe('derived signals', () => {
  it('tracks realized volatility and trade imbalance over a window of the real tape, matching a direct computation', async () => {
    const sink = new CollectingSink()
    const signals = new DerivedSignals({ instruments: 2, venues: 2, window: 250 }, sink)
    const readings: { vol: number; imbalance: number }[] = []
    const trade = signals.trade.bind(signals)
    signals.trade = (t) => {
      trade(t)
      const r = signals.reading(0, 1)
      readings.push({ vol: r.realizedVolBps, imbalance: r.tradeImbalance })
    }
    await new CsvReplaySource({ file: AGG_TRADES, symbols: testSymbols(), venue: 'binance', clock: new ManualClock(0) }).start(signals)
    expect(sink.trades).toHaveLength(5000)
    const prices = sink.trades.map((t) => t.priceTicks)
    for (const k of [1, 100, 249, 250, 251, 2500, 4999]) {
      const returns = prices.slice(1, k + 1).map((p, j) => Math.log(p / prices[j]!) * 10_000).slice(-250)
      const vol = Math.sqrt(returns.reduce((a, r) => a + r * r, 0) / returns.length)
      expect(readings[k]!.vol).toBeCloseTo(vol, 9)
      const window = sink.trades.slice(Math.max(0, k - 249), k + 1)
      const signed = window.reduce((a, t) => a + (t.aggressor === Side.Buy ? t.sizeLots : -t.sizeLots), 0)
      const total = window.reduce((a, t) => a + t.sizeLots, 0)
      expect(readings[k]!.imbalance).toBeCloseTo(signed / total, 12)
    }
    expect(Number.isNaN(readings[0]!.vol)).toBe(true)
    expect(signals.reading(0, 1).trades).toBe(5000)
  })

  it('reads spread, depth and order-flow imbalance and mid returns from quotes', async () => {
    const signals = new DerivedSignals({ instruments: 2, venues: 2, window: 10 })
    await new CsvReplaySource({ file: BOOK_TICKER, symbols: testSymbols(), venue: 'binance', clock: new ManualClock(0) }).start(signals)
    const r = signals.reading(0, 1)
    // Last quote 8764822 x 20000 / 8764823 x 200000 after 8764820 x 100 / 8764822 x 61000.
    expect(r.spreadBps).toBeCloseTo((1 / 8764822.5) * 10_000, 12)
    expect(r.depthImbalance).toBeCloseTo((20000 - 200000) / 220000, 12)
    // Bid up: all 20000 is new bid; ask up: the old ask's 61000 left.
    expect(r.orderFlowImbalance).toBe(20000 + 61000)
    expect(r.midReturnBps).toBeCloseTo(Math.log(8764822.5 / 8764821) * 10_000, 9)
    expect(r.quotes).toBe(4)
  })

  it('keeps a rolling sum exact across many windows', () => {
    const sum = new RollingSum(3)
    for (const x of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) sum.push(x)
    expect(sum.sum).toBeCloseTo(1.8, 14)
    expect(sum.count).toBe(3)
    expect(logReturnBps(100, 101)).toBeCloseTo(99.503, 3)
    expect(logReturnBps(0, 101)).toBeNaN()
    expect(() => new RollingSum(0)).toThrow('window must be a positive integer, got 0')
  })
})
