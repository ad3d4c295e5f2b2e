import { NormalSampler, Xoshiro128 } from '../../compute/prng.js'
import type { QuoteFields } from '../../market/quote-fields.js'

/** One top-of-book state of an instrument on a venue; the feed stamps the time. */
export type SyntheticQuote = Omit<QuoteFields, 'tsNs'>

/**
 * A seeded market: per instrument a mid price in ticks that follows a random
 * walk whose volatility clusters (GARCH(1,1)-like variance), quoted on each
 * venue with a spread of one or more ticks and random sizes. The same seed
 * gives the same market, on any thread.
 */
export class SyntheticMarket {
  readonly #rng: Xoshiro128
  readonly #normal: NormalSampler
  readonly #mid: Float64Array
  readonly #variance: Float64Array
  readonly #venues: number

  constructor(seed: number, instruments: number, venues: number, startMidTicks = 1_000_000) {
    this.#rng = Xoshiro128.fromSeed(seed)
    this.#normal = new NormalSampler(this.#rng)
    this.#mid = new Float64Array(instruments).map((_, i) => startMidTicks * (1 + i))
    this.#variance = new Float64Array(instruments).fill(4)
    this.#venues = venues
  }

  get instruments(): number {
    return this.#mid.length
  }

  /** Advances every instrument one tick of time and calls `emit` with its quote on each venue. */
  advance(emit: (quote: SyntheticQuote) => void): void {
    for (let i = 0; i < this.#mid.length; i++) {
      const shock = this.#normal.next() * Math.sqrt(this.#variance[i]!)
      // Variance clusters: today's move feeds tomorrow's variance.
      this.#variance[i] = 0.2 + 0.1 * shock * shock + 0.85 * this.#variance[i]!
      this.#mid[i] = Math.max(10, Math.round(this.#mid[i]! + shock))
      for (let v = 1; v <= this.#venues; v++) {
        const halfSpread = 1 + this.#rng.nextBelow(2)
        emit({
          instrumentId: i,
          venueId: v,
          bidPriceTicks: this.#mid[i]! - halfSpread,
          askPriceTicks: this.#mid[i]! + halfSpread,
          bidSizeLots: 1 + this.#rng.nextBelow(500),
          askSizeLots: 1 + this.#rng.nextBelow(500),
        })
      }
    }
  }

  /** Mid prices, to snapshot and restore. */
  get mids(): number[] {
    return Array.from(this.#mid)
  }

  restoreMids(mids: readonly number[]): void {
    mids.forEach((m, i) => {
      if (i < this.#mid.length) this.#mid[i] = m
    })
  }
}
