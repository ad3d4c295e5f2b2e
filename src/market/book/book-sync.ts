/**
 * Whether a book may be trusted: one transition table over (state, event).
 *
 * A book starts awaiting its snapshot. A snapshot puts it in sync; a venue
 * sequence gap takes it out of sync, and only the next snapshot brings it
 * back. Out of sync (or before the first snapshot) the book refuses deltas
 * and answers no levels: it never serves state it knows may be stale.
 */
export const BookSyncState = Object.freeze({
  AwaitingSnapshot: 0,
  InSync: 1,
  OutOfSync: 2,
} as const)
export type BookSyncState = (typeof BookSyncState)[keyof typeof BookSyncState]

export const BookSyncEvent = Object.freeze({
  Snapshot: 0,
  /** A delta that continues the venue's sequence. */
  Delta: 1,
  /** A delta whose venue sequence skips ahead of the last one applied. */
  Gap: 2,
} as const)
export type BookSyncEvent = (typeof BookSyncEvent)[keyof typeof BookSyncEvent]

const { AwaitingSnapshot, InSync, OutOfSync } = BookSyncState

/** Next state, indexed [state][event]. Every pair is listed: there is no illegal one, only refused deltas. */
const TRANSITIONS: readonly (readonly BookSyncState[])[] = [
  /* AwaitingSnapshot */ [InSync, AwaitingSnapshot, AwaitingSnapshot],
  /* InSync           */ [InSync, InSync, OutOfSync],
  /* OutOfSync        */ [InSync, OutOfSync, OutOfSync],
]

export function nextSyncState(state: BookSyncState, event: BookSyncEvent): BookSyncState {
  return TRANSITIONS[state]![event]!
}

export function syncStateName(state: BookSyncState): 'awaiting_snapshot' | 'in_sync' | 'out_of_sync' {
  return state === InSync ? 'in_sync' : state === OutOfSync ? 'out_of_sync' : 'awaiting_snapshot'
}

/** What a delta did: returned by every update method of `OrderBook`, never thrown. */
export const BookUpdate = Object.freeze({
  Applied: 0,
  /** Venue sequence at or below one already applied: a duplicate or replay, ignored. */
  Stale: 1,
  /** Venue sequence skipped ahead: the book is now out of sync and needs a snapshot. */
  Gap: 2,
  /** The book is not in sync (no snapshot yet, or a gap since): the delta was not applied. */
  Refused: 3,
  /** Size removed or level deleted at a price the book does not hold: nothing changed. */
  UnknownLevel: 4,
} as const)
export type BookUpdate = (typeof BookUpdate)[keyof typeof BookUpdate]
