import { requestCounters, type RequestCounters } from './venue-requests.js'

/** What the ccxt sessions did, for the agent's counters. */
export interface CcxtSessionCounters extends RequestCounters {
  submitted: number
  unknownVenue: number
  rejected: number
  /** Requests whose outcome is unknown after every retry (creates, cancels, amends): polling settles them. */
  timeouts: number
  /** Orders whose answer was lost and that the venue found by client id, or that polling caught up on. */
  recovered: number
  /** Orders (or an amend's replacement) whose request failed and that the venue, asked after its receive window, does not know: never placed. */
  notPlaced: number
  /** Cancels that waited for a venue's breaker to close before they could go out. */
  cancelsHeld: number
  pollFailures: number
  /** Pushes from the venues' user data streams, and stream failures (each subscribed again after a back-off). */
  streamUpdates: number
  streamFailures: number
}

export function ccxtSessionCounters(): CcxtSessionCounters {
  return { submitted: 0, unknownVenue: 0, rejected: 0, timeouts: 0, recovered: 0, notPlaced: 0, cancelsHeld: 0, pollFailures: 0, streamUpdates: 0, streamFailures: 0, ...requestCounters() }
}
