import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { ringPayloadBytes } from '../../src/cycle/topology.js'
import { CsvReplaySource } from '../../src/feeds/csv-replay-source.js'
import type { FeedQuote, FeedTrade } from '../../src/feeds/feed-source.js'
import { RingFeedSink } from '../../src/feeds/ring-feed-sink.js'
import { ValidationBridge } from '../../src/feeds/validation/validation-bridge.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { BookAction, BookDelta, MessageType, Quote, Side, Trade } from '../../src/schemas/index.js'
import { testSymbols } from './helper.js'

const AGG_TRADES = fileURLToPath(new URL('../../../shared/data/crypto/BTCUSDT-aggTrades-2026-01-01.first5000.csv', import.meta.url))

function marketRing(capacity: number) {
  const ring = RingBuffer.create({ capacity, maxPayloadBytes: ringPayloadBytes('market') })
  return { ring, sequencer: new SingleProducerSequencer(ring), consumer: new RingConsumer(ring, 0) }
}

/** Reads everything published, as plain objects tagged with their type. */
function drain(consumer: RingConsumer): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = []
  const q = new Quote()
  const d = new BookDelta()
  const t = new Trade()
  consumer.drain((ring, _s, type, offset) => {
    if (type === MessageType.Quote) {
      q.__init(offset, ring.byteBuffer)
      out.push({ type: 'quote', tsNs: q.tsNs(), instrumentId: q.instrumentId(), venueId: q.venueId(), bidPriceTicks: q.bidPriceTicks(), bidSizeLots: q.bidSizeLots(), askPriceTicks: q.askPriceTicks(), askSizeLots: q.askSizeLots(), venueSequence: q.venueSequence() })
    } else if (type === MessageType.BookDelta) {
      d.__init(offset, ring.byteBuffer)
      out.push({ type: 'delta', tsNs: d.tsNs(), instrumentId: d.instrumentId(), venueId: d.venueId(), side: d.side(), action: d.action(), priceTicks: d.priceTicks(), sizeLots: d.sizeLots(), venueSequence: d.venueSequence(), firstVenueSequence: d.firstVenueSequence() })
    } else if (type === MessageType.Trade) {
      t.__init(offset, ring.byteBuffer)
      out.push({ type: 'trade', tsNs: t.tsNs(), instrumentId: t.instrumentId(), venueId: t.venueId(), aggressor: t.aggressor(), priceTicks: t.priceTicks(), sizeLots: t.sizeLots(), venueTradeId: t.venueTradeId() })
    }
  })
  return out
}

const quote = (k: number): FeedQuote => ({ tsNs: k, instrumentId: 1, venueId: 2, bidPriceTicks: 100 + k, bidSizeLots: 5, askPriceTicks: 200 + k, askSizeLots: 6, venueSequence: k })
const trade = (k: number): FeedTrade => ({ tsNs: k, instrumentId: 0, venueId: 1, aggressor: Side.Sell, priceTicks: 300 + k, sizeLots: k, venueTradeId: k })

