import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { LobsterReplaySource } from '../../src/feeds/lobster-replay-source.js'
import { SymbolTable } from '../../src/feeds/symbol-table.js'
import { ValidationBridge } from '../../src/feeds/validation/validation-bridge.js'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { BookAction, Side } from '../../src/schemas/index.js'
import { CollectingSink } from './helper.js'

const DIR = '../../../shared/data/lobster/'
const MESSAGES = fileURLToPath(new URL(`${DIR}AAPL_2012-06-21_34200000_57600000_message_10.csv`, import.meta.url))
const BOOK = fileURLToPath(new URL(`${DIR}AAPL_2012-06-21_34200000_57600000_orderbook_10.csv`, import.meta.url))

const symbols = (): SymbolTable => new SymbolTable([DEFAULT_INSTRUMENT_SPECS['AAPL']!], ['nasdaq'])
const rows = (file: string): string[][] => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim().split(','))
/** Seconds after midnight with nanosecond decimals, as exact integer nanoseconds. */
const ns = (text: string): bigint => {
  const [s, f = ''] = text.split('.')
  return BigInt(s!) * 1_000_000_000n + BigInt(f.padEnd(9, '0'))
}

/** A plain book's 10 best levels of a side, [price, size] flat. */
const topOf = (book: Map<number, number>[], side: Side): number[] =>
  [...book[side]!.entries()].sort((a, b) => (side === Side.Buy ? b[0] - a[0] : a[0] - b[0])).slice(0, 10).flat()
/** The order-book file's levels of a side on one row, [price, size] flat, empty levels left out. */
const fileTop = (row: string[], side: Side): number[] =>
  Array.from({ length: 10 }, (_, l) => [Number(row[4 * l + (side === Side.Buy ? 2 : 0)]), Number(row[4 * l + (side === Side.Buy ? 3 : 1)])]).filter(([, size]) => size! > 0).flat()

