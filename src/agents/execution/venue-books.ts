import { OrderBook, BookUpdate } from '../../market/book/index.js'
import { BookAction, Side } from '../../schemas/index.js'
import { VENUE_COST_FIELDS } from '../../native/index.js'

/** Levels per venue side the router looks at. */
export const ROUTED_DEPTH = 50

/**
 * The L2 book of every instrument on every venue, as the market ring's
 * deltas draw it, and the router's inputs built from it: each venue's side
 * best first, laid out flat for one call into the addon.
 *
 * The ring has no snapshots yet, so a book starts empty at sequence 0 (the
 * engine's readers attach before its feed writes); a gap (a reader that lost
 * its place) restarts that book empty at the gap's sequence and counts it,
 * so stale levels are never routed to, at the cost of levels that return
 * only as they next change.
 */
export class VenueBooks {
  readonly venues: number
  readonly #books: OrderBook[]
  readonly levels: Float64Array
  readonly venueLevelEnds: Uint32Array
  readonly #prices = new Float64Array(ROUTED_DEPTH)
  readonly #sizes = new Float64Array(ROUTED_DEPTH)
  gaps = 0

  constructor(instruments: number, venues: number) {
    this.venues = venues
    this.#books = Array.from({ length: instruments * venues }, (_, cell) => {
      const book = new OrderBook({ instrumentId: Math.floor(cell / venues), venueId: (cell % venues) + 1 })
      book.applySnapshot([], [], 0)
      return book
    })
    this.levels = new Float64Array(2 * ROUTED_DEPTH * venues)
    this.venueLevelEnds = new Uint32Array(venues)
  }

  book(instrumentId: number, venueId: number): OrderBook | undefined {
    if (venueId < 1 || venueId > this.venues) return undefined
    return this.#books[instrumentId * this.venues + venueId - 1]
  }

  apply(instrumentId: number, venueId: number, side: Side, action: BookAction, priceTicks: number, sizeLots: number, venueSequence: number): void {
    const book = this.book(instrumentId, venueId)
    if (book === undefined) return
    if (book.applyDelta(side, action, priceTicks, sizeLots, venueSequence) !== BookUpdate.Gap) return
    this.gaps++
    book.applySnapshot([], [], venueSequence - 1)
    book.applyDelta(side, action, priceTicks, sizeLots, venueSequence)
  }

  /** Fills `levels` and `venueLevelEnds` with the side an order of `side` takes from, on every venue. */
  layOut(instrumentId: number, side: Side): void {
    const taken = side === Side.Buy ? Side.Sell : Side.Buy
    let pair = 0
    for (let v = 0; v < this.venues; v++) {
      const n = this.#books[instrumentId * this.venues + v]!.topLevels(taken, this.#prices, this.#sizes, ROUTED_DEPTH)
      for (let k = 0; k < n; k++, pair++) {
        this.levels[2 * pair] = this.#prices[k]!
        this.levels[2 * pair + 1] = this.#sizes[k]!
      }
      this.venueLevelEnds[v] = pair
    }
  }

  /** Mid of the best bid and ask across venues, or NaN while a side is empty everywhere. */
  consolidatedMid(instrumentId: number): number {
    let bid = -Infinity
    let ask = Infinity
    for (let v = 0; v < this.venues; v++) {
      const book = this.#books[instrumentId * this.venues + v]!
      const b = book.bestBidTicks()
      const a = book.bestAskTicks()
      if (b > bid) bid = b
      if (a < ask) ask = a
    }
    return Number.isFinite(bid) && Number.isFinite(ask) ? (bid + ask) / 2 : NaN
  }
}

/** `[takerFeeBps, makerFeeBps, latencyMs]` per venue, as the router reads them. */
export function venueCosts(venues: number, takerBps: number, makerBps: number, latencyMs: ArrayLike<number>): Float64Array {
  const costs = new Float64Array(venues * VENUE_COST_FIELDS)
  for (let v = 0; v < venues; v++) costs.set([takerBps, makerBps, latencyMs[v]!], v * VENUE_COST_FIELDS)
  return costs
}