describe('ring feed sink', () => {
  it('writes quotes, book deltas, snapshots and trades as structs, field for field', () => {
    const { sequencer, consumer } = marketRing(16)
    const sink = new RingFeedSink(sequencer, { instruments: 2, venues: 2 })
    sink.quote(quote(1))
    sink.bookDelta({ tsNs: 2, instrumentId: 1, venueId: 1, side: Side.Sell, action: BookAction.Delete, priceTicks: 9, sizeLots: 0, venueSequence: 44, firstVenueSequence: 40 })
    sink.trade(trade(3))
    sink.bookSnapshot({ tsNs: 4, instrumentId: 0, venueId: 2, venueSequence: 7, bids: [{ priceTicks: 10, sizeLots: 1, orderCount: 2 }], asks: [{ priceTicks: 11, sizeLots: 3, orderCount: 1 }] })
    expect(drain(consumer)).toEqual([
      { type: 'quote', ...quote(1) },
      { type: 'delta', tsNs: 2, instrumentId: 1, venueId: 1, side: Side.Sell, action: BookAction.Delete, priceTicks: 9, sizeLots: 0, venueSequence: 44, firstVenueSequence: 40 },
      { type: 'trade', ...trade(3) },
      { type: 'delta', tsNs: 4, instrumentId: 0, venueId: 2, side: Side.Buy, action: BookAction.Clear, priceTicks: 0, sizeLots: 0, venueSequence: 7, firstVenueSequence: 7 },
      { type: 'delta', tsNs: 4, instrumentId: 0, venueId: 2, side: Side.Buy, action: BookAction.Set, priceTicks: 10, sizeLots: 1, venueSequence: 7, firstVenueSequence: 7 },
      { type: 'delta', tsNs: 4, instrumentId: 0, venueId: 2, side: Side.Sell, action: BookAction.Set, priceTicks: 11, sizeLots: 3, venueSequence: 7, firstVenueSequence: 7 },
    ])
    expect(sink.counts).toMatchObject({ quotes: 1, bookDeltas: 4, trades: 1, snapshots: 1, backlogged: 0, overflowed: 0 })
  })

  it('with the ring full, conflates quotes to the latest but keeps every trade, in order', () => {
    const { ring, sequencer, consumer } = marketRing(8)
    const sink = new RingFeedSink(sequencer, { instruments: 2, venues: 2 })
    for (let k = 1; k <= 30; k++) {
      sink.trade(trade(k))
      sink.quote(quote(k))
    }
    expect(sink.backlog).toBeGreaterThan(0)
    const seen: Record<string, unknown>[] = []
    for (let round = 0; round < 20 && (sink.flush() > 0 || consumer.available() > 0); round++) seen.push(...drain(consumer))
    seen.push(...drain(consumer))
    expect(seen.filter((m) => m['type'] === 'trade')).toEqual(Array.from({ length: 30 }, (_, k) => ({ type: 'trade', ...trade(k + 1) })))
    const quotes = seen.filter((m) => m['type'] === 'quote')
    expect(quotes.at(-1)).toEqual({ type: 'quote', ...quote(30) })
    expect(quotes.length + ring.conflatedCount).toBe(30)
    expect(ring.conflatedCount).toBeGreaterThan(0)
    expect(sink.counts).toMatchObject({ trades: 30, quotes: 30, overflowed: 0 })
    expect(sink.counts.backlogged).toBeGreaterThan(0)
  })

  it('counts every trade lost when ring and backlog are both full', () => {
    const { sequencer, consumer } = marketRing(2)
    const sink = new RingFeedSink(sequencer, { instruments: 1, venues: 1, backlogMessages: 4 })
    for (let k = 1; k <= 10; k++) sink.trade(trade(k))
    expect(sink.counts).toMatchObject({ trades: 6, backlogged: 4, overflowed: 4 })
    const ids: unknown[] = drain(consumer).map((m) => m['venueTradeId'])
    sink.flush()
    ids.push(...drain(consumer).map((m) => m['venueTradeId']))
    sink.flush()
    ids.push(...drain(consumer).map((m) => m['venueTradeId']))
    expect(ids).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('wakes readers once per burst of writes, and not for writes that only wait', async () => {
    const { sequencer, consumer } = marketRing(4)
    let wakes = 0
    const sink = new RingFeedSink(sequencer, { instruments: 2, venues: 2, onPublished: () => wakes++ })
    for (let k = 1; k <= 3; k++) sink.trade(trade(k))
    expect(wakes).toBe(0)
    await Promise.resolve()
    expect(wakes).toBe(1)
    // One slot left: the fourth goes in, the rest wait in the backlog.
    for (let k = 4; k <= 6; k++) sink.trade(trade(k))
    await Promise.resolve()
    expect(wakes).toBe(2)
    sink.trade(trade(7))
    await Promise.resolve()
    expect(wakes).toBe(2)
    drain(consumer)
    expect(sink.flush()).toBe(0)
    await Promise.resolve()
    expect(wakes).toBe(3)
    expect(drain(consumer).map((m) => m['venueTradeId'])).toEqual([5, 6, 7])
  })

  it('wakes readers at once after a quote, with the quote and what came before it readable', async () => {
    const { sequencer, consumer } = marketRing(16)
    const seen: string[][] = []
    const sink = new RingFeedSink(sequencer, {
      instruments: 2,
      venues: 2,
      // What a woken reader would find: everything up to the quote, nothing after it.
      onPublished: () => seen.push(drain(consumer).map((m) => `${m['type']}`)),
    })
    sink.trade(trade(1))
    sink.quote(quote(1))
    expect(seen).toEqual([['trade', 'quote']])
    sink.trade(trade(2))
    sink.quote(quote(2))
    expect(seen).toEqual([['trade', 'quote'], ['trade', 'quote']])
    // The queued wake-ups find nothing new: no reader is woken for nothing.
    await Promise.resolve()
    expect(seen).toHaveLength(2)
    sink.trade(trade(3))
    await Promise.resolve()
    expect(seen).toEqual([['trade', 'quote'], ['trade', 'quote'], ['trade']])
  })

  it('carries a CSV replay through the validation bridge into the ring: 5000 trades, exact', async () => {
    const { sequencer, consumer } = marketRing(8192)
    const ringSink = new RingFeedSink(sequencer, { instruments: 2, venues: 2 })
    const bridge = new ValidationBridge(ringSink, { instruments: 2, venues: 2 })
    await new CsvReplaySource({ file: AGG_TRADES, symbols: testSymbols(), venue: 'binance', clock: new ManualClock(0) }).start(bridge)
    const trades = drain(consumer)
    expect(trades).toHaveLength(5000)
    expect(trades[0]).toEqual({ type: 'trade', tsNs: 0, instrumentId: 0, venueId: 1, aggressor: Side.Sell, priceTicks: 8764821, sizeLots: 8185, venueTradeId: 3800397495 })
    expect(trades.at(-1)!['venueTradeId']).toBe(3800397495 + 4999)
    expect(bridge.counts.accepted.trade).toBe(5000)
    expect(bridge.counts.tradeIdGaps).toBe(0)
  })
})
