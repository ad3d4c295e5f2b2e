import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { Xoshiro128 } from '../../src/random/seeded-random.js'
import {
  MARKET_WIDE_INSTRUMENT,
  type FeedBookDelta,
  type FeedQuote,
  type FeedRejectReason,
  type FeedTrade,
} from '../../src/feeds/feed-source.js'
import { checkQuote } from '../../src/feeds/validation/feed-checks.js'
import { ValidationBridge } from '../../src/feeds/validation/validation-bridge.js'
import { BookAction, Side } from '../../src/schemas/index.js'
import { CollectingSink } from './helper.js'

const quote = (over: Partial<FeedQuote> = {}): FeedQuote => ({
  tsNs: 1000,
  instrumentId: 0,
  venueId: 1,
  bidPriceTicks: 100,
  bidSizeLots: 5,
  askPriceTicks: 101,
  askSizeLots: 7,
  venueSequence: 0,
  ...over,
})
const trade = (over: Partial<FeedTrade> = {}): FeedTrade => ({
  tsNs: 1000,
  instrumentId: 0,
  venueId: 1,
  aggressor: Side.Buy,
  priceTicks: 100,
  sizeLots: 3,
  venueTradeId: 0,
  ...over,
})
const delta = (over: Partial<FeedBookDelta> = {}): FeedBookDelta => ({
  tsNs: 1000,
  instrumentId: 0,
  venueId: 1,
  side: Side.Buy,
  action: BookAction.Set,
  priceTicks: 100,
  sizeLots: 4,
  venueSequence: 0,
  ...over,
})

function bridge(extra: Partial<ConstructorParameters<typeof ValidationBridge>[1]> = {}) {
  const sink = new CollectingSink()
  return { sink, bridge: new ValidationBridge(sink, { instruments: 2, venues: 2, ...extra }) }
}

