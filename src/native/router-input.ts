import type { VenueBooks } from '../market/book/index.js'
import { VENUE_COST_FIELDS } from './route-plan.js'
import { Side } from '../schemas/index.js'

/** Which venues may take orders now (`VenueHealthBoard` is one); venue ids from 1. */
export interface RoutableVenues {
  routable(venueId: number): boolean
}

/** Levels per venue side the router looks at. */
export const ROUTED_DEPTH = 50

/**
 * The router's inputs for one decision, laid out flat for one call into the
 * addon: every venue's side best first, where each venue's levels end, and
 * each venue's fees and measured latency. Buffers are reused across decisions.
 */
export class RouterInput {
  readonly venueLevelEnds: Uint32Array
  readonly costs: Float64Array
  readonly #levels: Float64Array
  readonly #prices = new Float64Array(ROUTED_DEPTH)
  readonly #sizes = new Float64Array(ROUTED_DEPTH)

  constructor(venues: number, fees: { takerBps: number; makerBps: number }) {
    this.venueLevelEnds = new Uint32Array(venues)
    this.#levels = new Float64Array(2 * ROUTED_DEPTH * venues)
    this.costs = new Float64Array(venues * VENUE_COST_FIELDS)
    for (let v = 0; v < venues; v++) this.costs.set([fees.takerBps, fees.makerBps, 0], v * VENUE_COST_FIELDS)
  }

  setLatencyMs(venue: number, latencyMs: number): void {
    this.costs[venue * VENUE_COST_FIELDS + 2] = latencyMs
  }

  /**
   * The `[price, size]` pairs an order of `side` would take, venue after
   * venue; a view of exactly the pairs laid out. A venue that is not
   * `routable` gets no levels, so the router sends its share to the others.
   */
  layOut(books: VenueBooks, instrumentId: number, side: Side, venues?: RoutableVenues): Float64Array {
    const taken = side === Side.Buy ? Side.Sell : Side.Buy
    let pair = 0
    for (let v = 0; v < books.venues; v++) {
      const n = venues !== undefined && !venues.routable(v + 1) ? 0 : books.book(instrumentId, v + 1)!.topLevels(taken, this.#prices, this.#sizes, ROUTED_DEPTH)
      for (let k = 0; k < n; k++, pair++) {
        this.#levels[2 * pair] = this.#prices[k]!
        this.#levels[2 * pair + 1] = this.#sizes[k]!
      }
      this.venueLevelEnds[v] = pair
    }
    return this.#levels.subarray(0, 2 * pair)
  }

  /**
   * Where an unfilled remainder rests: the router's choice (`chosen`, a venue
   * index, -1 for none) when it is `routable`, else by the router's own rule
   * (lowest maker fee, then latency, then index) among the venues that are;
   * -1 when none is. The router weighs fees and latency only, not health.
   */
  restingVenue(chosen: number, venues?: RoutableVenues): number {
    if (chosen < 0 || venues === undefined || venues.routable(chosen + 1)) return chosen
    let best = -1
    let bestFee = Infinity
    let bestLatency = Infinity
    for (let v = 0, at = 0; at < this.costs.length; v++, at += VENUE_COST_FIELDS) {
      if (!venues.routable(v + 1)) continue
      const fee = this.costs[at + 1]!
      const latency = this.costs[at + 2]!
      if (fee < bestFee || (fee === bestFee && latency < bestLatency)) {
        best = v
        bestFee = fee
        bestLatency = latency
      }
    }
    return best
  }
}
