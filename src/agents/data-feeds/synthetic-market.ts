import { NormalSampler, Xoshiro128 } from '../../random/seeded-random.js'
import type { FeedBookDelta, FeedTrade } from '../../feeds/feed-source.js'
import type { QuoteFields } from '../../market/quote-fields.js'
import { BookAction, Side } from '../../schemas/index.js'

/** What the market says; the feed stamps the time. */
export type SyntheticQuote = Omit<QuoteFields, 'tsNs'>
export type SyntheticBookDelta = Omit<FeedBookDelta, 'tsNs' | 'firstVenueSequence'>
export type SyntheticTrade = Omit<FeedTrade, 'tsNs'>

export interface SyntheticLevel {
  priceTicks: number
  sizeLots: number
  orderCount: number
}

/** What one step of the market produces, in the order a venue would send it. */
export interface SyntheticMarketSink {
  trade(trade: SyntheticTrade): void
  bookDelta(delta: SyntheticBookDelta): void
  quote(quote: SyntheticQuote): void
}

/** Levels kept per side of each venue's book. */
export const SYNTHETIC_DEPTH = 10

const SIDES = [Side.Buy, Side.Sell] as const

function indexOf(levels: Float64Array, price: number): number {
  for (let j = 0; j < SYNTHETIC_DEPTH; j++) if (levels[j] === price) return j
  return -1
}

interface SyntheticSnapshot {
  mids: number[]
  variance: number[]
  books: number[]
  sequences: number[]
  tradeIds: number[]
}

/**
 * A seeded market: per instrument a mid in ticks following a random walk
 * whose variance clusters (GARCH(1,1)-like), and per venue an L2 book of
 * `SYNTHETIC_DEPTH` levels a side around it, a spread of two to four ticks,
 * sizes that drift level by level, and trades at the touch that consume what
 * they hit. Each step reports trades, then the book's changes as deltas,
 * then the new top of book. The same seed gives the same market on any thread.
 */
export class SyntheticMarket {
  readonly #rng: Xoshiro128
  readonly #normal: NormalSampler
  readonly #mid: Float64Array
  readonly #variance: Float64Array
  readonly #venues: number
  // Per (instrument, venue, side): SYNTHETIC_DEPTH prices then SYNTHETIC_DEPTH sizes; bids best-first descending, asks ascending.
  readonly #books: Float64Array
  readonly #next: [Float64Array, Float64Array]
  readonly #sequence: Float64Array
  // Per instrument and venue, as venues number their trades.
  readonly #tradeIds: Float64Array
  readonly #delta: SyntheticBookDelta = { instrumentId: 0, venueId: 0, side: Side.Buy, action: BookAction.Set, priceTicks: 0, sizeLots: 0, venueSequence: 0 }

  constructor(seed: number, instruments: number, venues: number, startMidTicks = 1_000_000) {
    this.#rng = Xoshiro128.fromSeed(seed)
    this.#normal = new NormalSampler(this.#rng)
    this.#mid = new Float64Array(instruments).map((_, i) => startMidTicks * (1 + i))
    this.#variance = new Float64Array(instruments).fill(4)
    this.#venues = venues
    this.#books = new Float64Array(instruments * venues * 2 * 2 * SYNTHETIC_DEPTH)
    this.#next = [new Float64Array(2 * SYNTHETIC_DEPTH), new Float64Array(2 * SYNTHETIC_DEPTH)]
    this.#sequence = new Float64Array(instruments * venues)
    this.#tradeIds = new Float64Array(instruments * venues)
  }

  get instruments(): number {
    return this.#mid.length
  }

  /** Advances every instrument one tick of time and reports what happened on each venue. */
  advance(sink: SyntheticMarketSink): void {
    for (let i = 0; i < this.#mid.length; i++) {
      const shock = this.#normal.next() * Math.sqrt(this.#variance[i]!)
      // Variance clusters: today's move feeds tomorrow's variance.
      this.#variance[i] = 0.2 + 0.1 * shock * shock + 0.85 * this.#variance[i]!
      this.#mid[i] = Math.max(10 + SYNTHETIC_DEPTH * 2, Math.round(this.#mid[i]! + shock))
      for (let v = 1; v <= this.#venues; v++) {
        const cell = i * this.#venues + v - 1
        this.#trade(i, v, cell, sink)
        const halfSpread = 1 + this.#rng.nextBelow(2)
        this.#rebuild(i, v, cell, this.#mid[i]! - halfSpread, this.#mid[i]! + halfSpread, sink)
        const bid = this.#offset(cell, Side.Buy)
        const ask = this.#offset(cell, Side.Sell)
        sink.quote({
          instrumentId: i,
          venueId: v,
          bidPriceTicks: this.#books[bid]!,
          bidSizeLots: this.#books[bid + SYNTHETIC_DEPTH]!,
          askPriceTicks: this.#books[ask]!,
          askSizeLots: this.#books[ask + SYNTHETIC_DEPTH]!,
        })
      }
    }
  }

