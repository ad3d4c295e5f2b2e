import { monotonicClock, type Clock } from '../clock/clock.js'
import { readCursor } from './cursor.js'
import { isClosed, type WaitStrategy } from './wait-strategy.js'

export interface BusySpinOptions {
  /**
   * How long to pause before the first poll after a take of fewer than
   * `SMALL_TAKE` messages; 0 polls at once. Default 1000 ns (see the class
   * comment).
   */
  coalesceNs?: number
  /** What the pause is timed by. */
  clock?: Clock
}

/** A take below this many messages means the consumer is keeping pace message by message. */
const SMALL_TAKE = 8

/**
 * Spins on the cursor without ever yielding the core: the lowest hand-off
 * latency, at the price of a whole core per waiting thread. On a machine with
 * fewer cores than busy threads it starves the others; use it only for the
 * one hot consumer of a measured path, or in benchmarks.
 *
 * A consumer that keeps pace with a producer publishing every message takes
 * one or two at a time and reads the cursor right after each. Every read
 * pulls the cursor's line to the consumer's core, so every publish then
 * waits for the line to come back before its store completes: about one
 * round trip between the cores a message, ~40 ns in this machine's fast
 * state and ~150 ns in its slow one. After a small take the strategy
 * therefore pauses before its next read, and the producer publishes the
 * next messages on a line it holds. With the default 1 µs, the consumer
 * takes ~20 messages a read instead of 1–2, and the 64-byte
 * publish-every-message bench row went from ~25 to 38–43 M/s in the
 * machine's fast state and from 6.3–6.6 to 8.7–10 M/s in its slow one
 * (0.25 µs: 30–37 M/s, 7.1 M/s; ~50 ns changed nothing). Java's spin loops
 * pace their reads with the CPU's pause instruction (`Thread.onSpinWait`)
 * for the same reason; JavaScript has none, and a pause that short would
 * not be enough here anyway. The pause delays only a message that lands
 * during it, by at most the pause: a consumer that is behind takes large
 * batches and never pauses, and one idle between messages has its pause
 * long over when the next comes.
 */
export class BusySpinWaitStrategy implements WaitStrategy {
  readonly name = 'spin'
  readonly coalesceNs: number
  readonly #clock: Clock
  /** The last wait's wanted and seen sequences: the take they bounded (none yet). */
  #lastWanted = Number.NaN
  #lastSeen = Number.NaN

  constructor(options: BusySpinOptions = {}) {
    this.coalesceNs = options.coalesceNs ?? 1000
    this.#clock = options.clock ?? monotonicClock
  }

  waitFor(words: Int32Array, cursorIndex: number, wanted: number): number {
    // Only a consumer that took everything it saw last time, and that was a few messages.
    if (this.coalesceNs > 0 && wanted === this.#lastSeen + 1 && wanted - this.#lastWanted < SMALL_TAKE) this.#pause()
    for (let i = 0; ; i++) {
      const seen = readCursor(words, cursorIndex, wanted)
      if (seen >= wanted) {
        this.#lastWanted = wanted
        this.#lastSeen = seen
        return seen
      }
      // The closed flag is on another line: look at it rarely.
      if ((i & 1023) === 1023 && isClosed(words)) return readCursor(words, cursorIndex, wanted)
    }
  }

  /** Reads only the clock, which touches no line the producer writes. */
  #pause(): void {
    const until = this.#clock.nowNs() + this.coalesceNs
    while (this.#clock.nowNs() < until) {
      // pausing
    }
  }
}
