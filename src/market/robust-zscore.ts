/** MAD × this estimates the standard deviation of normal data. */
const MAD_TO_SIGMA = 1.4826
/** Mean absolute deviation × this estimates it. */
const MEAN_AD_TO_SIGMA = 1.253314

/**
 * Robust z-score of each new observation against the last `window` before
 * it: (x − median) / (1.4826 × MAD). Median and MAD ignore the outliers
 * that an anomaly detector exists to find, where a mean and stdev would be
 * dragged by them. Fixed storage; sorting a window of a few dozen values
 * once per cycle is cheaper than any incremental structure.
 */
export class RollingRobustZ {
  readonly window: number
  readonly minScale: number
  readonly #values: Float64Array
  readonly #scratch: Float64Array
  #count = 0
  #next = 0

  /**
   * `minScale` is the smallest deviation that counts as one standard
   * deviation: a measure that barely moves (a spread that is nearly always
   * one tick) would otherwise score a rounding difference as a huge outlier.
   */
  constructor(window: number, minScale = 0) {
    if (!Number.isInteger(window) || window < 3) throw new RangeError(`robust z-score window must be a whole number of at least 3, got ${window}`)
    if (!(minScale >= 0)) throw new RangeError(`robust z-score minScale must be at least 0, got ${minScale}`)
    this.window = window
    this.minScale = minScale
    this.#values = new Float64Array(window)
    this.#scratch = new Float64Array(window)
  }

  /**
   * The z-score of `x` against the window so far (0 until the window holds
   * `minSamples`, and 0 when the window has no spread and x equals its
   * median), then adds `x` to the window. Non-finite values score 0 and are
   * not kept.
   */
  push(x: number, minSamples = Math.min(this.window, 8)): number {
    if (!Number.isFinite(x)) return 0
    const z = this.#count >= minSamples ? this.#score(x) : 0
    this.#values[this.#next] = x
    this.#next = (this.#next + 1) % this.window
    if (this.#count < this.window) this.#count++
    return z
  }

  get count(): number {
    return this.#count
  }

  #score(x: number): number {
    const n = this.#count
    const sorted = this.#scratch.subarray(0, n)
    sorted.set(this.#values.subarray(0, n))
    sorted.sort()
    const median = medianOfSorted(sorted)
    let meanAbsolute = 0
    for (let i = 0; i < n; i++) {
      sorted[i] = Math.abs(sorted[i]! - median)
      meanAbsolute += sorted[i]!
    }
    meanAbsolute /= n
    sorted.sort()
    const mad = medianOfSorted(sorted)
    // When more than half the window is one value MAD is 0: fall back to the
    // mean absolute deviation (Iglewicz and Hoaglin's modified z-score).
    const scale = Math.max(mad > 0 ? MAD_TO_SIGMA * mad : MEAN_AD_TO_SIGMA * meanAbsolute, this.minScale)
    if (scale > 0) return (x - median) / scale
    // No spread at all and no floor: anything different is infinitely unusual; cap it.
    return x === median ? 0 : Math.sign(x - median) * MAX_Z
  }
}

/** The score given to a change from a window with no spread at all. */
export const MAX_Z = 1_000

function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length
  const mid = n >> 1
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
