import type { Clock } from '../../clock/clock.js'
import type { Logger } from '../../log/logger.js'
import {
  FEED_REJECT_REASONS,
  type FeedBookDelta,
  type FeedBookSnapshot,
  type FeedQuote,
  type FeedRejectReason,
  type FeedSentiment,
  type FeedSink,
  type FeedTrade,
} from '../feed-source.js'
import { checkBookDelta, checkBookSnapshot, checkQuoteFields, checkSentiment, checkTrade, type FeedUniverse } from './feed-checks.js'
import { RejectSampler } from './reject-sampler.js'

export interface ValidationBridgeOptions extends FeedUniverse {
  /** Reject events older than this versus `clock`; absent: no staleness check. */
  maxAgeNs?: number
  /** Needed with `maxAgeNs`. */
  clock?: Clock
  /** Where sampled rejections are logged; absent: nowhere. */
  logger?: Logger
  /** Log the first this many rejections of each reason. Default 5. */
  logFirst?: number
  /** Then log one in this many. Default 1000. */
  logEvery?: number
}

/** A snapshot for the log: its levels counted, not copied (and a broken one described, not dereferenced). */
function snapshotDetail(s: FeedBookSnapshot): object {
  const count = (levels: unknown): unknown => (Array.isArray(levels) ? levels.length : typeof levels)
  return { ...s, bids: count(s.bids), asks: count(s.asks) }
}

export type FeedEventKind = 'quote' | 'bookSnapshot' | 'bookDelta' | 'trade' | 'sentiment'
const KINDS: readonly FeedEventKind[] = ['quote', 'bookSnapshot', 'bookDelta', 'trade', 'sentiment']

/** What the bridge has seen; exact, per reason and per kind. */
export interface ValidationCounts {
  accepted: Record<FeedEventKind, number>
  rejected: Record<FeedRejectReason, number>
  /** Forward jumps in a book's venue sequence: updates missed upstream. The event that reveals one is good and is forwarded. */
  sequenceGaps: number
  /** Sequence numbers skipped by those gaps. */
  missedSequences: number
  /**
   * Forward jumps in a venue's trade ids for one instrument: prints missed,
   * where the venue numbers each instrument's trades contiguously (Binance
   * does; a venue numbering trades across instruments shows gaps here that
   * lose nothing).
   */
  tradeIdGaps: number
  missedTradeIds: number
  /** Throws from the downstream sink, caught so the feed keeps going. */
  sinkErrors: number
}

/**
 * The validation bridge: a `FeedSink` in front of another that checks every
 * event and forwards the good ones unchanged. A bad event is counted under
 * its reason, sampled to the log, and dropped; nothing it does throws into
 * the feed. Rejections a source reports itself (`reject`) are counted the
 * same way, so one table holds every refusal.
 *
 * Per instrument and venue it keeps, for each kind of event, the last
 * accepted timestamp (an earlier one is out of order) and the last venue
 * sequence or trade id (an earlier or repeated one is a stale sequence; a
 * forward jump is a gap, counted, and forwarded because the event itself is
 * current; it is the book's owner that must resynchronize).
 */
export class ValidationBridge implements FeedSink {
  readonly downstream: FeedSink
  readonly counts: ValidationCounts
  readonly #u: FeedUniverse
  readonly #clock: Clock | undefined
  readonly #maxAgeNs: number
  readonly #logger: Logger | undefined
  readonly #sampler: RejectSampler
  readonly #lastTsNs: Record<FeedEventKind, Float64Array>
  readonly #lastQuoteSequence: Float64Array
  readonly #lastBookSequence: Float64Array
  /** 1 where the last book sequence came from a snapshot: a delta must then move past it. */
  readonly #bookFromSnapshot: Uint8Array
  readonly #lastTradeId: Float64Array