  #offset(cell: number, side: Side): number {
    return (cell * 2 + side) * 2 * SYNTHETIC_DEPTH
  }

  /** Sometimes an aggressor takes part of the touch: the trade, then the level's new size as a delta. */
  #trade(instrument: number, venue: number, cell: number, sink: SyntheticMarketSink): void {
    if (this.#rng.nextFloat() >= 0.3) return
    const aggressor = this.#rng.nextBelow(2) as Side
    // A buyer lifts the ask; a seller hits the bid.
    const restingSide = aggressor === Side.Buy ? Side.Sell : Side.Buy
    const o = this.#offset(cell, restingSide)
    const touchSize = this.#books[o + SYNTHETIC_DEPTH]!
    if (!(touchSize > 0)) return
    const size = 1 + this.#rng.nextBelow(touchSize)
    const price = this.#books[o]!
    sink.trade({ instrumentId: instrument, venueId: venue, aggressor, priceTicks: price, sizeLots: size, venueTradeId: ++this.#tradeIds[cell]! })
    this.#books[o + SYNTHETIC_DEPTH] = touchSize - size
    this.#emit(sink, instrument, venue, cell, restingSide, size === touchSize ? BookAction.Delete : BookAction.Set, price, touchSize - size)
  }

  /**
   * Lays both sides' levels out from their new best prices, keeps the size
   * of every price that was already there (drifting a little), and reports
   * every level that changed: first every vanished level as a Delete, then
   * new or resized levels as Set, so a book applying them in order never
   * crosses on the way. A level a trade emptied comes back refilled.
   */
  #rebuild(instrument: number, venue: number, cell: number, bestBid: number, bestAsk: number, sink: SyntheticMarketSink): void {
    const books = this.#books
    for (const side of SIDES) {
      const o = this.#offset(cell, side)
      const next = this.#next[side]!
      const best = side === Side.Buy ? bestBid : bestAsk
      const direction = side === Side.Buy ? -1 : 1
      for (let j = 0; j < SYNTHETIC_DEPTH; j++) {
        const price = best + direction * j
        next[j] = price
        const k = this.#find(o, price)
        const old = k < 0 ? 0 : books[o + SYNTHETIC_DEPTH + k]!
        next[SYNTHETIC_DEPTH + j] = old > 0 && this.#rng.nextFloat() < 0.8 ? old : 1 + this.#rng.nextBelow(500)
      }
    }
    for (const side of SIDES) {
      const o = this.#offset(cell, side)
      for (let k = 0; k < SYNTHETIC_DEPTH; k++) {
        const price = books[o + k]!
        if (books[o + SYNTHETIC_DEPTH + k]! > 0 && indexOf(this.#next[side]!, price) < 0) this.#emit(sink, instrument, venue, cell, side, BookAction.Delete, price, 0)
      }
    }
    for (const side of SIDES) {
      const o = this.#offset(cell, side)
      const next = this.#next[side]!
      for (let j = 0; j < SYNTHETIC_DEPTH; j++) {
        const price = next[j]!
        const size = next[SYNTHETIC_DEPTH + j]!
        const k = this.#find(o, price)
        if (k < 0 || books[o + SYNTHETIC_DEPTH + k]! !== size) this.#emit(sink, instrument, venue, cell, side, BookAction.Set, price, size)
      }
    }
    for (const side of SIDES) books.set(this.#next[side]!, this.#offset(cell, side))
  }

  /** Index of `price` among the side's current levels that hold size, or −1. */
  #find(o: number, price: number): number {
    for (let k = 0; k < SYNTHETIC_DEPTH; k++) if (this.#books[o + k] === price && this.#books[o + SYNTHETIC_DEPTH + k]! > 0) return k
    return -1
  }

  #emit(sink: SyntheticMarketSink, instrument: number, venue: number, cell: number, side: Side, action: BookAction, price: number, size: number): void {
    const d = this.#delta
    d.instrumentId = instrument
    d.venueId = venue
    d.side = side
    d.action = action
    d.priceTicks = price
    d.sizeLots = size
    d.venueSequence = ++this.#sequence[cell]!
    sink.bookDelta(d)
  }

  /**
   * One venue's whole book, best first, with the sequence it stands at: what
   * a venue sends a client that asks for a snapshot.
   */
  bookSnapshot(instrumentId: number, venueId: number): { bids: SyntheticLevel[]; asks: SyntheticLevel[]; venueSequence: number } {
    const cell = instrumentId * this.#venues + venueId - 1
    const side = (s: Side): SyntheticLevel[] => {
      const o = this.#offset(cell, s)
      const levels: SyntheticLevel[] = []
      for (let k = 0; k < SYNTHETIC_DEPTH; k++) {
        const sizeLots = this.#books[o + SYNTHETIC_DEPTH + k]!
        if (sizeLots > 0) levels.push({ priceTicks: this.#books[o + k]!, sizeLots, orderCount: 0 })
      }
      return levels
    }
    return { bids: side(Side.Buy), asks: side(Side.Sell), venueSequence: this.#sequence[cell]! }
  }

  get venues(): number {
    return this.#venues
  }

  /** Everything needed to continue the same market after a restart. */
  snapshot(): SyntheticSnapshot {
    return {
      mids: Array.from(this.#mid),
      variance: Array.from(this.#variance),
      books: Array.from(this.#books),
      sequences: Array.from(this.#sequence),
      tradeIds: Array.from(this.#tradeIds),
    }
  }

  restore(s: SyntheticSnapshot): void {
    this.#mid.set(s.mids.slice(0, this.#mid.length))
    this.#variance.set(s.variance.slice(0, this.#variance.length))
    if (s.books.length === this.#books.length) this.#books.set(s.books)
    if (s.sequences.length === this.#sequence.length) this.#sequence.set(s.sequences)
    if (s.tradeIds.length === this.#tradeIds.length) this.#tradeIds.set(s.tradeIds)
  }

  /** Mid prices, for reports. */
  get mids(): number[] {
    return Array.from(this.#mid)
  }
}
