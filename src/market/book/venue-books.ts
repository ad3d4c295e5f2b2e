import { Side, type BookAction } from '../../schemas/index.js'
import { BookUpdate } from './book-sync.js'
import { OrderBook } from './order-book.js'

/**
 * The L2 book of every instrument on every venue, as the market ring's
 * deltas draw it, in one flat array indexed `instrument × venues + venue − 1`.
 *
 * A book starts empty at sequence 0 (the engine's readers attach before its
 * feed writes) and a Clear delta on the ring resets it to the snapshot that
 * follows. A gap (a reader that lost its place) restarts that book empty at
 * the gap's sequence and counts it, so stale levels are never served; the
 * levels come back as they next change or with the feed's next snapshot.
 */
export class VenueBooks {
  readonly instruments: number
  readonly venues: number
  readonly #books: OrderBook[]
  gaps = 0

  constructor(instruments: number, venues: number, maxLevels?: number) {
    this.instruments = instruments
    this.venues = venues
    this.#books = Array.from({ length: instruments * venues }, (_, cell) => {
      const book = new OrderBook({ instrumentId: Math.floor(cell / venues), venueId: (cell % venues) + 1, ...(maxLevels !== undefined && { maxLevels }) })
      book.applySnapshot([], [], 0)
      return book
    })
  }

  /** The book of an instrument on a venue (ids from 1), or undefined outside the universe. */
  book(instrumentId: number, venueId: number): OrderBook | undefined {
    if (venueId < 1 || venueId > this.venues || instrumentId < 0 || instrumentId >= this.instruments) return undefined
    return this.#books[instrumentId * this.venues + venueId - 1]
  }

  /**
   * Applies one delta (a Clear begins a snapshot); false when it names an
   * instrument or venue outside the universe. `firstVenueSequence` 0 means
   * the update is not a range.
   */
  apply(instrumentId: number, venueId: number, side: Side, action: BookAction, priceTicks: number, sizeLots: number, venueSequence: number, firstVenueSequence = 0): boolean {
    const book = this.book(instrumentId, venueId)
    if (book === undefined) return false
    const first = firstVenueSequence > 0 ? firstVenueSequence : venueSequence
    if (book.applyDelta(side, action, priceTicks, sizeLots, venueSequence, first) === BookUpdate.Gap) {
      this.gaps++
      book.applySnapshot([], [], first - 1)
      book.applyDelta(side, action, priceTicks, sizeLots, venueSequence, first)
    }
    return true
  }

  /** Best bid and ask across venues (NaN while a side is empty everywhere). */
  consolidatedTouch(instrumentId: number): { bidTicks: number; askTicks: number } {
    return { bidTicks: this.consolidatedBidTicks(instrumentId), askTicks: this.consolidatedAskTicks(instrumentId) }
  }

  /** Highest bid across venues, NaN when none: read per tick on the fast path, so no object. */
  consolidatedBidTicks(instrumentId: number): number {
    let bid = -Infinity
    for (let v = 0; v < this.venues; v++) {
      const b = this.#books[instrumentId * this.venues + v]!.bestBidTicks()
      if (b > bid) bid = b
    }
    return Number.isFinite(bid) ? bid : NaN
  }

  /** Lowest ask across venues, NaN when none. */
  consolidatedAskTicks(instrumentId: number): number {
    let ask = Infinity
    for (let v = 0; v < this.venues; v++) {
      const a = this.#books[instrumentId * this.venues + v]!.bestAskTicks()
      if (a < ask) ask = a
    }
    return Number.isFinite(ask) ? ask : NaN
  }

  consolidatedMid(instrumentId: number): number {
    return (this.consolidatedBidTicks(instrumentId) + this.consolidatedAskTicks(instrumentId)) / 2
  }

  /**
   * Depth imbalance of the top `levels` of each side summed across venues,
   * in [−1, 1]: (bid size − ask size) / (bid size + ask size); NaN with no depth.
   */
  depthImbalance(instrumentId: number, levels: number): number {
    let bid = 0
    let ask = 0
    for (let v = 0; v < this.venues; v++) {
      const book = this.#books[instrumentId * this.venues + v]!
      if (!book.inSync) continue
      bid += book.bids.depthLots(levels)
      ask += book.asks.depthLots(levels)
    }
    return bid + ask > 0 ? (bid - ask) / (bid + ask) : NaN
  }
}
