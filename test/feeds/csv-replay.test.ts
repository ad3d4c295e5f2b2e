import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ManualClock, monotonicClock } from '../../src/clock/clock.js'
import { CsvReplaySource } from '../../src/feeds/csv-replay-source.js'
import { Side } from '../../src/schemas/index.js'
import { CollectingSink, testSymbols } from './helper.js'

const AGG_TRADES = fileURLToPath(new URL('../../../shared/data/crypto/BTCUSDT-aggTrades-2026-01-01.first5000.csv', import.meta.url))
const BOOK_TICKER = fileURLToPath(new URL('../fixtures/feeds/BTCUSDT-bookTicker-2026-01-01.csv', import.meta.url))
const KLINES = fileURLToPath(new URL('../fixtures/feeds/BTCUSDT-1m-2026-01-01.csv', import.meta.url))

/** The file's rows read independently of the parser: exact integer arithmetic on the text. */
function expectedTrades(originNs: number) {
  const rows = readFileSync(AGG_TRADES, 'utf8').trim().split('\n').map((l) => l.split(','))
  const firstUs = BigInt(rows[0]![5]!)
  const steps = (text: string, decimals: number, stepDecimals: number): number => {
    const [whole, fraction = ''] = text.split('.')
    const units = BigInt(whole! + fraction.padEnd(decimals, '0'))
    const step = 10n ** BigInt(decimals - stepDecimals)
    expect(units % step).toBe(0n)
    return Number(units / step)
  }
  return rows.map((r) => ({
    tsNs: originNs + Number((BigInt(r[5]!) - firstUs) * 1000n),
    instrumentId: 0,
    venueId: 1,
    aggressor: r[6] === 'True' ? Side.Sell : Side.Buy,
    priceTicks: steps(r[1]!, 8, 2),
    sizeLots: steps(r[2]!, 8, 5),
    venueTradeId: Number(r[0]),
  }))
}