  constructor(downstream: FeedSink, options: ValidationBridgeOptions) {
    const { instruments, venues } = options
    if (!(Number.isInteger(instruments) && instruments >= 1)) throw new RangeError(`instruments must be a positive integer, got ${instruments}`)
    if (!(Number.isInteger(venues) && venues >= 1)) throw new RangeError(`venues must be a positive integer, got ${venues}`)
    if (options.maxAgeNs !== undefined && (!(options.maxAgeNs > 0) || options.clock === undefined)) {
      throw new RangeError(`maxAgeNs must be positive and come with a clock, got ${options.maxAgeNs}`)
    }
    this.downstream = downstream
    this.#u = { instruments, venues }
    this.#clock = options.clock
    this.#maxAgeNs = options.maxAgeNs ?? Infinity
    this.#logger = options.logger
    this.#sampler = new RejectSampler(options.logFirst, options.logEvery)
    const cells = instruments * venues
    // Sentiment has no venue: its cells are per instrument plus one market-wide.
    this.#lastTsNs = Object.fromEntries(KINDS.map((k) => [k, new Float64Array(k === 'sentiment' ? instruments + 1 : cells).fill(-Infinity)])) as Record<FeedEventKind, Float64Array>
    this.#lastQuoteSequence = new Float64Array(cells)
    this.#lastBookSequence = new Float64Array(cells)
    this.#bookFromSnapshot = new Uint8Array(cells)
    this.#lastTradeId = new Float64Array(cells)
    this.counts = {
      accepted: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<FeedEventKind, number>,
      rejected: Object.fromEntries(FEED_REJECT_REASONS.map((r) => [r, 0])) as Record<FeedRejectReason, number>,
      sequenceGaps: 0,
      missedSequences: 0,
      tradeIdGaps: 0,
      missedTradeIds: 0,
      sinkErrors: 0,
    }
  }

  /** Every rejection, whatever its reason. */
  get rejectedTotal(): number {
    let total = 0
    for (const reason of FEED_REJECT_REASONS) total += this.counts.rejected[reason]
    return total
  }

  /** The counts flattened for an agent's counters: `accepted_quote`, `rejected_crossed`, `sequence_gaps`, … */
  writeCounters(into: Record<string, number>): void {
    for (const kind of KINDS) into[`accepted_${kind}`] = this.counts.accepted[kind]
    for (const reason of FEED_REJECT_REASONS) into[`rejected_${reason}`] = this.counts.rejected[reason]
    into['sequence_gaps'] = this.counts.sequenceGaps
    into['missed_sequences'] = this.counts.missedSequences
    into['trade_id_gaps'] = this.counts.tradeIdGaps
    into['missed_trade_ids'] = this.counts.missedTradeIds
    into['sink_errors'] = this.counts.sinkErrors
  }

