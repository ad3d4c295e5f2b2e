import { TimeInForce, type CancelReason } from '../../schemas/index.js'
import type { ChildOrders } from './child-orders.js'
import type { ChildRouting } from './child-routing.js'
import type { ParentOrders, ParentTerms } from './parent-orders.js'
import type { VenueRingWriter } from './venue-ring-writer.js'

export interface ChildDispatchOptions {
  routing: ChildRouting
  venueRing: VenueRingWriter
  parents: ParentOrders
  children: ChildOrders
  nowNs: () => number
  /** Adds to one of the agent's counters. */
  bump: (name: string, by?: number) => void
  /** Logs a router refusal (the first of its kind; further ones are counted). */
  logRouteFailure: (err: unknown) => void
}

/** The counters of one way of routing a child's lots again. */
interface RouteAgainCounters {
  blocked: string
  noLiquidity: string
  done: string
  lots: string
}

const REROUTE_COUNTERS: RouteAgainCounters = { blocked: 'reroute_blocked', noLiquidity: 'reroute_no_liquidity', done: 'rerouted', lots: 'rerouted_lots' }
/** What a post left is taken immediate-or-cancel: nothing rests, so its lots are what was filled or not routed. */
const POST_REMAINDER_COUNTERS: RouteAgainCounters = {
  blocked: 'post_remainder_blocked',
  noLiquidity: 'post_remainder_no_liquidity',
  done: 'post_remainders_taken',
  lots: 'post_remainder_lots',
}

/** What a re-route may go on: the command of the execute step it happens in. */
export interface RerouteVerdict {
  riskVerdict: boolean
  safeMode: boolean
}

/**
 * Puts children on the venue ring and takes them off it: a parent's lots
 * routed into children (and the lots that rest), the lots of a child its
 * venue never took routed again, once, and cancels of children past their
 * deadline. Every child sent is tracked (`ChildOrders`) and counted to its
 * parent (`ParentOrders`); when it was sent is kept until the venue's first
 * answer measures the round trip.
 */
export class ChildDispatch {
  /** Children sent and not yet answered: venue index and when, ns. */
  readonly sentNs = new Map<number, { venue: number; ns: number }>()
  readonly #routing: ChildRouting
  readonly #venueRing: VenueRingWriter
  readonly #parents: ParentOrders
  readonly #children: ChildOrders
  readonly #nowNs: () => number
  readonly #bump: (name: string, by?: number) => void
  readonly #logRouteFailure: (err: unknown) => void
  /** Children of the last plan that take liquidity. */
  #taking = 0

  constructor(options: ChildDispatchOptions) {
    this.#routing = options.routing
    this.#venueRing = options.venueRing
    this.#parents = options.parents
    this.#children = options.children
    this.#nowNs = options.nowNs
    this.#bump = options.bump
    this.#logRouteFailure = options.logRouteFailure
  }

  /**
   * Routes `sizeLots` of a parent with `terms` and counts the lots that
   * neither take nor rest; returns how many children the plan holds (the
   * resting one included), 0 for none, -1 when the router refused.
   */
  plan(terms: Readonly<ParentTerms>, sizeLots: number): number {
    try {
      this.#taking = this.#routing.route(terms, sizeLots)
    } catch (err) {
      // One order the router refuses must not stall the ones behind it: count it, log the first.
      this.#logRouteFailure(err)
      this.#bump('route_failures')
      return -1
    }
    const { unfilledLots, restLots } = this.#routing
    if (unfilledLots > restLots) this.#bump('unrouted_lots', unfilledLots - restLots)
    return this.#taking + (restLots > 0 ? 1 : 0)
  }

