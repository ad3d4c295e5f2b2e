import { build, type Histogram } from 'hdr-histogram-js'

/**
 * An HDR histogram of durations recorded in microseconds, read back in
 * milliseconds: the one way cycle, step and agent latencies are kept.
 */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  })

  recordNs(ns: number): void {
    this.#histogram.recordValue(Math.max(1, Math.min(3_600_000_000, Math.round(ns / 1000))))
  }

  get count(): number {
    return this.#histogram.totalCount
  }

  /** Percentile in milliseconds, 0 when nothing was recorded. */
  percentileMs(q: number): number {
    return this.count === 0 ? 0 : this.#histogram.getValueAtPercentile(q) / 1000
  }

  summary(): { count: number; p50Ms: number; p99Ms: number; maxMs: number } {
    return { count: this.count, p50Ms: this.percentileMs(50), p99Ms: this.percentileMs(99), maxMs: this.count === 0 ? 0 : this.#histogram.maxValue / 1000 }
  }

  reset(): void {
    this.#histogram.reset()
  }
}
