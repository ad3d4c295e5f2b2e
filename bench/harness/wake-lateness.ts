import { latencyPercentiles, round } from './report.js'
import { sleepMs } from './sleep-ms.js'

/**
 * How late this machine wakes a sleeping thread, probed before and after a
 * suite. Every row bound by wake-ups (park-wake, the barriers, tick-to-order)
 * moves with it, and on a virtual machine it moves with the host: a thread
 * asking to sleep 100 µs wakes 80–100 µs past it at p50 (most of it the
 * kernel's timer slack), and stalls past 1 ms under once a second in a
 * quiet hour, 2–7 times a second for up to 4 ms in a busy one, with nothing
 * else running. The probe says which kind of hour a run's figures come from.
 */
export interface WakeLateness {
  /** The sleep each wake-up asked for. */
  sleepUs: number
  /** How late a wake-up came, past the sleep asked for. */
  p50us: number
  p99us: number
  /** Wake-ups more than 1 ms late, per second of probing. */
  stallsPerSec: number
  longestStallMs: number
}

/** One ms: later than any wake-up this machine gives an idle thread unless something held its core. */
const STALL_NS = 1_000_000

/** Lateness from `lateNs` (each wake-up's delay past its `sleepUs` sleep), over `seconds` of probing. */
export function wakeLatenessOf(lateNs: ArrayLike<number>, seconds: number, sleepUs: number): WakeLateness {
  let stalls = 0
  let longest = 0
  for (let i = 0; i < lateNs.length; i++) {
    const late = lateNs[i]!
    if (late > STALL_NS) stalls++
    if (late > longest) longest = late
  }
  const { p50us, p99us } = latencyPercentiles(lateNs)
  return { sleepUs, p50us: p50us ?? 0, p99us: p99us ?? 0, stallsPerSec: round(stalls / seconds, 1), longestStallMs: stalls === 0 ? 0 : round(longest / 1e6, 1) }
}

/** Sleeps `sleepUs` at a time for `durationMs`, timing each wake-up. */
export function probeWakeLateness(durationMs = 1000, sleepUs = 100, sleep: (ms: number) => void = sleepMs): WakeLateness {
  const lateNs: number[] = []
  const start = performance.now()
  let now = start
  while (now - start < durationMs) {
    const before = now
    sleep(sleepUs / 1000)
    now = performance.now()
    lateNs.push(Math.max(0, (now - before) * 1e6 - sleepUs * 1000))
  }
  return wakeLatenessOf(lateNs, (now - start) / 1000, sleepUs)
}

export function describeWakeLateness(when: string, l: WakeLateness): string {
  const stalls = l.stallsPerSec === 0 ? 'no stall over 1 ms' : `stalls over 1 ms: ${l.stallsPerSec} a second, the longest ${l.longestStallMs} ms`
  return `machine ${when}: a thread asking to sleep ${l.sleepUs} µs woke ${l.p50us} µs past it at p50 (timer slack included), ${l.p99us} µs at p99; ${stalls}`
}
