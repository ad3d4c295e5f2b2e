import type { CancelReason, Side } from '../../schemas/index.js'
import type { NewOrder } from '../../venues/sim/venue-messages.js'

/**
 * An order as it arrives on the venue ring: the sim venue's order, with the
 * ring's numeric id, its venue and its strategy. A `LimitMaker` on the ring
 * arrives as a post-only `Limit`.
 */
export type VenueOrder = Omit<NewOrder, 'clientOrderId' | 'postOnly'> & {
  clientOrderId: number
  /** When its sender made it (a child's send; for the fast path, its tick's time), as the rings carry it. */
  tsNs?: number
  venueId: number
  strategyId: number
  /** Rest or be rejected, never take (default false). */
  postOnly?: boolean
}

/** A cancel as it arrives on the venue ring (`OrderCancel`). */
export interface VenueCancel {
  clientOrderId: number
  venueId: number
  instrumentId: number
  side: Side
  reason: CancelReason
}

/** An amend as it arrives on the venue ring (`OrderAmend`): the order goes on under `newClientOrderId`. */
export interface VenueAmend {
  clientOrderId: number
  newClientOrderId: number
  venueId: number
  instrumentId: number
  side: Side
  /** 0 keeps the order's price. */
  priceTicks: number
  /** The size open after the amend. */
  sizeLots: number
}

/** What the adapters hand requests from the rings to: the sim venues or a ccxt exchange. */
export interface VenueSessions {
  submit(order: VenueOrder): void
  cancel(request: VenueCancel): void
  amend(request: VenueAmend): void
}

/** Cancels and amends sent and how they ended, for the agent's counters. */
export interface RequestCounters {
  cancels: number
  amends: number
  /** Cancels and amends a venue refused, unknown orders included. */
  refused: number
  /** Cancels and amends naming a client order id the venue holds no order under. */
  unknownOrders: number
}

export function requestCounters(): RequestCounters {
  return { cancels: 0, amends: 0, refused: 0, unknownOrders: 0 }
}
