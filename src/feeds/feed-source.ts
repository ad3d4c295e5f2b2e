import type { QuoteFields } from '../market/quote-fields.js'
import type { BookAction, Side } from '../schemas/index.js'

/**
 * The events every feed source writes, normalized: prices and sizes in
 * integer ticks and lots of the instrument (see `SymbolTable`), timestamps in
 * nanoseconds of the engine's one clock. Each mirrors a FlatBuffers struct of
 * schemas/market.fbs field for field, so a sink can write it into a ring
 * slot without translation.
 *
 * A sink must not hold on to an event after the call returns: sources reuse
 * their event objects from one call to the next, so a sink that keeps an
 * event copies it.
 */

/** Best bid and offer (struct Quote). */
export interface FeedQuote extends QuoteFields {
  /** The venue's sequence number for this book state; 0 when the venue gives none. */
  venueSequence: number
}

/** One change to one level of an L2 book (struct BookDelta). */
export interface FeedBookDelta {
  tsNs: number
  instrumentId: number
  venueId: number
  side: Side
  action: BookAction
  priceTicks: number
  /** The level's new size; 0 with `BookAction.Delete`. */
  sizeLots: number
  /**
   * The venue's sequence of the update this change belongs to; 0 when the
   * venue gives none. Several changes of one venue update share it.
   */
  venueSequence: number
  /**
   * The first venue sequence the update covers, where a venue numbers an
   * update as a range (Binance depth: `U`..`u`); absent means `venueSequence`.
   * Continuity is `firstVenueSequence <= previous venueSequence + 1`.
   */
  firstVenueSequence?: number
}

/** One level of a book snapshot (struct BookLevel). */
export interface FeedBookLevel {
  priceTicks: number
  sizeLots: number
  /** Orders resting at the level; 0 when the venue does not say. */
  orderCount: number
}

/** A whole L2 book at once: it replaces what the book held before. */
export interface FeedBookSnapshot {
  tsNs: number
  instrumentId: number
  venueId: number
  /** Best first: descending prices. */
  bids: readonly FeedBookLevel[]
  /** Best first: ascending prices. */
  asks: readonly FeedBookLevel[]
  /** The venue's sequence of the book state; deltas continue from it. 0 when none. */
  venueSequence: number
}

/** A print on the tape (struct Trade). */
export interface FeedTrade {
  tsNs: number
  instrumentId: number
  venueId: number
  /** The side that took liquidity. */
  aggressor: Side
  priceTicks: number
  sizeLots: number
  /** The venue's trade id; 0 when it gives none. Ids of one instrument on one venue rise. */
  venueTradeId: number
}

/** Instrument id of a sentiment reading about the market as a whole. */
export const MARKET_WIDE_INSTRUMENT = 0xffffffff

/**
 * A scored headline. Not a ring struct yet: sentiment arrives a few times a
 * minute, so it travels as an object.
 */
export interface FeedSentiment {
  tsNs: number
  /** The instrument the headline is about, or `MARKET_WIDE_INSTRUMENT`. */
  instrumentId: number
  /** From −1 (most negative) to +1 (most positive). */
  score: number
  headline: string
}

/**
 * Why an inbound message was refused. Sources report parse-level reasons
 * ('malformed', 'unknown_instrument', 'off_tick_grid', …); the validation
 * bridge adds the rest. Every reason has its own counter.
 */
export type FeedRejectReason =
  /** Not a message of the expected shape: bad CSV line, bad JSON, missing or mistyped field. */
  | 'malformed'
  | 'not_finite'
  | 'non_positive_price'
  /** A size below zero anywhere, or zero where a size must exist (quote, trade, snapshot level, Set delta). */
  | 'non_positive_size'
  | 'unknown_instrument'
  | 'unknown_venue'
  | 'off_tick_grid'
  | 'off_lot_grid'
  /** Bid at or above ask, in a quote or a snapshot; or snapshot levels not strictly ordered best first. */
  | 'crossed'
  /** Earlier than the last accepted event of its kind for the instrument and venue. */
  | 'out_of_order'
  /** Older than the configured age versus the clock. */
  | 'stale'
  /** A venue sequence or trade id at or below one already accepted: a duplicate or a replay. */
  | 'stale_sequence'
  /** A sentiment score outside [−1, 1]. */
  | 'score_out_of_range'

export const FEED_REJECT_REASONS: readonly FeedRejectReason[] = Object.freeze([
  'malformed',
  'not_finite',
  'non_positive_price',
  'non_positive_size',
  'unknown_instrument',
  'unknown_venue',
  'off_tick_grid',
  'off_lot_grid',
  'crossed',
  'out_of_order',
  'stale',
  'stale_sequence',
  'score_out_of_range',
])

/** Where a source writes. Never throws back into the source for bad data. */
export interface FeedSink {
  quote(quote: FeedQuote): void
  bookSnapshot(snapshot: FeedBookSnapshot): void
  bookDelta(delta: FeedBookDelta): void
  trade(trade: FeedTrade): void
  sentiment(sentiment: FeedSentiment): void
  /**
   * An inbound message the source could not turn into an event. `detail`
   * says what and where (a line number, the offending text cut short); sinks
   * count every call and log only a sample.
   */
  reject(reason: FeedRejectReason, detail: Readonly<Record<string, unknown>>): void
  /**
   * Backpressure for sources that can wait (replays): undefined when the sink
   * takes more now, else a promise that resolves when it does. Live sources
   * cannot make a venue wait and do not ask.
   */
  ready?(): Promise<void> | undefined
}

/**
 * How a replaying source paces itself: 'recorded' keeps the recording's
 * gaps between events (divided by `speed`), 'fast' emits as fast as the sink
 * takes them.
 */
export type ReplayPace = { mode: 'recorded'; speed: number } | { mode: 'fast' }

/**
 * One origin of market data: a replayed file, a venue's stream, a generator.
 * `start` begins writing into `sink` and resolves when the source has
 * finished (a file replayed to its end) or was stopped; a live source runs
 * until `stop`. A source is started once.
 */
export interface FeedSource {
  readonly name: string
  start(sink: FeedSink): Promise<void>
  /** Stops writing; resolves once no further event will reach the sink. */
  stop(): Promise<void>
  /**
   * Writes every book it holds whole again, as snapshots, now or before its
   * next change: a reader of the market ring was restarted. A source whose
   * every book update is whole already (ccxt's, Binance's partial depth)
   * has none.
   */
  snapshotBooks?(): void
}
