import { CLOSED } from './layout.js'

/**
 * How a thread waits for a cursor word to reach a sequence: a consumer waits
 * for the producer's cursor, a producer with a full ring for the slowest
 * consumer's. A strategy that parks marks the cursor word (see `cursor.ts`),
 * so a publish or release costs no syscall when nobody is parked.
 *
 * A strategy returns the sequence it saw, widened near `wanted`: at least
 * `wanted` on success, less than `wanted` only when the ring has been closed.
 */
export interface WaitStrategy {
  readonly name: string
  waitFor(words: Int32Array, cursorIndex: number, wanted: number): number
}

/** The same for threads that also run an event loop: the wait yields to it. */
export interface AsyncWaitStrategy {
  readonly name: string
  waitFor(words: Int32Array, cursorIndex: number, wanted: number): Promise<number>
}

export function isClosed(words: Int32Array): boolean {
  return Atomics.load(words, CLOSED) !== 0
}
