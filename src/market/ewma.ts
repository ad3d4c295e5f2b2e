export interface EwmaState {
  mean: number
  variance: number
  count: number
}

/**
 * Exponentially weighted mean and variance, updated per observation with
 * weight `alpha` on the newest (West's incremental form): no window to keep.
 */
export class Ewma {
  readonly alpha: number
  mean = 0
  variance = 0
  count = 0

  constructor(alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`EWMA alpha must be in (0, 1], got ${alpha}`)
    this.alpha = alpha
  }

  update(x: number): void {
    if (this.count === 0) {
      this.mean = x
      this.variance = 0
    } else {
      const diff = x - this.mean
      const increment = this.alpha * diff
      this.mean += increment
      this.variance = (1 - this.alpha) * (this.variance + diff * increment)
    }
    this.count++
  }

  /** Its state, plain data, for a snapshot. */
  state(): EwmaState {
    return { mean: this.mean, variance: this.variance, count: this.count }
  }

  /** Goes on from a snapshot's state. */
  restore(state: EwmaState): void {
    this.mean = state.mean
    this.variance = state.variance
    this.count = state.count
  }

  get stdev(): number {
    return Math.sqrt(this.variance)
  }
}
