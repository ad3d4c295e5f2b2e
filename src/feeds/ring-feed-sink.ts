import { ByteBuffer } from 'flatbuffers'
import type { Logger } from '../log/logger.js'
import { ConflatingPublisher, type PayloadEncoder, type SingleProducerSequencer } from '../ring/index.js'
import { BookAction, BookDelta, MessageType, Quote, Side, Trade } from '../schemas/index.js'
import type { FeedBookDelta, FeedBookSnapshot, FeedQuote, FeedRejectReason, FeedSentiment, FeedSink, FeedTrade } from './feed-source.js'

export interface RingFeedSinkOptions {
  instruments: number
  venues: number
  /** Book deltas and trades held while the ring is full, at most. Default 65_536. */
  backlogMessages?: number
  /** Where a backlog overflow is reported (once per episode); absent: counted only. */
  logger?: Logger
  /**
   * Called after messages were published: where a producer rings its
   * readers' doorbell. At once after a quote, which closes a venue's update
   * and is what the fast path acts on; otherwise at most once per turn of
   * the event loop's microtasks however many were (a depth frame of fifty
   * levels wakes readers once).
   */
  onPublished?: () => void
}

/** What the writer has done; exact. */
export interface RingFeedCounts {
  /** Quotes offered; those the ring shows are these less its conflated count. */
  quotes: number
  bookDeltas: number
  trades: number
  /** Snapshots written (as one Set delta per level). */
  snapshots: number
  /** Book deltas and trades that found the ring full and waited in the backlog. */
  backlogged: number
  /** Book deltas and trades lost because the backlog was full too: the book must be resynchronized. */
  overflowed: number
  sentiments: number
  rejects: number
}

/**
 * Writes feed events into the market ring as FlatBuffers structs.
 *
 * Policy under backpressure (the ring full because a consumer lags):
 * - Quotes conflate per instrument and venue (`ConflatingPublisher`): only
 *   the latest of each is kept, and every replaced one is counted in the
 *   ring's conflated counter. A top of book is a state; a newer one makes the
 *   older worthless.
 * - Book deltas and trades are never conflated: each is a change a reader
 *   needs. They wait, in order, in a bounded producer-local backlog that
 *   drains before anything newer is written. If the backlog fills, the
 *   message is dropped and counted in `overflowed`, and a line is logged:
 *   a loss that no reader can miss (the venue sequence shows the gap too).
 * Held quotes and the backlog drain on every write and on `flush()`: the
 * agent calls `flush()` each step. Under backpressure the order between a
 * held quote and a backlogged delta is not kept; within each kind it is.
 *
 * Snapshots go out as a Clear delta, then one Set delta per level, all with
 * the snapshot's sequence: readers empty the book and rebuild it. Sentiment has no ring struct:
 * the latest reading per instrument is kept in `latestSentiment`.
 */
export class RingFeedSink implements FeedSink {
  readonly publisher: ConflatingPublisher
  readonly counts: RingFeedCounts = { quotes: 0, bookDeltas: 0, trades: 0, snapshots: 0, backlogged: 0, overflowed: 0, sentiments: 0, rejects: 0 }
  /** Latest sentiment per instrument id (and the market-wide id). */
  readonly latestSentiment = new Map<number, FeedSentiment>()
  readonly #sequencer: SingleProducerSequencer
  readonly #venues: number
  readonly #logger: Logger | undefined
  // Backlog: a FIFO of whole payloads, one slot each.
  readonly #slotBytes: number
  readonly #capacity: number
  readonly #backlogBytes: Uint8Array
  readonly #backlogBuffer: ByteBuffer
  readonly #backlogType: Int32Array
  #head = 0
  #size = 0
  #overflowing = false
  readonly #onPublished: (() => void) | undefined
  #notifyQueued = false
  /** `sequencer.next` when readers were last told. */
  #notifiedNext: number
  // Structs and pending events reused by the encoders: no closure per message.
  readonly #quote = new Quote()
  readonly #delta = new BookDelta()
  readonly #trade = new Trade()
  #q!: FeedQuote
  #d!: FeedBookDelta
  #t!: FeedTrade