  /** Sends the children of the last plan, for `parentId`; the resting lots are counted once they went out. */
  send(parentId: number, terms: Readonly<ParentTerms>, reroute: boolean): void {
    const routing = this.#routing
    const kind = reroute ? 'reroute' : 'routed'
    for (let c = 0; c < this.#taking; c++) this.#sendChild(parentId, terms, routing.venueOf(c), routing.priceOf(c), routing.lotsOf(c), kind)
    const { restLots, restVenue } = routing
    if (restLots > 0 && this.#sendChild(parentId, terms, restVenue, terms.limitTicks!, restLots, kind)) this.#bump('rested_lots', restLots)
  }

  /**
   * The lots of a child that never reached its venue go to the venues up,
   * once, at the parent's limit, with the verdict of the step it happens in:
   * lots risk already approved, so the one exception to "approved in this
   * very cycle".
   */
  reroute(childId: number, lots: number, verdict: RerouteVerdict): void {
    if (this.#parents.isReroute(childId)) return this.#bump('reroute_refused_again')
    const terms = this.#parents.termsOf(this.#parents.parentOf(childId)!)!
    this.#routeAgain(childId, lots, verdict, terms, REROUTE_COUNTERS)
  }

  /** Posts a parent's lots post-only on one venue, to rest; false when the ring has no room. */
  post(parentId: number, terms: Readonly<ParentTerms>, venue: number, priceTicks: number, sizeLots: number): boolean {
    return this.#sendChild(parentId, terms, venue, priceTicks, sizeLots, 'post')
  }

  /**
   * What a posted child left unfilled (its rest time over, or refused for
   * it would have taken) is taken now, immediate-or-cancel up to the
   * parent's limit, with the verdict of the step it happens in: lots risk
   * already approved, as for a re-route.
   */
  takeRemainder(childId: number, lots: number, verdict: RerouteVerdict): void {
    const terms = { ...this.#parents.termsOf(this.#parents.parentOf(childId)!)!, childTimeInForce: TimeInForce.ImmediateOrCancel }
    this.#routeAgain(childId, lots, verdict, terms, POST_REMAINDER_COUNTERS)
  }

  /** Routes `lots` of a child's parent again with `terms`, if the step's verdict lets it; each outcome counted under `counters`. */
  #routeAgain(childId: number, lots: number, verdict: RerouteVerdict, terms: Readonly<ParentTerms>, counters: RouteAgainCounters): void {
    if (verdict.safeMode || !verdict.riskVerdict) return this.#bump(counters.blocked)
    const children = this.plan(terms, lots)
    if (children < 0) return
    if (children === 0) return this.#bump(counters.noLiquidity)
    this.send(this.#parents.parentOf(childId)!, terms, true)
    this.#bump(counters.done)
    this.#bump(counters.lots, lots - (this.#routing.unfilledLots - this.#routing.restLots))
  }

  /** Puts a cancel of an open child on the venue ring; false when the ring has no room (it is tried again later). */
  cancel(id: number, reason: CancelReason): boolean {
    const open = this.#children.get(id)
    if (open === undefined) return false
    if (!this.#venueRing.cancel(this.#nowNs(), id, open, reason)) {
      this.#bump('blocked_venue_ring_full')
      return false
    }
    this.#children.cancelSent(id, this.#nowNs())
    this.#bump(open.cancels > 1 ? 'cancels_resent' : 'cancels_sent')
    return true
  }

  /** Cancels every child past its deadline; returns how many cancels went out. */
  cancelDue(reason: CancelReason): number {
    const now = this.#nowNs()
    if (!this.#children.anyDue(now)) return 0
    let sent = 0
    for (const id of this.#children.due(now)) if (this.cancel(id, reason)) sent++
    return sent
  }

  /** One child of `parentId` onto the venue ring; false when the ring has no room. */
  #sendChild(parentId: number, terms: Readonly<ParentTerms>, venue: number, priceTicks: number, sizeLots: number, kind: 'routed' | 'reroute' | 'post'): boolean {
    const now = this.#nowNs()
    // Its id is taken only once the ring has room: a child that never went out has none.
    const childId = this.#parents.nextChildId
    if (!this.#venueRing.child(now, childId, terms, venue + 1, priceTicks, sizeLots, kind === 'post')) {
      this.#bump('blocked_venue_ring_full')
      return false
    }
    this.#parents.addChild(parentId, kind)
    this.sentNs.set(childId, { venue, ns: now })
    this.#children.sent(childId, { venueId: venue + 1, instrumentId: terms.instrumentId, side: terms.side, sizeLots, priceTicks, rests: terms.childTimeInForce !== TimeInForce.ImmediateOrCancel, sentNs: now })
    this.#bump('children_sent')
    return true
  }
}
