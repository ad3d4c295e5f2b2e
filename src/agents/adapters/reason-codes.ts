/**
 * Reason codes the adapters themselves put on an `OrderEvent`, 1 to 9 (a
 * sim venue's own start at 10, see `SimReasonCode`; a ccxt venue has none
 * of its own, its words are logged).
 */

/** The request named a venue no session serves. */
export const REASON_NO_VENUE = 1

/**
 * The order never reached the venue: its breaker was open or an operator
 * had taken it down when the order arrived, or every attempt to place it
 * failed and the venue, asked after its receive window, does not know it.
 * Its lots are free to go elsewhere; execution re-routes them once. On a
 * refused amend: the replacement would have been a new order there.
 */
export const REASON_VENUE_DOWN = 2

/** A cancel or amend named a client order id the venue (or, for an amend on ccxt, the session) holds no order under. */
export const REASON_UNKNOWN_ORDER = 3

/** A cancel or amend of an order that had already ended. */
export const REASON_ORDER_FINISHED = 4

/** The venue refused a cancel or amend for another reason (its words are in the log). */
export const REASON_VENUE_REFUSED = 5

/** The order ended because an amend replaced it under a new client order id. */
export const REASON_REPLACED = 6

/**
 * The session holding the order was lost with the adapters thread, and the
 * order with it: a sim venue lives in that thread (as a venue that cancels
 * a session's orders when it drops). The lots not filled are free again.
 */
export const REASON_SESSION_LOST = 7
