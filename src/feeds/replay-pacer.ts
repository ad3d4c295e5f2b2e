import type { Clock } from '../clock/clock.js'
import type { ReplayPace } from './feed-source.js'

/** Waits about `ms` milliseconds; replaceable so tests can move a ManualClock instead. */
export type Sleep = (ms: number) => Promise<void>

export const timerSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Puts a recording's timeline onto the engine's clock. The first event
 * recorded lands at the clock's time when the replay starts; each later one
 * `offset / speed` after it, where offset is its distance in recorded time
 * from the first. At 'recorded' pace the pacer waits until the clock reaches
 * that time; at 'fast' pace it never waits and stamps the unscaled offset,
 * so the replayed timeline keeps the recording's gaps either way.
 *
 * Targets are absolute, so sleeping late never accumulates into drift.
 */
export class ReplayPacer {
  readonly pace: ReplayPace
  readonly #clock: Clock
  readonly #sleep: Sleep
  #originNs = NaN
  /** Total waited, ns of the clock: for tests and reports. */
  waitedNs = 0

  constructor(pace: ReplayPace, clock: Clock, sleep: Sleep = timerSleep) {
    if (pace.mode === 'recorded' && !(pace.speed > 0 && Number.isFinite(pace.speed))) {
      throw new RangeError(`replay speed must be a positive finite factor, got ${pace.speed}`)
    }
    this.pace = pace
    this.#clock = clock
    this.#sleep = sleep
  }

  /** The clock time of an event `offsetNs` after the first recorded one. */
  tsNsOf(offsetNs: number): number {
    if (Number.isNaN(this.#originNs)) this.#originNs = this.#clock.nowNs()
    return this.pace.mode === 'recorded' ? this.#originNs + offsetNs / this.pace.speed : this.#originNs + offsetNs
  }

  /**
   * Resolves once the clock has reached `tsNs` (at once at fast pace).
   * `stopped` is asked after every sleep so a stop is never held up by a long gap.
   */
  async waitFor(tsNs: number, stopped: () => boolean): Promise<void> {
    if (this.pace.mode === 'fast') return
    for (let now = this.#clock.nowNs(); now < tsNs && !stopped(); now = this.#clock.nowNs()) {
      // Sleep in slices of at most a second, so a stop is seen promptly.
      const ms = Math.min(1000, (tsNs - now) / 1e6)
      const before = now
      await this.#sleep(ms)
      this.waitedNs += this.#clock.nowNs() - before
    }
  }
}
