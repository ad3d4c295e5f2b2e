import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'

// An hour, in microseconds: a longer duration is clamped rather than growing the histogram.
const HIGHEST_US = 3_600_000_000

/** Percentiles of recorded durations, in the unit the caller asked for; zeros before the first record. */
export interface LatencySummary {
  count: number
  p50: number
  p99: number
  p999: number
  max: number
  mean: number
}

/**
 * The one latency histogram: an HDR histogram of durations kept in
 * microseconds with three significant digits, fed nanoseconds. Cycles, steps,
 * agents, compute tasks and benchmarks all record through it.
 */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  })

  recordNs(ns: number): void {
    this.#histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ns / 1000))))
  }

  get count(): number {
    return this.#histogram.totalCount
  }

  percentileUs(q: number): number {
    return this.count === 0 ? 0 : this.#histogram.getValueAtPercentile(q)
  }

  percentileMs(q: number): number {
    return this.percentileUs(q) / 1000
  }

  /** Summary in microseconds (`scale` 1) or milliseconds (`scale` 1000). */
  summary(scale: 1 | 1000 = 1): LatencySummary {
    const h = this.#histogram
    if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 }
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / scale,
      p99: h.getValueAtPercentile(99) / scale,
      p999: h.getValueAtPercentile(99.9) / scale,
      max: h.maxValue / scale,
      mean: h.mean / scale,
    }
  }

  reset(): void {
    this.#histogram.reset()
  }

  /**
   * Everything recorded so far, compressed (HDR's own encoding): how a
   * histogram leaves its thread whole, so that a reader can take
   * percentiles over any window of it with `since`.
   */
  encode(): string {
    return encodeIntoCompressedBase64(this.#histogram)
  }

  /** A histogram holding what `encode()` wrote. */
  static decode(encoded: string): LatencyHistogram {
    const histogram = new LatencyHistogram()
    histogram.#histogram.add(decodeFromCompressedBase64(encoded, 32, false))
    return histogram
  }

  /**
   * What this histogram recorded after `earlier`, an earlier state of the
   * same one: e.g. a run's latencies without its warm-up.
   */
  since(earlier: LatencyHistogram): LatencyHistogram {
    const window = new LatencyHistogram()
    window.#histogram.add(this.#histogram)
    window.#histogram.subtract(earlier.#histogram)
    return window
  }
}
