import { markParked, readCursor, widenSequence } from './cursor.js'
import { isClosed, type WaitStrategy } from './wait-strategy.js'

export interface SpinThenParkOptions {
  /** Cursor reads before parking. Default 200, about 2 µs (see the class comment). */
  spinTries?: number
  /** Longest single park before the closed flag is looked at again. Default 100 ms. */
  parkTimeoutMs?: number
  /**
   * Runs each time a park times out with nothing new: with a short
   * `parkTimeoutMs`, the thread's chance to run its path on current data
   * and keep it warm while no message comes (see `StepFollower.next`).
   */
  whileParked?: () => void
}

/**
 * Spins briefly, then parks the thread in `Atomics.wait` until the other side
 * notifies. A wake-up costs roughly 10–20 µs, so the spin catches messages
 * that follow closely for the price of a few microseconds of one core, and a
 * quiet thread costs nothing. The default for agent threads.
 *
 * A try is one `Atomics.load` from JS, ~11 ns here (V8 calls a builtin for
 * it rather than inlining a load), so the default 200 tries spin ~2 µs. The
 * default was 2000, which spun ~22 µs: as long as the wake it meant to save,
 * spent after every message that no other follows closely. On the
 * tick-to-order path (ticks ~80 µs apart) that was ~22 µs of a core per tick
 * in each of the strategy and venue threads; on two cores the threads then
 * queued behind each other more often, and in paired runs the share of
 * orders slower than 500 µs was 0.5–1.0% at 200 tries against 0.8–3.7% at
 * 2000. Fewer tries (0, 50) raised the median and did not lower the tail.
 *
 * Parking marks the cursor word, and the other side's next store of it
 * notifies; see `cursor.ts` for why no wake-up is lost.
 */
export class SpinThenParkWaitStrategy implements WaitStrategy {
  readonly name = 'park'
  readonly spinTries: number
  readonly parkTimeoutMs: number
  readonly whileParked: (() => void) | undefined

  constructor(options: SpinThenParkOptions = {}) {
    this.spinTries = options.spinTries ?? 200
    this.parkTimeoutMs = options.parkTimeoutMs ?? 100
    this.whileParked = options.whileParked
  }

  waitFor(words: Int32Array, cursorIndex: number, wanted: number): number {
    for (let i = 0; i < this.spinTries; i++) {
      const seen = readCursor(words, cursorIndex, wanted)
      if (seen >= wanted) return seen
    }
    for (;;) {
      const word = Atomics.load(words, cursorIndex)
      const seen = widenSequence(word, wanted)
      if (seen >= wanted) return seen
      if (isClosed(words)) return readCursor(words, cursorIndex, wanted)
      const parkedOn = markParked(words, cursorIndex, word)
      if (parkedOn === undefined) continue // the cursor moved: look again
      const timedOut = Atomics.wait(words, cursorIndex, parkedOn, this.parkTimeoutMs) === 'timed-out'
      const woken = readCursor(words, cursorIndex, wanted)
      if (woken >= wanted) return woken
      if (timedOut) this.whileParked?.()
    }
  }
}
