import { build, type Histogram } from 'hdr-histogram-js'

/** Percentiles of task run time in microseconds; zeros before the first task. */
export interface RunTimeSummary {
  count: number
  p50: number
  p99: number
  max: number
  mean: number
}

// An hour: a task running longer is clamped rather than growing the histogram.
const HIGHEST_US = 3_600_000_000

/**
 * Task run times on the pool threads. Piscina's own histogram rounds to whole
 * milliseconds, too coarse for tasks that take a few; this one keeps three
 * significant digits of microseconds.
 */
export class RunTimeHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  })

  recordNs(ns: number): void {
    this.#histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ns / 1000))))
  }

  summary(): RunTimeSummary {
    const h = this.#histogram
    if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 }
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50),
      p99: h.getValueAtPercentile(99),
      max: h.maxValue,
      mean: Math.round(h.mean),
    }
  }
}
