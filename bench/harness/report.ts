import { LatencyHistogram } from '../../src/metrics/latency-histogram.js'
import { cpus } from 'node:os'

/** One line of a suite's result. A figure a row does not measure is null. */
export interface BenchRow {
  name: string
  msgsPerSec: number | null
  p50us: number | null
  p99us: number | null
  p999us: number | null
}

export interface BenchDocument {
  suite: string
  rows: BenchRow[]
  ratios: Record<string, number>
}

export interface BenchOptions {
  json: boolean
  /** Repetitions of each throughput measurement; the median is reported. */
  runs: number
  /** Fewer messages and samples: for a smoke run, not for figures. */
  quick: boolean
  /** Run only the rows whose name contains this text. */
  only?: string
}

/** Whether a row is wanted in this run. */
export function wants(options: BenchOptions, rowName: string): boolean {
  return options.only === undefined || rowName.includes(options.only)
}

/** a / b rounded, or nothing when either row did not run. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : round(a / b, 2)
}

/**
 * The median of the ratios of runs taken side by side: `a[i] / b[i]` for
 * each round `i`, rounded; nothing when either contender did not run. Where
 * the machine changes state within seconds, two rows' medians can come from
 * different states; each pair of runs a round apart cannot.
 */
export function pairedRatio(a: readonly number[] | undefined, b: readonly number[] | undefined): number | undefined {
  if (a === undefined || b === undefined || a.length === 0) return undefined
  if (a.length !== b.length) throw new RangeError(`paired runs must pair up: ${a.length} against ${b.length}`)
  return round(median(a.map((x, i) => x / b[i]!)), 2)
}

/** Percentiles of latency samples (nanoseconds) through an HDR histogram, in microseconds. */
export function latencyPercentiles(samplesNs: ArrayLike<number>): Pick<BenchRow, 'p50us' | 'p99us' | 'p999us'> {
  const histogram = new LatencyHistogram()
  for (let i = 0; i < samplesNs.length; i++) histogram.recordNs(samplesNs[i]!)
  const s = histogram.summary()
  return { p50us: round(s.p50), p99us: round(s.p99), p999us: round(s.p999) }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Fails the benchmark, loudly, when a contender's computed result is wrong: a broken run must not report a number. */
export function failIfNot(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`benchmark result check failed: ${message}`)
}

export function warnAboutCores(): void {
  const cores = cpus().length
  if (cores < 4) {
    process.stderr.write(`note: ${cores} cores; a producer and a busy consumer take the whole machine, so figures include scheduler noise\n`)
  }
}

export function printDocument(doc: BenchDocument, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(doc)}\n`)
    return
  }
  const fmt = (x: number | null, digits = 1): string => (x === null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits }))
  const nameWidth = Math.max(...doc.rows.map((r) => r.name.length), 4)
  const lines = [`suite: ${doc.suite}`, `${'name'.padEnd(nameWidth)}  ${'msgs/s'.padStart(14)}  ${'p50 µs'.padStart(10)}  ${'p99 µs'.padStart(10)}  ${'p99.9 µs'.padStart(10)}`]
  for (const r of doc.rows) {
    lines.push(`${r.name.padEnd(nameWidth)}  ${fmt(r.msgsPerSec, 0).padStart(14)}  ${fmt(r.p50us).padStart(10)}  ${fmt(r.p99us).padStart(10)}  ${fmt(r.p999us).padStart(10)}`)
  }
  lines.push('ratios:')
  for (const [k, v] of Object.entries(doc.ratios)) lines.push(`  ${k.padEnd(nameWidth + 16)} ${v.toFixed(2)}×`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
