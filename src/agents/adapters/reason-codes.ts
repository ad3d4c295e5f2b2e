/**
 * Reason codes the adapters themselves put on an `OrderEvent` (the sim
 * venue's own start at 10, see `venues/sim/reason-codes.ts`).
 */

/** The order named a venue no session serves. */
export const REASON_NO_VENUE = 1

/**
 * The order never reached the venue: its breaker was open or an operator
 * had taken it down when the order arrived, or every attempt to place it
 * failed and the venue, asked after its receive window, does not know it.
 * Its lots are free to go elsewhere; execution re-routes them once.
 */
export const REASON_VENUE_DOWN = 2