describe('validation bridge', () => {
  it('forwards a good event unchanged, the very object', () => {
    const { sink, bridge: b } = bridge()
    const q = quote()
    let seen: unknown
    sink.quote = (x) => void (seen = x)
    b.quote(q)
    expect(seen).toBe(q)
    expect(b.counts.accepted.quote).toBe(1)
    expect(b.rejectedTotal).toBe(0)
  })

  const cases: [FeedRejectReason, (b: ValidationBridge) => void][] = [
    ['not_finite', (b) => b.quote(quote({ bidPriceTicks: NaN }))],
    ['not_finite', (b) => b.trade(trade({ tsNs: Infinity }))],
    ['not_finite', (b) => b.quote(quote({ venueSequence: NaN }))],
    ['not_finite', (b) => b.bookDelta(delta({ venueSequence: 5, firstVenueSequence: NaN }))],
    ['non_positive_price', (b) => b.quote(quote({ bidPriceTicks: 0 }))],
    ['non_positive_price', (b) => b.trade(trade({ priceTicks: -5 }))],
    ['non_positive_size', (b) => b.quote(quote({ askSizeLots: 0 }))],
    ['non_positive_size', (b) => b.bookDelta(delta({ sizeLots: -1, action: BookAction.Delete }))],
    ['non_positive_size', (b) => b.bookDelta(delta({ sizeLots: 0, action: BookAction.Set }))],
    ['unknown_instrument', (b) => b.quote(quote({ instrumentId: 2 }))],
    ['unknown_instrument', (b) => b.sentiment({ tsNs: 1, instrumentId: 7, score: 0, headline: 'x' })],
    ['unknown_venue', (b) => b.trade(trade({ venueId: 0 }))],
    ['off_tick_grid', (b) => b.quote(quote({ bidPriceTicks: 100.5 }))],
    ['off_lot_grid', (b) => b.trade(trade({ sizeLots: 0.25 }))],
    ['crossed', (b) => b.quote(quote({ bidPriceTicks: 101, askPriceTicks: 101 }))],
    ['crossed', (b) => b.bookSnapshot({ tsNs: 1, instrumentId: 0, venueId: 1, venueSequence: 0, bids: [{ priceTicks: 99, sizeLots: 1, orderCount: 0 }, { priceTicks: 99, sizeLots: 1, orderCount: 0 }], asks: [] })],
    ['crossed', (b) => b.bookSnapshot({ tsNs: 1, instrumentId: 0, venueId: 1, venueSequence: 0, bids: [{ priceTicks: 102, sizeLots: 1, orderCount: 0 }], asks: [{ priceTicks: 101, sizeLots: 1, orderCount: 0 }] })],
    ['malformed', (b) => b.trade(trade({ aggressor: 7 as Side }))],
    ['score_out_of_range', (b) => b.sentiment({ tsNs: 1, instrumentId: MARKET_WIDE_INSTRUMENT, score: 1.5, headline: 'x' })],
    [
      'out_of_order',
      (b) => {
        b.quote(quote({ tsNs: 2000 }))
        b.quote(quote({ tsNs: 1999 }))
      },
    ],
    [
      'stale_sequence',
      (b) => {
        b.trade(trade({ venueTradeId: 10 }))
        b.trade(trade({ venueTradeId: 10 }))
      },
    ],
    [
      'stale_sequence',
      (b) => {
        b.quote(quote({ venueSequence: 8 }))
        b.quote(quote({ venueSequence: 7 }))
      },
    ],
  ]

  it.each(cases)('rejects %s, counts it, and passes the rejection on', (reason, feed) => {
    const { sink, bridge: b } = bridge()
    feed(b)
    expect(b.rejectedTotal).toBe(1)
    expect(b.counts.rejected[reason]).toBe(1)
    expect(sink.rejects.map((r) => r.reason)).toEqual([reason])
  })

  it('rejects events older than maxAgeNs versus the clock as stale', () => {
    const clock = new ManualClock(10e9)
    const { sink, bridge: b } = bridge({ clock, maxAgeNs: 1e9 })
    b.quote(quote({ tsNs: 9e9 }))
    b.quote(quote({ tsNs: 9e9 - 1, venueId: 2 }))
    expect(sink.quotes).toHaveLength(1)
    expect(b.counts.rejected.stale).toBe(1)
    expect(() => new ValidationBridge(sink, { instruments: 1, venues: 1, maxAgeNs: 5 })).toThrow('maxAgeNs must be positive and come with a clock, got 5')
  })

  it('keeps time order per kind, instrument and venue', () => {
    const { sink, bridge: b } = bridge()
    b.quote(quote({ tsNs: 5000 }))
    b.quote(quote({ tsNs: 4000, venueId: 2 }))
    b.trade(trade({ tsNs: 4000 }))
    b.quote(quote({ tsNs: 5000 }))
    expect(sink.order).toEqual(['quote', 'quote', 'trade', 'quote'])
  })

  it('counts forward gaps in book sequences and in trade ids and forwards the event that shows them', () => {
    const { sink, bridge: b } = bridge()
    for (const s of [1, 2, 2, 5]) b.bookDelta(delta({ venueSequence: s }))
    expect(sink.deltas.map((d) => d.venueSequence)).toEqual([1, 2, 2, 5])
    expect([b.counts.sequenceGaps, b.counts.missedSequences]).toEqual([1, 2])
    // A venue that numbers updates as ranges: continuity is first <= last + 1.
    b.bookDelta(delta({ firstVenueSequence: 6, venueSequence: 9 }))
    b.bookDelta(delta({ firstVenueSequence: 12, venueSequence: 15 }))
    expect([b.counts.sequenceGaps, b.counts.missedSequences]).toEqual([2, 4])
    b.bookDelta(delta({ venueSequence: 14 }))
    expect(b.counts.rejected.stale_sequence).toBe(1)
    for (const id of [100, 101, 104]) b.trade(trade({ venueTradeId: id }))
    expect([b.counts.tradeIdGaps, b.counts.missedTradeIds]).toEqual([1, 2])
    expect([b.counts.sequenceGaps, b.counts.missedSequences]).toEqual([2, 4])
    expect(sink.trades).toHaveLength(3)
  })

  it('after a snapshot, a delta must move past its sequence', () => {
    const { sink, bridge: b } = bridge()
    b.bookSnapshot({ tsNs: 1, instrumentId: 0, venueId: 1, venueSequence: 50, bids: [{ priceTicks: 100, sizeLots: 2, orderCount: 1 }], asks: [{ priceTicks: 101, sizeLots: 2, orderCount: 1 }] })
    b.bookDelta(delta({ firstVenueSequence: 45, venueSequence: 50 }))
    b.bookDelta(delta({ firstVenueSequence: 48, venueSequence: 53 }))
    b.bookDelta(delta({ firstVenueSequence: 48, venueSequence: 53, priceTicks: 99 }))
    expect(sink.deltas.map((d) => d.priceTicks)).toEqual([100, 99])
    expect(b.counts.rejected.stale_sequence).toBe(1)
    expect(b.counts.sequenceGaps).toBe(0)
  })

  it('never throws into the feed when the downstream sink does', () => {
    const { sink, bridge: b } = bridge()
    sink.trade = () => {
      throw new Error('ring broke')
    }
    expect(() => b.trade(trade())).not.toThrow()
    b.quote(quote())
    expect(b.counts.sinkErrors).toBe(1)
    expect(sink.quotes).toHaveLength(1)
  })

  it('logs the first N rejections of a reason, then one in M; counts all', () => {
    const lines: { reason: string; count: number; msg: string }[] = []
    const logger = pino({}, new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }))
    const { bridge: b } = bridge({ logger, logFirst: 3, logEvery: 10 })
    for (let k = 0; k < 25; k++) b.quote(quote({ bidPriceTicks: NaN }))
    b.trade(trade({ priceTicks: 0 }))
    expect(b.counts.rejected.not_finite).toBe(25)
    expect(lines.map((l) => [l.reason, l.count])).toEqual([
      ['not_finite', 1],
      ['not_finite', 2],
      ['not_finite', 3],
      ['not_finite', 13],
      ['not_finite', 23],
      ['non_positive_price', 1],
    ])
    expect(lines[0]!.msg).toBe('feed message rejected (sampled; every one is counted)')
  })

  it('exposes flat counters for an agent', () => {
    const { bridge: b } = bridge()
    b.quote(quote())
    b.quote(quote({ bidPriceTicks: 200 }))
    const counters: Record<string, number> = {}
    b.writeCounters(counters)
    expect(counters).toMatchObject({ accepted_quote: 1, rejected_crossed: 1, rejected_stale: 0, sequence_gaps: 0, sink_errors: 0 })
  })

  it('agrees with the validation agent on quote rules (checkQuote)', () => {
    expect(checkQuote(quote(), 2, 2, 0)).toBeUndefined()
    expect(checkQuote(quote({ tsNs: 5 }), 2, 2, 6)).toBe('out_of_order')
    expect(checkQuote(quote({ venueId: 3 }), 2, 2, 0)).toBe('unknown_venue')
  })

  it('fed 10% garbage keeps every good message in order and counts every bad one exactly', () => {
    const rng = Xoshiro128.fromSeed(42)
    const { sink, bridge: b } = bridge()
    const good: { kind: string; event: object }[] = []
    const expected: Partial<Record<FeedRejectReason, number>> = {}
    const garbage: [FeedRejectReason, (ts: number, id: number) => () => void][] = [
      ['not_finite', (ts) => () => b.quote(quote({ tsNs: ts, askPriceTicks: NaN }))],
      ['crossed', (ts) => () => b.quote(quote({ tsNs: ts, bidPriceTicks: 500, askPriceTicks: 400 }))],
      ['off_tick_grid', (ts) => () => b.trade(trade({ tsNs: ts, priceTicks: 100.01 }))],
      ['unknown_instrument', (ts) => () => b.trade(trade({ tsNs: ts, instrumentId: 9 }))],
      ['out_of_order', () => () => b.quote(quote({ tsNs: 0 }))],
      ['stale_sequence', (ts, id) => () => b.trade(trade({ tsNs: ts, venueTradeId: id - 1 }))],
      ['non_positive_size', (ts) => () => b.bookDelta(delta({ tsNs: ts, sizeLots: -3 }))],
      ['malformed', () => () => b.reject('malformed', { line: 1 })],
    ]
    let tradeId = 1
    let bookSeq = 1
    // A first quote on venue 1, so that one at time 0 there is out of order.
    good.push({ kind: 'quote', event: quote({ tsNs: 1e6 - 1 }) })
    b.quote(quote({ tsNs: 1e6 - 1 }))
    for (let k = 0; k < 20_000; k++) {
      const ts = 1e6 + k * 1000
      if (rng.nextFloat() < 0.1) {
        const [reason, make] = garbage[rng.nextBelow(garbage.length)]!
        expected[reason] = (expected[reason] ?? 0) + 1
        make(ts, tradeId)()
        continue
      }
      const venueId = 1 + rng.nextBelow(2)
      switch (rng.nextBelow(3)) {
        case 0: {
          const e = quote({ tsNs: ts, venueId, bidPriceTicks: 100 + rng.nextBelow(10), askPriceTicks: 111 })
          good.push({ kind: 'quote', event: { ...e } })
          b.quote(e)
          break
        }
        case 1: {
          const e = trade({ tsNs: ts, venueTradeId: tradeId++ })
          good.push({ kind: 'trade', event: { ...e } })
          b.trade(e)
          break
        }
        default: {
          const e = delta({ tsNs: ts, venueId: 2, venueSequence: bookSeq++, sizeLots: 1 + rng.nextBelow(9) })
          good.push({ kind: 'bookDelta', event: { ...e } })
          b.bookDelta(e)
        }
      }
    }
    const received = sink.order.filter((o) => !o.startsWith('reject:'))
    expect(received).toEqual(good.map((g) => g.kind))
    expect(sink.quotes).toEqual(good.filter((g) => g.kind === 'quote').map((g) => g.event))
    expect(sink.trades).toEqual(good.filter((g) => g.kind === 'trade').map((g) => g.event))
    expect(sink.deltas).toEqual(good.filter((g) => g.kind === 'bookDelta').map((g) => g.event))
    const rejected = Object.fromEntries(Object.entries(b.counts.rejected).filter(([, n]) => n > 0))
    expect(rejected).toEqual(expected)
    expect(b.rejectedTotal).toBeGreaterThan(1800)
    expect(b.counts.sequenceGaps).toBe(0)
  })
})
