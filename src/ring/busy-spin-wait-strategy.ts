import { isClosed, readCursor, type WaitStrategy } from './wait-strategy.js'

/**
 * Spins on the cursor without ever yielding the core: the lowest hand-off
 * latency, at the price of a whole core per waiting thread. On a machine with
 * fewer cores than busy threads it starves the others; use it only for the
 * one hot consumer of a measured path, or in benchmarks.
 */
export class BusySpinWaitStrategy implements WaitStrategy {
  readonly name = 'spin'

  waitFor(words: Int32Array, cursorIndex: number, _waitersIndex: number, wanted: number): number {
    for (let i = 0; ; i++) {
      const seen = readCursor(words, cursorIndex, wanted)
      if (seen >= wanted) return seen
      // The closed flag is on another line: look at it rarely.
      if ((i & 1023) === 1023 && isClosed(words)) return readCursor(words, cursorIndex, wanted)
    }
  }
}
