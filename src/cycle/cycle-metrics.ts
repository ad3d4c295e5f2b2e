import { LatencyHistogram } from '../metrics/latency-histogram.js'
import type { Overrun } from './overrun.js'

export interface CycleMetricsSnapshot {
  totalCycles: number
  successfulCycles: number
  failedCycles: number
  /** Cycles stop cut short: neither successful nor failed, and not in `totalCycles`. */
  abortedCycles: number
  overruns: number
  /** The latest overrun and what made it: a late start, or which step ran long. */
  lastOverrun: Overrun | undefined
  /** Interval boundaries skipped because a cycle ran over them. */
  skippedCycles: number
  crashes: number
  /** Whole books asked of data_feeds because a reader of the market ring was restarted. */
  bookResyncs: number
  cycleMs: { p50: number; p99: number; max: number }
  /** How late cycles began after their interval boundary: a busy event loop or a late timer shows here first. */
  startLagMs: { p50: number; p99: number; max: number }
  steps: Record<string, { count: number; p50Ms: number; p99Ms: number }>
}

/** Counts and latency histograms of the cycle, kept on the main thread. */
export class CycleMetrics {
  totalCycles = 0
  successfulCycles = 0
  failedCycles = 0
  abortedCycles = 0
  overruns = 0
  lastOverrun: Overrun | undefined
  skippedCycles = 0
  crashes = 0
  bookResyncs = 0
  readonly cycle = new LatencyHistogram()
  readonly startLag = new LatencyHistogram()
  readonly #steps = new Map<string, LatencyHistogram>()

  recordStep(step: string, elapsedNs: number): void {
    let histogram = this.#steps.get(step)
    if (!histogram) {
      histogram = new LatencyHistogram()
      this.#steps.set(step, histogram)
    }
    histogram.recordNs(elapsedNs)
  }

  recordCycle(elapsedNs: number, healthy: boolean): void {
    this.totalCycles++
    if (healthy) this.successfulCycles++
    else this.failedCycles++
    this.cycle.recordNs(elapsedNs)
  }

  recordStartLag(lagNs: number): void {
    this.startLag.recordNs(Math.max(0, lagNs))
  }

  /** A cycle stop cut short: its time says nothing about the cycle, so only its count is kept. */
  recordAborted(): void {
    this.abortedCycles++
  }

  recordOverrun(overrun: Overrun): void {
    this.overruns++
    this.skippedCycles += overrun.skipped
    this.lastOverrun = overrun
  }

  /** Starts the latency histograms afresh (after a warm-up, say); counts are kept. */
  resetLatencies(): void {
    this.cycle.reset()
    this.startLag.reset()
    for (const histogram of this.#steps.values()) histogram.reset()
  }

  snapshot(): CycleMetricsSnapshot {
    const cycle = this.cycle.summary(1000)
    const lag = this.startLag.summary(1000)
    return {
      totalCycles: this.totalCycles,
      successfulCycles: this.successfulCycles,
      failedCycles: this.failedCycles,
      abortedCycles: this.abortedCycles,
      overruns: this.overruns,
      lastOverrun: this.lastOverrun,
      skippedCycles: this.skippedCycles,
      crashes: this.crashes,
      bookResyncs: this.bookResyncs,
      cycleMs: { p50: cycle.p50, p99: cycle.p99, max: cycle.max },
      startLagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
      steps: Object.fromEntries([...this.#steps].map(([name, h]) => [name, { count: h.count, p50Ms: h.percentileMs(50), p99Ms: h.percentileMs(99) }])),
    }
  }
}