describe('LOBSTER replay source on the AAPL sample', () => {
  it('writes deltas that rebuild the order-book file after every message, and every execution as a trade', async () => {
    const sink = new CollectingSink()
    const bridge = new ValidationBridge(sink, { instruments: 1, venues: 1 })
    await new LobsterReplaySource({ messageFile: MESSAGES, bookFile: BOOK, symbols: symbols(), venue: 'nasdaq', clock: new ManualClock(0) }).start(bridge)
    expect(bridge.rejectedTotal).toBe(0)
    expect(bridge.counts.sequenceGaps).toBe(0)
    expect(sink.snapshots).toHaveLength(1)

    // A plain book fed only what the source wrote, compared with the file's 10 levels after each message.
    const book = [new Map<number, number>(), new Map<number, number>()]
    for (const l of sink.snapshots[0]!.bids) book[Side.Buy]!.set(l.priceTicks, l.sizeLots)
    for (const l of sink.snapshots[0]!.asks) book[Side.Sell]!.set(l.priceTicks, l.sizeLots)
    const fileRows = rows(BOOK)
    const top = (side: Side): number[] => topOf(book, side)
    let d = 0
    for (let i = 0; i < fileRows.length; i++) {
      for (; d < sink.deltas.length && sink.deltas[d]!.venueSequence === i + 1; d++) {
        const delta = sink.deltas[d]!
        if (delta.action === BookAction.Delete) book[delta.side]!.delete(delta.priceTicks)
        else book[delta.side]!.set(delta.priceTicks, delta.sizeLots)
      }
      expect([i, top(Side.Buy), top(Side.Sell)]).toEqual([i, fileTop(fileRows[i]!, Side.Buy), fileTop(fileRows[i]!, Side.Sell)])
    }
    expect(d).toBe(sink.deltas.length)

    const messages = rows(MESSAGES)
    const executions = messages.map((m, i) => ({ m, i })).filter(({ m, i }) => i > 0 && (m[1] === '4' || m[1] === '5'))
    expect(executions).toHaveLength(98 + 61)
    const t0 = ns(messages[0]![0]!)
    expect(sink.trades).toEqual(
      executions.map(({ m }) => ({
        tsNs: Number(ns(m[0]!) - t0),
        instrumentId: 0,
        venueId: 1,
        aggressor: m[5] === '1' ? Side.Sell : Side.Buy,
        priceTicks: Number(m[4]),
        sizeLots: Number(m[3]),
        venueTradeId: 0,
      })),
    )
    // Every quote is the file's touch at its message.
    for (const q of sink.quotes) {
      const row = fileRows[q.venueSequence - 1]!
      expect([q.askPriceTicks, q.askSizeLots, q.bidPriceTicks, q.bidSizeLots]).toEqual(row.slice(0, 4).map(Number))
    }
    expect(sink.quotes.length).toBeGreaterThan(100)
  })

  it('writes the whole book when asked mid-replay: a reader starting from it holds the file\'s book from there on', async () => {
    let source: LobsterReplaySource | undefined
    let asked = false
    const sink = new (class extends CollectingSink {
      override bookDelta(d: Parameters<CollectingSink['bookDelta']>[0]): void {
        super.bookDelta(d)
        if (!asked && d.venueSequence >= 500) {
          asked = true
          source!.snapshotBooks()
        }
      }
    })()
    const bridge = new ValidationBridge(sink, { instruments: 1, venues: 1 })
    source = new LobsterReplaySource({ messageFile: MESSAGES, bookFile: BOOK, symbols: symbols(), venue: 'nasdaq', clock: new ManualClock(0) })
    await source.start(bridge)
    expect([bridge.rejectedTotal, bridge.counts.sequenceGaps]).toEqual([0, 0])
    expect(sink.snapshots).toHaveLength(2)

    // A reader that starts at the second snapshot: the deltas written after it, and nothing before.
    const snapshotAt = sink.order.indexOf('bookSnapshot', sink.order.indexOf('bookSnapshot') + 1)
    const deltas = sink.deltas.slice(sink.order.slice(0, snapshotAt).filter((kind) => kind === 'bookDelta').length)
    const book = [new Map<number, number>(), new Map<number, number>()]
    for (const l of sink.snapshots[1]!.bids) book[Side.Buy]!.set(l.priceTicks, l.sizeLots)
    for (const l of sink.snapshots[1]!.asks) book[Side.Sell]!.set(l.priceTicks, l.sizeLots)
    const fileRows = rows(BOOK)
    const top = (side: Side): number[] => topOf(book, side)
    // Before the first change after it, the snapshot is the book the file shows after the message before.
    const first = deltas[0]!.venueSequence - 1
    expect(first).toBeGreaterThanOrEqual(500)
    expect([top(Side.Buy), top(Side.Sell)]).toEqual([fileTop(fileRows[first - 1]!, Side.Buy), fileTop(fileRows[first - 1]!, Side.Sell)])
    let d = 0
    for (let i = first; i < fileRows.length; i++) {
      for (; d < deltas.length && deltas[d]!.venueSequence === i + 1; d++) {
        const delta = deltas[d]!
        if (delta.action === BookAction.Delete) book[delta.side]!.delete(delta.priceTicks)
        else book[delta.side]!.set(delta.priceTicks, delta.sizeLots)
      }
      expect([i, top(Side.Buy), top(Side.Sell)]).toEqual([i, fileTop(fileRows[i]!, Side.Buy), fileTop(fileRows[i]!, Side.Sell)])
    }
    expect(d).toBe(deltas.length)
  })

  it('paces the messages by their recorded times', async () => {
    const clock = new ManualClock(0)
    const sink = new CollectingSink()
    const sleep = async (ms: number): Promise<void> => clock.advanceNs(ms * 1e6)
    await new LobsterReplaySource({ messageFile: MESSAGES, bookFile: BOOK, symbols: symbols(), venue: 'nasdaq', clock, sleep, pace: { mode: 'recorded', speed: 10 } }).start(sink)
    const spanNs = Number(ns('34249.086375027') - ns('34200.004241176'))
    expect(clock.nowNs()).toBeCloseTo(spanNs / 10, -2)
    expect(sink.deltas.at(-1)!.tsNs).toBeCloseTo(spanNs / 10, -2)
  })

  it('refuses a file whose instrument the run does not trade', () => {
    expect(() => new LobsterReplaySource({ messageFile: 'MSFT_2012-06-21_message_10.csv', bookFile: 'x', symbols: symbols(), venue: 'nasdaq' })).toThrow(
      'symbol MSFT of MSFT_2012-06-21_message_10.csv is not a configured instrument',
    )
  })
})
