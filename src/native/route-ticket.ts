import { VENUE_COST_FIELDS, planLength, readRoutePlan, type RoutePlan } from './route-plan.js'

/**
 * A routing decision in one Float64Array: the parent order, each venue's
 * costs and book side, and the room the router writes the plan into. One
 * array is one argument across the addon boundary (converting five typed
 * arrays cost more than routing), and it is reused: the execution path lays
 * the books out into it in place and reads the plan back from it.
 *
 * ```
 * [0] adverseTicksPerMs (the router writes it)  [1] side  [2] sizeLots
 * [3] hasLimit (0 or 1)  [4] limitPriceTicks  [5] venues
 * [6] venue capacity V   [7] pair capacity P
 * [8 .. 8+V]            venueLevelEnds: the pair index where each venue's levels end
 * [8+V .. 8+4V]         venueCosts: [takerFeeBps, makerFeeBps, latencyMs] per venue
 * [8+4V .. 8+4V+2P]     levels: [priceTicks, sizeLots] pairs, each venue's side best first
 * [8+4V+2P ..]          the plan, as `route-plan.ts` lays it out
 * ```
 *
 * The Rust side (`native/src/router/ticket.rs`) reads the same layout and
 * checks it in the same order with the same messages as the fallback. The
 * array is over a `SharedArrayBuffer`, so the addon can keep its address
 * from one decision to the next (`ticket-bindings.ts`).
 */
export const TICKET_HEADER = 8

export const TicketField = {
  AdverseTicksPerMs: 0,
  Side: 1,
  SizeLots: 2,
  HasLimit: 3,
  LimitPriceTicks: 4,
  Venues: 5,
  VenueCapacity: 6,
  PairCapacity: 7,
} as const

/** The numbers a ticket of these capacities holds. */
export function ticketLength(venues: number, pairs: number): number {
  return TICKET_HEADER + (1 + VENUE_COST_FIELDS) * venues + 2 * pairs + planLength(venues)
}

export class RouteTicket {
  /** The whole ticket, as handed to the router. */
  readonly array: Float64Array
  readonly venueCapacity: number
  readonly pairCapacity: number
  /** Views into `array`: write the decision's books here. */
  readonly venueLevelEnds: Float64Array
  readonly venueCosts: Float64Array
  readonly levels: Float64Array
  /** The router's output; read it with `readPlan` or by `route-plan.ts` offsets. */
  readonly plan: Float64Array
  /**
   * Set by the native router (`ticket-bindings.ts`), not by callers: the
   * bindings this ticket is bound to and its slot there.
   */
  boundTo: unknown = undefined
  boundSlot = -1

  constructor(venueCapacity: number, pairCapacity: number) {
    // Over a shared buffer, which can never be detached: the addon keeps the
    // ticket's address from one decision to the next (`ticket-bindings.ts`).
    const length = ticketLength(venueCapacity, pairCapacity)
    this.array = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))
    this.venueCapacity = venueCapacity
    this.pairCapacity = pairCapacity
    this.array[TicketField.VenueCapacity] = venueCapacity
    this.array[TicketField.PairCapacity] = pairCapacity
    const costsAt = TICKET_HEADER + venueCapacity
    const levelsAt = costsAt + VENUE_COST_FIELDS * venueCapacity
    const planAt = levelsAt + 2 * pairCapacity
    this.venueLevelEnds = this.array.subarray(TICKET_HEADER, costsAt)
    this.venueCosts = this.array.subarray(costsAt, levelsAt)
    this.levels = this.array.subarray(levelsAt, planAt)
    this.plan = this.array.subarray(planAt)
  }

  /** 1 to buy (take asks), -1 to sell (take bids); no limit for a market order. */
  setParent(side: number, sizeLots: number, limitPriceTicks?: number | null): void {
    const a = this.array
    a[TicketField.Side] = side
    a[TicketField.SizeLots] = sizeLots
    a[TicketField.HasLimit] = limitPriceTicks == null ? 0 : 1
    a[TicketField.LimitPriceTicks] = limitPriceTicks ?? 0
  }

  get venues(): number {
    return this.array[TicketField.Venues] as number
  }

  /** How many venues the decision spans (their ends and costs are read, the rest not). */
  set venues(count: number) {
    this.array[TicketField.Venues] = count
  }

  setVenueCosts(venue: number, takerFeeBps: number, makerFeeBps: number, latencyMs: number): void {
    const at = venue * VENUE_COST_FIELDS
    this.venueCosts[at] = takerFeeBps
    this.venueCosts[at + 1] = makerFeeBps
    this.venueCosts[at + 2] = latencyMs
  }

  /** The plan as objects, for code off the hot path. */
  readPlan(children: number): RoutePlan {
    return readRoutePlan(this.plan, children)
  }
}
