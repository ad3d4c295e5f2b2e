import { widenSequence } from './layout.js'
import { isClosed, readCursor, type WaitStrategy } from './wait-strategy.js'

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
 * Lost wake-ups cannot happen: the waiter announces itself (waiters += 1),
 * then re-reads the cursor, then waits only while the word still holds the
 * value it read. The notifier stores the cursor, then reads the waiter count.
 * Both sides use seq-cst atomics, so at least one of them sees the other.
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

  waitFor(words: Int32Array, cursorIndex: number, waitersIndex: number, wanted: number): number {
    for (let i = 0; i < this.spinTries; i++) {
      const seen = readCursor(words, cursorIndex, wanted)
      if (seen >= wanted) return seen
    }
    for (;;) {
      if (isClosed(words)) return readCursor(words, cursorIndex, wanted)
      Atomics.add(words, waitersIndex, 1)
      const word = Atomics.load(words, cursorIndex)
      const seen = widenSequence(word, wanted)
      const timedOut = seen < wanted && Atomics.wait(words, cursorIndex, word, this.parkTimeoutMs) === 'timed-out'
      Atomics.sub(words, waitersIndex, 1)
      if (seen >= wanted) return seen
      const woken = readCursor(words, cursorIndex, wanted)
      if (woken >= wanted) return woken
      // No longer counted as a waiter: a producer publishing meanwhile owes no notify.
      if (timedOut) this.whileParked?.()
    }
  }
}
