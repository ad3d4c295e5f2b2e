import { describe, expect, it } from 'vitest'
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js'

describe('latency histogram', () => {
  it('keeps microseconds from nanoseconds, clamped to at least 1 µs', () => {
    const h = new LatencyHistogram()
    for (const ns of [200, 1_000, 2_000, 3_000, 1_000_000]) h.recordNs(ns)
    expect(h.count).toBe(5)
    expect(h.summary()).toMatchObject({ count: 5, p50: 2, max: 1_000 })
    expect(h.percentileUs(0)).toBe(1)
  })

  it('crosses a thread boundary whole: decode(encode()) has the same counts', () => {
    const h = new LatencyHistogram()
    for (let k = 1; k <= 10_000; k++) h.recordNs(k * 1_337)
    const copy = LatencyHistogram.decode(h.encode())
    const { max, ...rest } = h.summary()
    expect(copy.summary()).toMatchObject(rest)
    // The largest value comes back as its bucket's highest: within the three significant digits kept.
    expect(Math.abs(copy.summary().max - max) / max).toBeLessThan(1e-3)
    for (const q of [1, 25, 50, 90, 99, 99.9, 100]) expect(copy.percentileUs(q)).toBe(h.percentileUs(q))
  })

  it('gives what was recorded after an earlier state of itself, and nothing before it', () => {
    const live = new LatencyHistogram()
    // A slow warm-up, then a fast steady state.
    for (let k = 0; k < 500; k++) live.recordNs(5_000_000 + k * 1_000)
    const warm = LatencyHistogram.decode(live.encode())
    const steady = new LatencyHistogram()
    for (let k = 0; k < 20_000; k++) {
      const ns = 20_000 + (k % 400) * 250
      live.recordNs(ns)
      steady.recordNs(ns)
    }
    const window = LatencyHistogram.decode(live.encode()).since(warm)
    expect(window.count).toBe(20_000)
    expect(window.summary()).toEqual(steady.summary())
    // With the warm-up in, its 500 slow samples are the p99.
    expect(live.percentileUs(99)).toBeGreaterThan(4_000)
    expect(window.percentileUs(99)).toBeLessThan(200)
  })
})
