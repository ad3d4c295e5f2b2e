/**
 * The venue health board's layout: one `SharedArrayBuffer` of Int32 words,
 * a 64-byte header, then one 64-byte group of `GROUP_WORDS` words per venue
 * (venue id 1 is the first group), each on its own cache line so that
 * writing one venue's group never moves the line another venue's reader is
 * on. The adapters agent is its only writer; execution and the strategy's
 * fast path read it lock-free.
 *
 * ```
 * header  [MAGIC, LAYOUT_VERSION, venues, 0 …]
 * venue   [SEQ, STATE, REASON, FAILURES, CHANGES, SINCE_HI, SINCE_LO, 0 …]
 * ```
 *
 * - SEQ: a sequence lock. The writer makes it odd, writes the group, makes
 *   it even again; a reader that wants the whole group reads SEQ before and
 *   after and retries when they differ or are odd. Routing needs only STATE,
 *   one word, so it reads that with a single `Atomics.load` and no lock.
 * - STATE: a `VenueState`. Up is 0, so a group nobody wrote yet reads as up:
 *   before the adapters start, orders are routed as they always were.
 * - REASON: a `VenueDownReason`, the last failure's or why the venue is down.
 * - FAILURES: consecutive failed calls to the venue.
 * - CHANGES: state changes since the board was created.
 * - SINCE_HI, SINCE_LO: clock nanoseconds of the last state change, as the
 *   high and low 32 bits of an integer (exact to 2^53, where an Int32 of
 *   milliseconds would wrap after 24 days).
 */

export const VENUE_HEALTH_MAGIC = 0x56484231
export const VENUE_HEALTH_LAYOUT_VERSION = 1

export const HEADER_WORDS = 16
export const H_MAGIC = 0
export const H_VERSION = 1
export const H_VENUES = 2

export const GROUP_WORDS = 16
export const F_SEQ = 0
export const F_STATE = 1
export const F_REASON = 2
export const F_FAILURES = 3
export const F_CHANGES = 4
export const F_SINCE_HI = 5
export const F_SINCE_LO = 6

/** Whether orders may go to a venue. */
export const VenueState = {
  /** Orders go there. */
  Up: 0,
  /** Nothing is sent there: its breaker is open, or an operator took it down. */
  Down: 1,
  /** Down, cooled off, and one probe call is under way; orders still go elsewhere. */
  HalfOpen: 2,
} as const
export type VenueState = (typeof VenueState)[keyof typeof VenueState]

/** Why a venue failed a call or is down. */
export const VenueDownReason = {
  None: 0,
  /** No answer within the adapter's timeout. */
  Timeout: 1,
  /** 5xx, a refused or dropped connection. */
  Unavailable: 2,
  /** 429 or 418: the venue throttles or bans the client. */
  RateLimited: 3,
  /** An answer that is not what the venue's API promises. */
  Malformed: 4,
  /** An operator took it down (`adapters.venuesDown`). */
  Operator: 5,
} as const
export type VenueDownReason = (typeof VenueDownReason)[keyof typeof VenueDownReason]

const STATE_NAMES: Record<VenueState, string> = { 0: 'up', 1: 'down', 2: 'half-open' }
const REASON_NAMES: Record<VenueDownReason, string> = { 0: 'none', 1: 'timeout', 2: 'unavailable', 3: 'rate_limited', 4: 'malformed', 5: 'operator' }

export function venueStateName(state: VenueState): string {
  return STATE_NAMES[state] ?? `state ${state}`
}

export function venueDownReasonName(reason: VenueDownReason): string {
  return REASON_NAMES[reason] ?? `reason ${reason}`
}

export function venueHealthBytes(venues: number): number {
  return 4 * (HEADER_WORDS + venues * GROUP_WORDS)
}

/** First word of venue `venueId`'s group (ids from 1). */
export function groupOffset(venueId: number): number {
  return HEADER_WORDS + (venueId - 1) * GROUP_WORDS
}
