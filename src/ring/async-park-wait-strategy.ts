import { waitAsyncKeepingAlive } from '../runtime/wait-async.js'
import { markParked, readCursor, widenSequence } from './cursor.js'
import { isClosed, type AsyncWaitStrategy } from './wait-strategy.js'

export interface AsyncParkOptions {
  /** Longest single wait before the closed flag is looked at again. Default 100 ms. */
  parkTimeoutMs?: number
}

/**
 * Waits with `Atomics.waitAsync`, so a thread that also serves sockets or
 * timers keeps its event loop running while it waits. It never spins: the
 * cost is a promise resolution per wake-up, which an I/O agent pays anyway.
 * Parks as `SpinThenParkWaitStrategy` does, marking the cursor word.
 */
export class AsyncParkWaitStrategy implements AsyncWaitStrategy {
  readonly name = 'async'
  readonly parkTimeoutMs: number

  constructor(options: AsyncParkOptions = {}) {
    this.parkTimeoutMs = options.parkTimeoutMs ?? 100
  }

  async waitFor(words: Int32Array, cursorIndex: number, wanted: number): Promise<number> {
    for (;;) {
      const word = Atomics.load(words, cursorIndex)
      const seen = widenSequence(word, wanted)
      if (seen >= wanted) return seen
      if (isClosed(words)) return readCursor(words, cursorIndex, wanted)
      const parkedOn = markParked(words, cursorIndex, word)
      if (parkedOn === undefined) continue // the cursor moved: look again
      await waitAsyncKeepingAlive(words, cursorIndex, parkedOn, this.parkTimeoutMs)
    }
  }
}