  constructor(sequencer: SingleProducerSequencer, options: RingFeedSinkOptions) {
    const backlog = options.backlogMessages ?? 65_536
    if (!(Number.isInteger(backlog) && backlog >= 1)) throw new RangeError(`backlogMessages must be a positive integer, got ${backlog}`)
    this.#sequencer = sequencer
    this.publisher = new ConflatingPublisher(sequencer, { keys: options.instruments * options.venues })
    this.#venues = options.venues
    this.#logger = options.logger
    this.#slotBytes = Math.max(BookDelta.sizeOf(), Trade.sizeOf())
    this.#capacity = backlog
    this.#backlogBytes = new Uint8Array(backlog * this.#slotBytes)
    this.#backlogBuffer = new ByteBuffer(this.#backlogBytes)
    this.#backlogType = new Int32Array(backlog)
    this.#onPublished = options.onPublished
    this.#notifiedNext = sequencer.next
  }

  /** Deltas and trades waiting for room. */
  get backlog(): number {
    return this.#size
  }

  quote(q: FeedQuote): void {
    this.flush()
    this.#q = q
    this.publisher.offer(q.instrumentId * this.#venues + q.venueId - 1, MessageType.Quote, Quote.sizeOf(), this.#encodeQuote)
    this.counts.quotes++
    // A quote closes a venue's update, and it is what the fast path acts on:
    // its readers are woken now, not after the rest of the batch it came in.
    this.#notifyNow()
  }

  bookDelta(d: FeedBookDelta): void {
    this.#d = d
    if (this.#write(MessageType.BookDelta, BookDelta.sizeOf(), this.#encodeDelta)) this.counts.bookDeltas++
    this.#published()
  }

  trade(t: FeedTrade): void {
    this.#t = t
    if (this.#write(MessageType.Trade, Trade.sizeOf(), this.#encodeTrade)) this.counts.trades++
    this.#published()
  }

  bookSnapshot(s: FeedBookSnapshot): void {
    // Clear first: a reader empties the book and takes the Sets that follow, at the same sequence, as the whole of it.
    const d: FeedBookDelta = { tsNs: s.tsNs, instrumentId: s.instrumentId, venueId: s.venueId, side: Side.Buy, action: BookAction.Clear, priceTicks: 0, sizeLots: 0, venueSequence: s.venueSequence }
    this.bookDelta(d)
    d.action = BookAction.Set
    for (const [side, levels] of [[Side.Buy, s.bids], [Side.Sell, s.asks]] as const) {
      d.side = side
      for (const level of levels) {
        d.priceTicks = level.priceTicks
        d.sizeLots = level.sizeLots
        this.bookDelta(d)
      }
    }
    this.counts.snapshots++
  }

  sentiment(s: FeedSentiment): void {
    this.latestSentiment.set(s.instrumentId, { ...s })
    this.counts.sentiments++
  }

  reject(_reason: FeedRejectReason, _detail: Readonly<Record<string, unknown>>): void {
    this.counts.rejects++
  }

  /**
   * Backpressure for replays: once the backlog is half full, a replay waits
   * (flushing every millisecond as readers free room) until it is down to a
   * quarter. So a file replayed as fast as possible goes as fast as the
   * ring's slowest reader, and loses nothing.
   */
  ready(): Promise<void> | undefined {
    if (this.#size < this.#capacity / 2) return undefined
    return new Promise((resolve) => {
      const poll = (): void => {
        this.flush()
        // A closed ring has no readers left to make room: stop waiting.
        if (this.#size <= this.#capacity / 4 || this.#sequencer.ring.closed) resolve()
        else setTimeout(poll, 1)
      }
      poll()
    })
  }

  /** Publishes held quotes, then backlogged deltas and trades, while the ring has room; returns what is still waiting. */
  flush(): number {
    const held = this.publisher.flush()
    const sequencer = this.#sequencer
    const ring = sequencer.ring
    let last = -1
    while (this.#size > 0) {
      const sequence = sequencer.tryClaim(1)
      if (sequence < 0) break
      const type = this.#backlogType[this.#head]!
      const bytes = type === MessageType.Trade ? Trade.sizeOf() : BookDelta.sizeOf()
      const start = this.#head * this.#slotBytes
      ring.bytes.set(this.#backlogBytes.subarray(start, start + bytes), sequencer.setHeader(sequence, bytes, type))
      this.#head = (this.#head + 1) % this.#capacity
      this.#size--
      last = sequence
    }
    if (last >= 0) sequencer.publish(last)
    if (this.#size === 0) this.#overflowing = false
    this.#published()
    return held + this.#size
  }

  /** Queues one wake-up of the readers if anything was published since the last. */
  #published(): void {
    if (this.#onPublished === undefined || this.#notifyQueued || this.#sequencer.next === this.#notifiedNext) return
    this.#notifyQueued = true
    queueMicrotask(this.#notify)
  }

  readonly #notify = (): void => {
    this.#notifyQueued = false
    this.#notifyNow()
  }

  /** Wakes the readers at once if anything was published since the last wake-up. */
  #notifyNow(): void {
    if (this.#onPublished === undefined || this.#sequencer.next === this.#notifiedNext) return
    this.#notifiedNext = this.#sequencer.next
    this.#onPublished()
  }

  /** Straight into the ring when nothing waits and there is room; else to the back of the backlog. */
  #write(type: MessageType, bytes: number, encode: PayloadEncoder): boolean {
    const sequencer = this.#sequencer
    this.flush()
    // A held quote may still wait; a delta need not queue behind it, only behind older deltas and trades.
    if (this.#size === 0) {
      const sequence = sequencer.tryClaim(1)
      if (sequence >= 0) {
        const ring = sequencer.ring
        encode(ring.bytes, sequencer.setHeader(sequence, bytes, type), ring.byteBuffer)
        sequencer.publish(sequence)
        return true
      }
    }
    if (this.#size === this.#capacity) {
      this.counts.overflowed++
      if (!this.#overflowing) this.#logger?.error({ backlogMessages: this.#capacity, overflowed: this.counts.overflowed }, 'market ring and feed backlog full: book deltas and trades are being dropped')
      this.#overflowing = true
      return false
    }
    const slot = (this.#head + this.#size) % this.#capacity
    this.#backlogType[slot] = type
    encode(this.#backlogBytes, slot * this.#slotBytes, this.#backlogBuffer)
    this.#size++
    this.counts.backlogged++
    return true
  }

  readonly #encodeQuote = (_bytes: Uint8Array, offset: number, bb: ByteBuffer): void => {
    const s = this.#quote
    const q = this.#q
    s.__init(offset, bb)
    s.mutate_ts_ns(q.tsNs)
    s.mutate_instrument_id(q.instrumentId)
    s.mutate_venue_id(q.venueId)
    s.mutate_flags(0)
    s.mutate_bid_price_ticks(q.bidPriceTicks)
    s.mutate_bid_size_lots(q.bidSizeLots)
    s.mutate_ask_price_ticks(q.askPriceTicks)
    s.mutate_ask_size_lots(q.askSizeLots)
    s.mutate_venue_sequence(q.venueSequence)
  }

  readonly #encodeDelta = (_bytes: Uint8Array, offset: number, bb: ByteBuffer): void => {
    const s = this.#delta
    const d = this.#d
    s.__init(offset, bb)
    s.mutate_ts_ns(d.tsNs)
    s.mutate_instrument_id(d.instrumentId)
    s.mutate_venue_id(d.venueId)
    s.mutate_side(d.side)
    s.mutate_action(d.action)
    s.mutate_price_ticks(d.priceTicks)
    s.mutate_size_lots(d.sizeLots)
    s.mutate_venue_sequence(d.venueSequence)
    s.mutate_first_venue_sequence(d.firstVenueSequence ?? d.venueSequence)
  }

  readonly #encodeTrade = (_bytes: Uint8Array, offset: number, bb: ByteBuffer): void => {
    const s = this.#trade
    const t = this.#t
    s.__init(offset, bb)
    s.mutate_ts_ns(t.tsNs)
    s.mutate_instrument_id(t.instrumentId)
    s.mutate_venue_id(t.venueId)
    s.mutate_aggressor(t.aggressor)
    s.mutate_price_ticks(t.priceTicks)
    s.mutate_size_lots(t.sizeLots)
    s.mutate_venue_trade_id(t.venueTradeId)
  }
}
