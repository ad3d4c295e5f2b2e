import { CLOSED, widenSequence } from './layout.js'

/**
 * How a thread waits for a cursor word to reach a sequence: a consumer waits
 * for the producer's cursor, a producer with a full ring for the slowest
 * consumer's. The waiter count at `waitersIndex` tells the other side whether
 * anyone is parked, so a publish or release costs no syscall when nobody is.
 *
 * A strategy returns the sequence it saw, widened near `wanted`: at least
 * `wanted` on success, less than `wanted` only when the ring has been closed.
 */
export interface WaitStrategy {
  readonly name: string
  waitFor(words: Int32Array, cursorIndex: number, waitersIndex: number, wanted: number): number
}

/** The same for threads that also run an event loop: the wait yields to it. */
export interface AsyncWaitStrategy {
  readonly name: string
  waitFor(words: Int32Array, cursorIndex: number, waitersIndex: number, wanted: number): Promise<number>
}

/** Widened value of the cursor word, read with acquire semantics (Atomics.load is seq-cst). */
export function readCursor(words: Int32Array, cursorIndex: number, near: number): number {
  return widenSequence(Atomics.load(words, cursorIndex), near)
}

export function isClosed(words: Int32Array): boolean {
  return Atomics.load(words, CLOSED) !== 0
}
