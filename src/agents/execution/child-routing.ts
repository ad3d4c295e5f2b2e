import type { VenueBooks } from '../../market/book/index.js'
import { CHILD_FIELDS, PLAN_HEADER, type Router } from '../../native/index.js'
import type { RoutableVenues, RouterInput } from '../../native/router-input.js'
import { Side, TimeInForce } from '../../schemas/index.js'
import type { ParentTerms } from './parent-orders.js'

/**
 * Routes a parent's lots with the router over the books of the venues that
 * take orders, and reads the plan it writes in place (layout in
 * route-plan.ts), for the first routing and a re-route alike: the children
 * that take what the books show, and, for a parent whose children may rest,
 * the lots the books cannot fill resting at its limit where a maker rests
 * best among the venues up.
 */
export class ChildRouting {
  readonly #router: Router
  readonly #input: RouterInput
  readonly #books: VenueBooks
  readonly #venues: RoutableVenues
  readonly #plan: Float64Array
  /** Lots of the last routing the books could not fill. */
  unfilledLots = 0
  /** Of those, the lots that rest, and where (a venue index; -1: none rest). */
  restLots = 0
  restVenue = -1

  constructor(router: Router, input: RouterInput, books: VenueBooks, venues: RoutableVenues) {
    this.#router = router
    this.#input = input
    this.#books = books
    this.#venues = venues
    this.#plan = input.ticket.plan
  }

  /** Routes `sizeLots` of a parent with `terms`; returns how many children take liquidity (the router's errors are thrown). */
  route(terms: Readonly<ParentTerms>, sizeLots: number): number {
    this.#input.layOut(this.#books, terms.instrumentId, terms.side, sizeLots, terms.limitTicks, this.#venues)
    const children = this.#router.route(this.#input.ticket)
    this.unfilledLots = this.#plan[1]!
    const rests = terms.childTimeInForce !== TimeInForce.ImmediateOrCancel && this.unfilledLots > 0
    this.restVenue = rests ? this.#input.restingVenue(this.#plan[2]!, this.#venues) : -1
    this.restLots = this.restVenue >= 0 ? this.unfilledLots : 0
    return children
  }

  /** Child `c` of the last routing: its venue index. */
  venueOf(c: number): number {
    return this.#plan[PLAN_HEADER + c * CHILD_FIELDS]!
  }

  /** Child `c`'s limit: the worst level it takes. */
  priceOf(c: number): number {
    return this.#plan[PLAN_HEADER + c * CHILD_FIELDS + 1]!
  }

  lotsOf(c: number): number {
    return this.#plan[PLAN_HEADER + c * CHILD_FIELDS + 2]!
  }
}