  quote(q: FeedQuote): void {
    const bad = checkQuoteFields(q, this.#u) ?? this.#timeCheck('quote', this.#cell(q), q.tsNs)
    if (bad !== undefined) return this.#refuse(bad, 'quote', q)
    const cell = this.#cell(q)
    if (!Number.isFinite(q.venueSequence)) return this.#refuse('not_finite', 'quote', q)
    if (q.venueSequence > 0) {
      if (q.venueSequence <= this.#lastQuoteSequence[cell]!) return this.#refuse('stale_sequence', 'quote', q)
      this.#lastQuoteSequence[cell] = q.venueSequence
    }
    this.#lastTsNs.quote[cell] = q.tsNs
    this.#forward('quote', q)
  }

  bookSnapshot(s: FeedBookSnapshot): void {
    const bad = checkBookSnapshot(s, this.#u) ?? this.#timeCheck('bookSnapshot', this.#cell(s), s.tsNs)
    if (bad !== undefined) return this.#refuse(bad, 'bookSnapshot', snapshotDetail(s))
    const cell = this.#cell(s)
    if (s.venueSequence > 0) {
      if (s.venueSequence < this.#lastBookSequence[cell]!) return this.#refuse('stale_sequence', 'bookSnapshot', snapshotDetail(s))
      this.#lastBookSequence[cell] = s.venueSequence
      this.#bookFromSnapshot[cell] = 1
    }
    this.#lastTsNs.bookSnapshot[cell] = s.tsNs
    this.#forward('bookSnapshot', s)
  }

  bookDelta(d: FeedBookDelta): void {
    const bad = checkBookDelta(d, this.#u) ?? this.#timeCheck('bookDelta', this.#cell(d), d.tsNs)
    if (bad !== undefined) return this.#refuse(bad, 'bookDelta', d)
    const cell = this.#cell(d)
    if (d.venueSequence > 0) {
      const last = this.#lastBookSequence[cell]!
      const first = d.firstVenueSequence ?? d.venueSequence
      // Several changes of one venue update share its sequence, except the update a snapshot already holds.
      if (d.venueSequence < last || (d.venueSequence === last && this.#bookFromSnapshot[cell] === 1)) return this.#refuse('stale_sequence', 'bookDelta', d)
      if (last > 0 && first > last + 1) {
        this.counts.sequenceGaps++
        this.counts.missedSequences += first - last - 1
      }
      this.#lastBookSequence[cell] = d.venueSequence
      this.#bookFromSnapshot[cell] = 0
    }
    this.#lastTsNs.bookDelta[cell] = d.tsNs
    this.#forward('bookDelta', d)
  }

  trade(t: FeedTrade): void {
    const bad = checkTrade(t, this.#u) ?? this.#timeCheck('trade', this.#cell(t), t.tsNs)
    if (bad !== undefined) return this.#refuse(bad, 'trade', t)
    const cell = this.#cell(t)
    if (t.venueTradeId > 0) {
      const last = this.#lastTradeId[cell]!
      if (t.venueTradeId <= last) return this.#refuse('stale_sequence', 'trade', t)
      if (last > 0 && t.venueTradeId > last + 1) {
        this.counts.tradeIdGaps++
        this.counts.missedTradeIds += t.venueTradeId - last - 1
      }
      this.#lastTradeId[cell] = t.venueTradeId
    }
    this.#lastTsNs.trade[cell] = t.tsNs
    this.#forward('trade', t)
  }

  sentiment(s: FeedSentiment): void {
    const bad = checkSentiment(s, this.#u)
    const cell = s.instrumentId < this.#u.instruments ? s.instrumentId : this.#u.instruments
    const late = bad ?? this.#timeCheck('sentiment', cell, s.tsNs)
    if (late !== undefined) return this.#refuse(late, 'sentiment', { ...s, headline: String(s.headline).slice(0, 120) })
    this.#lastTsNs.sentiment[cell] = s.tsNs
    this.#forward('sentiment', s)
  }

  ready(): Promise<void> | undefined {
    return this.downstream.ready?.()
  }

  reject(reason: FeedRejectReason, detail: Readonly<Record<string, unknown>>): void {
    this.#refuse(FEED_REJECT_REASONS.includes(reason) ? reason : 'malformed', 'source', detail)
  }

  #cell(e: { instrumentId: number; venueId: number }): number {
    return e.instrumentId * this.#u.venues + e.venueId - 1
  }

  #timeCheck(kind: FeedEventKind, cell: number, tsNs: number): FeedRejectReason | undefined {
    if (tsNs < this.#lastTsNs[kind][cell]!) return 'out_of_order'
    if (this.#clock !== undefined && tsNs < this.#clock.nowNs() - this.#maxAgeNs) return 'stale'
    return undefined
  }

  #forward<K extends FeedEventKind>(kind: K, event: Parameters<FeedSink[K]>[0]): void {
    this.counts.accepted[kind]++
    try {
      ;(this.downstream[kind] as (e: typeof event) => void)(event)
    } catch (err) {
      this.counts.sinkErrors++
      if (this.#logger !== undefined && this.#sampler.shouldLog('sink_error')) this.#logger.error({ err, kind }, 'feed sink failed; the feed continues')
    }
  }

  #refuse(reason: FeedRejectReason, kind: FeedEventKind | 'source', detail: object): void {
    this.counts.rejected[reason]++
    if (this.#logger !== undefined && this.#sampler.shouldLog(reason)) {
      this.#logger.warn({ reason, kind, detail: { ...detail }, count: this.counts.rejected[reason] }, 'feed message rejected (sampled; every one is counted)')
    }
    try {
      this.downstream.reject(reason, detail as Readonly<Record<string, unknown>>)
    } catch {
      this.counts.sinkErrors++
    }
  }
}
