import { describe, expect, it } from 'vitest'
import { describeWakeLateness, probeWakeLateness, wakeLatenessOf } from '../../bench/harness/wake-lateness.js'

describe('wake lateness', () => {
  it('counts the wake-ups over 1 ms late per second and names the longest', () => {
    const lateNs = [20_000, 30_000, 1_000_000, 1_000_001, 4_500_000, 25_000]
    const l = wakeLatenessOf(lateNs, 2, 100)
    // 1 ms exactly is not a stall; the two past it are, over two seconds.
    expect(l.stallsPerSec).toBe(1)
    expect(l.longestStallMs).toBe(4.5)
    expect(l.p50us).toBeGreaterThanOrEqual(25)
    expect(l.p50us).toBeLessThan(31)
    expect(describeWakeLateness('before', l)).toBe(`machine before: a thread asking to sleep 100 µs woke ${l.p50us} µs past it at p50 (timer slack included), ${l.p99us} µs at p99; stalls over 1 ms: 1 a second, the longest 4.5 ms`)
  })

  it('says so when nothing stalled', () => {
    const l = wakeLatenessOf([10_000, 12_000], 1, 50)
    expect(l).toMatchObject({ stallsPerSec: 0, longestStallMs: 0 })
    expect(describeWakeLateness('after', l)).toMatch(/^machine after: a thread asking to sleep 50 µs woke .* no stall over 1 ms$/)
  })

  it('a probe times each wake-up against the sleep it asked for', () => {
    // Every fourth "sleep" holds the thread 2.5 ms, as a host holding its core would.
    let calls = 0
    const sleep = (ms: number): void => {
      const until = performance.now() + (++calls % 4 === 0 ? 2.5 : ms)
      while (performance.now() < until) {
        // busy: real time passes
      }
    }
    const l = probeWakeLateness(100, 100, sleep)
    expect(l.longestStallMs).toBeGreaterThanOrEqual(2.3)
    expect(l.stallsPerSec).toBeGreaterThan(0)
    // Three wake-ups in four come on time, so the median is not a stall.
    expect(l.p50us).toBeLessThan(1000)
  })
})
