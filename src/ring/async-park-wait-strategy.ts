import { waitAsyncKeepingAlive } from '../runtime/wait-async.js'
import { widenSequence } from './layout.js'
import { isClosed, readCursor, type AsyncWaitStrategy } from './wait-strategy.js'

export interface AsyncParkOptions {
  /** Longest single wait before the closed flag is looked at again. Default 100 ms. */
  parkTimeoutMs?: number
}

/**
 * Waits with `Atomics.waitAsync`, so a thread that also serves sockets or
 * timers keeps its event loop running while it waits. It never spins: the
 * cost is a promise resolution per wake-up, which an I/O agent pays anyway.
 * Same announce-then-recheck protocol as `SpinThenParkWaitStrategy`.
 */
export class AsyncParkWaitStrategy implements AsyncWaitStrategy {
  readonly name = 'async'
  readonly parkTimeoutMs: number

  constructor(options: AsyncParkOptions = {}) {
    this.parkTimeoutMs = options.parkTimeoutMs ?? 100
  }

  async waitFor(words: Int32Array, cursorIndex: number, waitersIndex: number, wanted: number): Promise<number> {
    const first = readCursor(words, cursorIndex, wanted)
    if (first >= wanted) return first
    for (;;) {
      if (isClosed(words)) return readCursor(words, cursorIndex, wanted)
      Atomics.add(words, waitersIndex, 1)
      const word = Atomics.load(words, cursorIndex)
      const seen = widenSequence(word, wanted)
      try {
        if (seen >= wanted) return seen
        await waitAsyncKeepingAlive(words, cursorIndex, word, this.parkTimeoutMs)
      } finally {
        Atomics.sub(words, waitersIndex, 1)
      }
      const woken = readCursor(words, cursorIndex, wanted)
      if (woken >= wanted) return woken
    }
  }
}