describe('CSV replay of Binance aggTrades', () => {
  it('replays all 5000 trades with exact ticks, lots, aggressor, ids and timestamps', async () => {
    const clock = new ManualClock(5e9)
    const sink = new CollectingSink()
    const source = new CsvReplaySource({ file: AGG_TRADES, symbols: testSymbols(), venue: 'binance', clock })
    expect(source.name).toBe('csv:aggTrades:BTCUSDT')
    await source.start(sink)
    expect(sink.rejects).toEqual([])
    expect(sink.trades).toHaveLength(5000)
    expect(sink.trades).toEqual(expectedTrades(5e9))
    // Spot checks from the file's first rows and its provenance note.
    expect(sink.trades[0]).toMatchObject({ priceTicks: 8_764_821, sizeLots: 8185, aggressor: Side.Sell, venueTradeId: 3800397495, tsNs: 5e9 })
    expect(sink.trades[1]).toMatchObject({ priceTicks: 8_764_822, sizeLots: 13, aggressor: Side.Buy, tsNs: 5e9 + 232_977_000 })
    expect(Math.min(...sink.trades.map((t) => t.priceTicks))).toBe(8_763_274)
    expect(Math.max(...sink.trades.map((t) => t.priceTicks))).toBe(8_781_600)
  })

  it('at recorded pace waits out every gap on the clock, and a speed factor divides them', async () => {
    const expected = expectedTrades(0)
    const spanNs = expected.at(-1)!.tsNs
    for (const speed of [1, 60]) {
      const clock = new ManualClock(1e9)
      const sleeps: number[] = []
      const sleep = async (ms: number): Promise<void> => {
        sleeps.push(ms)
        clock.advanceNs(ms * 1e6)
      }
      const lateness: number[] = []
      const sink = new CollectingSink()
      const trade = sink.trade.bind(sink)
      sink.trade = (t) => {
        lateness.push(clock.nowNs() - t.tsNs)
        trade(t)
      }
      const source = new CsvReplaySource({ file: AGG_TRADES, symbols: testSymbols(), venue: 'binance', clock, sleep, pace: { mode: 'recorded', speed } })
      await source.start(sink)
      expect(sink.trades).toHaveLength(5000)
      // Never early; with a clock that lands exactly on target, never late either.
      expect(Math.max(...lateness)).toBeLessThan(1e-3)
      expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0)
      expect(source.pacer.waitedNs).toBeCloseTo(spanNs / speed, -3)
      expect(sink.trades.at(-1)!.tsNs - 1e9).toBeCloseTo(spanNs / speed, -3)
      expect(Math.max(...sleeps)).toBeLessThanOrEqual(1000)
    }
  })

  it('at 2000x on the real clock takes the recorded span over 2000 and emits nothing early', async () => {
    const sink = new CollectingSink()
    let early = 0
    const trade = sink.trade.bind(sink)
    sink.trade = (t) => {
      if (monotonicClock.nowNs() < t.tsNs) early++
      trade(t)
    }
    const source = new CsvReplaySource({ file: AGG_TRADES, symbols: testSymbols(), venue: 'binance', pace: { mode: 'recorded', speed: 2000 } })
    const started = performance.now()
    await source.start(sink)
    const elapsedMs = performance.now() - started
    const spanMs = 739_308.0 / 2000
    expect(sink.trades).toHaveLength(5000)
    expect(early).toBe(0)
    expect(elapsedMs).toBeGreaterThanOrEqual(spanMs - 1)
    expect(elapsedMs).toBeLessThan(spanMs + 2000)
  })

  it('stops promptly in the middle of a long recorded gap', async () => {
    const sink = new CollectingSink()
    const source = new CsvReplaySource({ file: AGG_TRADES, symbols: testSymbols(), venue: 'binance', pace: { mode: 'recorded', speed: 1 } })
    const done = source.start(sink)
    await new Promise((r) => setTimeout(r, 300))
    const stopAt = performance.now()
    await source.stop()
    await done
    expect(performance.now() - stopAt).toBeLessThan(1500)
    const count = sink.trades.length
    expect(count).toBeGreaterThan(0)
    expect(count).toBeLessThan(5000)
  })

  it('reads a bookTicker file with a header row into quotes', async () => {
    const clock = new ManualClock(0)
    const sink = new CollectingSink()
    await new CsvReplaySource({ file: BOOK_TICKER, symbols: testSymbols(), venue: 'binance', clock }).start(sink)
    expect(sink.rejects).toEqual([])
    expect(sink.quotes).toEqual([
      { tsNs: 0, instrumentId: 0, venueId: 1, bidPriceTicks: 8764821, bidSizeLots: 123456, askPriceTicks: 8764822, askSizeLots: 50000, venueSequence: 9106539210001 },
      { tsNs: 249e6, instrumentId: 0, venueId: 1, bidPriceTicks: 8764821, bidSizeLots: 110000, askPriceTicks: 8764822, askSizeLots: 61000, venueSequence: 9106539210004 },
      { tsNs: 499e6, instrumentId: 0, venueId: 1, bidPriceTicks: 8764820, bidSizeLots: 100, askPriceTicks: 8764822, askSizeLots: 61000, venueSequence: 9106539210009 },
      { tsNs: 999e6, instrumentId: 0, venueId: 1, bidPriceTicks: 8764822, bidSizeLots: 20000, askPriceTicks: 8764823, askSizeLots: 200000, venueSequence: 9106539210010 },
    ])
  })

  it('reads klines without a header as one print per bar at its close', async () => {
    const sink = new CollectingSink()
    await new CsvReplaySource({ file: KLINES, symbols: testSymbols(), venue: 'sim-b', clock: new ManualClock(0) }).start(sink)
    expect(sink.trades).toEqual([
      { tsNs: 0, instrumentId: 0, venueId: 2, aggressor: Side.Buy, priceTicks: 8769010, sizeLots: 1234567, venueTradeId: 0 },
      { tsNs: 60e9, instrumentId: 0, venueId: 2, aggressor: Side.Sell, priceTicks: 8761199, sizeLots: 1000000, venueTradeId: 0 },
    ])
  })

  it('reports every bad row with its line number and keeps the good ones, header or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-replay-'))
    const file = join(dir, 'BTCUSDT-aggTrades-2026-01-01.csv')
    const good = readFileSync(AGG_TRADES, 'utf8').split('\n').slice(0, 3)
    writeFileSync(
      file,
      [
        'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker',
        good[0],
        '3800397496,87648.215,0.00013000,1,1,1767225600272386,False,True',
        good[1],
        '3800397497,NaN,0.00023000,1,1,1767225600276733,False,True',
        '3800397497,87648.22,0.000001,1,1,1767225600276733,False,True',
        'garbage',
        '',
        '3800397497,87648.22,0.00023,1,1,17672256002767.5,Maybe,True',
        good[2],
      ].join('\n'),
    )
    const sink = new CollectingSink()
    await new CsvReplaySource({ file, symbols: testSymbols(), venue: 'binance', clock: new ManualClock(0) }).start(sink)
    expect(sink.trades.map((t) => t.venueTradeId)).toEqual([3800397495, 3800397496, 3800397497])
    expect(sink.rejects.map((r) => [r.reason, r.detail['line']])).toEqual([
      ['off_tick_grid', 3],
      ['not_finite', 5],
      ['off_lot_grid', 6],
      ['malformed', 7],
      ['malformed', 9],
    ])
  })

  it('counts a bad first line as bad, not as a header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-replay-'))
    const file = join(dir, 'BTCUSDT-aggTrades-2026-01-02.csv')
    writeFileSync(file, ['x,87648.21,0.1,1,1,1767225600039409,True', readFileSync(AGG_TRADES, 'utf8').split('\n')[0]].join('\n'))
    const sink = new CollectingSink()
    await new CsvReplaySource({ file, symbols: testSymbols(), venue: 'binance', clock: new ManualClock(0) }).start(sink)
    expect(sink.rejects.map((r) => [r.reason, r.detail['line']])).toEqual([['malformed', 1]])
    expect(sink.trades).toHaveLength(1)
  })

  it('fails a missing file with the file named', async () => {
    const source = new CsvReplaySource({ file: 'BTCUSDT-aggTrades-1999-01-01.csv', symbols: testSymbols(), venue: 'binance' })
    await expect(source.start(new CollectingSink())).rejects.toThrow(
      "csv:aggTrades:BTCUSDT could not read BTCUSDT-aggTrades-1999-01-01.csv: ENOENT: no such file or directory, open 'BTCUSDT-aggTrades-1999-01-01.csv'",
    )
  })

  it('refuses a file whose symbol is not configured, naming it', () => {
    expect(() => new CsvReplaySource({ file: 'XRPUSDT-aggTrades-2026-01-01.csv', symbols: testSymbols(), venue: 'binance' })).toThrow(
      'symbol XRPUSDT of XRPUSDT-aggTrades-2026-01-01.csv is not a configured instrument',
    )
  })
})
