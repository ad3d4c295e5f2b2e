/**
 * A cursor word: the low 31 bits of a sequence, and a top bit set by a
 * thread parked on it.
 *
 * Cursors are int32 words because `Atomics.wait` only works on Int32Array.
 * Each thread keeps the full sequence as a double and rebuilds it from the
 * word with `widenSequence`, which is exact while the two are less than 2^30
 * apart: always between a producer and its consumers, since capacity ≤ 2^24.
 * A thread attaching (a restarted agent) has no sequence of its own yet: it
 * widens near the full sequence kept as a double beside the cursor word,
 * which the cursor's owner rewrites each time the cursor crosses a multiple
 * of 2^28, so the two are never 2^30 apart however long the ring has run.
 * Nobody else writes a cursor's hint, and a thread attaches to a cursor only
 * once its previous owner has ended, so the plain double is never read while
 * written.
 *
 * The parked bit is how the other side learns that it owes a notify: the
 * store of a cursor is an `Atomics.exchange`, which costs what
 * `Atomics.store` costs (both are one locked exchange on x86) and hands back
 * the old word, bit included. A separate count of waiters, read after every
 * store, cost the producer publishing every message a fifth of its rate: the
 * read cannot start before the store's fence ends.
 *
 * Lost wake-ups cannot happen: a waiter sets the bit with a compare-exchange
 * against the word it saw, so the bit lands only on a cursor that has not
 * moved since, then waits only while the word still holds that value. A store
 * after the bit landed sees it and notifies; a store before it made the
 * compare-exchange fail, and the waiter looks again.
 */
export const PARKED = 1 << 31
/** How often, in sequences, a cursor's owner rewrites the full sequence beside it. */
export const HINT_EVERY = 2 ** 28
const SEQUENCE_BITS = 0x7fffffff

/** Full sequence nearest `near` whose low 31 bits are the word's. */
export function widenSequence(word: number, near: number): number {
  return near + ((((word & SEQUENCE_BITS) - near) << 1) >> 1)
}

/** The cursor's sequence, widened near `near`, read with acquire semantics (Atomics.load is seq-cst). */
export function readCursor(words: Int32Array, cursorIndex: number, near: number): number {
  return widenSequence(Atomics.load(words, cursorIndex), near)
}

/** Stores a cursor and wakes whoever parked on it. */
export function storeCursor(words: Int32Array, cursorIndex: number, sequence: number): void {
  if (Atomics.exchange(words, cursorIndex, sequence & SEQUENCE_BITS) < 0) Atomics.notify(words, cursorIndex)
}

/** The word as it stands before any thread has parked on it: a ring's starting cursors. */
export function cursorWord(sequence: number): number {
  return sequence & SEQUENCE_BITS
}

/**
 * Sets the parked bit on a cursor still holding `word`. Returns the value to
 * wait on, or undefined when the cursor has moved and is to be read again.
 */
export function markParked(words: Int32Array, cursorIndex: number, word: number): number | undefined {
  if (word < 0) return word // another thread parked on it first
  const marked = word | PARKED
  return Atomics.compareExchange(words, cursorIndex, word, marked) === word ? marked : undefined
}

/** Float64 index of the full sequence kept 8 bytes past a cursor word, on the cursor's own line. */
function hintIndex(cursorIndex: number): number {
  return (cursorIndex * 4 + 8) / 8
}

/** The full sequence last kept beside the cursor: near enough to widen its word. */
export function sequenceHint(f64: Float64Array, cursorIndex: number): number {
  return f64[hintIndex(cursorIndex)]!
}

/** Keeps `sequence` beside the cursor and returns the next sequence at which to keep it again. */
export function keepSequenceHint(f64: Float64Array, cursorIndex: number, sequence: number): number {
  f64[hintIndex(cursorIndex)] = sequence
  return (Math.floor(sequence / HINT_EVERY) + 1) * HINT_EVERY
}
