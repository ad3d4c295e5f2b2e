import type { VenueBooks } from '../market/book/index.js'
import { VENUE_COST_FIELDS } from './route-plan.js'
import { RouteTicket } from './route-ticket.js'
import { Side } from '../schemas/index.js'

/** Which venues may take orders now (`VenueHealthBoard` is one); venue ids from 1. */
export interface RoutableVenues {
  routable(venueId: number): boolean
}

/** Levels per venue side the router looks at. */
export const ROUTED_DEPTH = 50

/**
 * The router's ticket for one instrument's decisions: every venue's side
 * best first, where each venue's levels end, and each venue's fees and
 * measured latency, laid out in place for one call into the addon. The
 * ticket is reused across decisions, and the plan is read back from it.
 */
export class RouterInput {
  readonly ticket: RouteTicket
  readonly #prices = new Float64Array(ROUTED_DEPTH)
  readonly #sizes = new Float64Array(ROUTED_DEPTH)

  constructor(venues: number, fees: { takerBps: number; makerBps: number }) {
    this.ticket = new RouteTicket(venues, ROUTED_DEPTH * venues)
    this.ticket.venues = venues
    for (let v = 0; v < venues; v++) this.ticket.setVenueCosts(v, fees.takerBps, fees.makerBps, 0)
  }

  /** The venue's fee tier in force; an index past the last venue is ignored. */
  setFees(venue: number, makerBps: number, takerBps: number): void {
    if (venue < 0 || venue >= this.ticket.venueCapacity) return
    const at = venue * VENUE_COST_FIELDS
    this.ticket.venueCosts[at] = takerBps
    this.ticket.venueCosts[at + 1] = makerBps
  }

  setLatencyMs(venue: number, latencyMs: number): void {
    this.ticket.venueCosts[venue * VENUE_COST_FIELDS + 2] = latencyMs
  }

  /**
   * Lays out the `[price, size]` pairs an order of `side` would take, venue
   * after venue, and the parent order; returns how many pairs. A venue that
   * is not `routable` gets no levels, so the router sends its share to the others.
   */
  layOut(
    books: VenueBooks,
    instrumentId: number,
    side: Side,
    sizeLots: number,
    limitPriceTicks: number | undefined,
    venues?: RoutableVenues,
  ): number {
    const taken = side === Side.Buy ? Side.Sell : Side.Buy
    const levels = this.ticket.levels
    const ends = this.ticket.venueLevelEnds
    let pair = 0
    for (let v = 0; v < books.venues; v++) {
      const n = venues !== undefined && !venues.routable(v + 1) ? 0 : books.book(instrumentId, v + 1)!.topLevels(taken, this.#prices, this.#sizes, ROUTED_DEPTH)
      for (let k = 0; k < n; k++, pair++) {
        levels[2 * pair] = this.#prices[k]!
        levels[2 * pair + 1] = this.#sizes[k]!
      }
      ends[v] = pair
    }
    this.ticket.setParent(side === Side.Buy ? 1 : -1, sizeLots, limitPriceTicks)
    return pair
  }

  /**
   * Where an unfilled remainder rests: the router's choice (`chosen`, a venue
   * index, -1 for none) when it is `routable`, else by the router's own rule
   * (lowest maker fee, then latency, then index) among the venues that are;
   * -1 when none is. The router weighs fees and latency only, not health.
   */
  restingVenue(chosen: number, venues?: RoutableVenues): number {
    if (chosen < 0 || venues === undefined || venues.routable(chosen + 1)) return chosen
    return this.makerVenue(venues)
  }

  /** The venue to rest on by the router's rule (lowest maker fee, then latency, then index) among those `routable`; -1 for none. */
  makerVenue(venues?: RoutableVenues): number {
    let best = -1
    let bestFee = Infinity
    let bestLatency = Infinity
    const costs = this.ticket.venueCosts
    for (let v = 0, at = 0; v < this.ticket.venues; v++, at += VENUE_COST_FIELDS) {
      if (venues !== undefined && !venues.routable(v + 1)) continue
      const fee = costs[at + 1]!
      const latency = costs[at + 2]!
      if (fee < bestFee || (fee === bestFee && latency < bestLatency)) {
        best = v
        bestFee = fee
        bestLatency = latency
      }
    }
    return best
  }

  /** A venue's fees as the router prices them: `[makerBps, takerBps]`. */
  feesOf(venue: number): [number, number] {
    const at = venue * VENUE_COST_FIELDS
    return [this.ticket.venueCosts[at + 1]!, this.ticket.venueCosts[at]!]
  }

  /** The lowest taker fee among the venues `routable`; Infinity for none. */
  lowestTakerBps(venues?: RoutableVenues): number {
    let lowest = Infinity
    for (let v = 0; v < this.ticket.venues; v++) {
      if (venues === undefined || venues.routable(v + 1)) lowest = Math.min(lowest, this.ticket.venueCosts[v * VENUE_COST_FIELDS]!)
    }
    return lowest
  }
}
