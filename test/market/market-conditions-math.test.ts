import { describe, expect, it } from 'vitest'
import { ANOMALY, ConditionsTracker } from '../../src/agents/market-conditions/conditions-tracker.js'
import { Xoshiro128, NormalSampler } from '../../src/random/seeded-random.js'
import { confirmRegime } from '../../src/market/regime-confirmation.js'
import { lag1Autocorrelation, returnRegime, varianceRatio } from '../../src/market/return-regime.js'
import { MAX_Z, RollingRobustZ } from '../../src/market/robust-zscore.js'
import { Regime, RegimeConfirmation, Side } from '../../src/schemas/index.js'

/** An AR(1) series r_t = φ r_{t−1} + ε_t, seeded. */
function ar1(phi: number, n: number, sigma = 0.0001, seed = 3): Float64Array {
  const normal = new NormalSampler(Xoshiro128.fromSeed(seed))
  const out = new Float64Array(n)
  let previous = 0
  for (let i = 0; i < n; i++) out[i] = previous = phi * previous + sigma * normal.next()
  return out
}

describe('robust z-score', () => {
  it('scores against the median and MAD of the window before the value', () => {
    const z = new RollingRobustZ(16)
    for (const x of [10, 11, 9, 10, 12, 8, 10, 11]) z.push(x)
    // Window sorted: 8 9 10 10 10 11 11 12 → median 10; |dev| 0 0 0 1 1 1 2 2 → MAD 1.
    expect(z.push(20)).toBeCloseTo(10 / 1.4826, 12)
  })

  it('is not dragged by the outliers it reports, as a mean and stdev would be', () => {
    const z = new RollingRobustZ(32)
    for (let i = 0; i < 24; i++) z.push(100 + (i % 3))
    expect(z.push(1_000)).toBeGreaterThan(100)
    // The next outlier is still an outlier: one extreme value barely moves the median.
    expect(z.push(1_000)).toBeGreaterThan(100)
    expect(Math.abs(z.push(101))).toBeLessThan(2)
  })

  it('falls back to the mean absolute deviation when most of the window is one value, and caps a window with no spread', () => {
    const mostlyFlat = new RollingRobustZ(10)
    for (const x of [5, 5, 5, 5, 5, 5, 5, 9]) mostlyFlat.push(x)
    // median 5, MAD 0, mean |dev| 4/8 = 0.5.
    expect(mostlyFlat.push(6)).toBeCloseTo(1 / (1.253314 * 0.5), 12)
    const flat = new RollingRobustZ(10)
    for (let i = 0; i < 8; i++) flat.push(3)
    expect(flat.push(3)).toBe(0)
    expect(flat.push(4)).toBe(MAX_Z)
  })

  it('scores 0 until it has enough history, and ignores values that are not finite', () => {
    const z = new RollingRobustZ(8)
    expect(z.push(1)).toBe(0)
    expect(z.push(Number.NaN)).toBe(0)
    expect(z.count).toBe(1)
    expect(() => new RollingRobustZ(2)).toThrow('robust z-score window must be a whole number of at least 3, got 2')
  })
})

describe('regime from returns', () => {
  it('reads persistence from autocorrelation and the variance ratio', () => {
    const trending = ar1(0.6, 400)
    const reverting = ar1(-0.6, 400)
    const walk = ar1(0, 400)
    expect(lag1Autocorrelation(trending)).toBeGreaterThan(0.4)
    expect(lag1Autocorrelation(reverting)).toBeLessThan(-0.4)
    expect(varianceRatio(trending, 4)).toBeGreaterThan(1.5)
    expect(varianceRatio(reverting, 4)).toBeLessThan(0.6)
    expect(varianceRatio(walk, 4)).toBeGreaterThan(0.7)
    expect(varianceRatio(walk, 4)).toBeLessThan(1.3)
    expect(returnRegime(trending)).toBe(Regime.Trending)
    expect(returnRegime(reverting)).toBe(Regime.MeanReverting)
    expect(returnRegime(ar1(0, 400, 0.01))).toBe(Regime.HighVolatility)
    expect(returnRegime(trending.subarray(0, 10))).toBe(Regime.Unknown)
    expect(varianceRatio(trending.subarray(0, 7), 4)).toBeNaN()
  })

  it('confirms, disputes, or waits', () => {
    expect(confirmRegime(Regime.Trending, Regime.Trending)).toBe(RegimeConfirmation.Confirmed)
    expect(confirmRegime(Regime.Trending, Regime.MeanReverting)).toBe(RegimeConfirmation.Disputed)
    expect(confirmRegime(Regime.Unknown, Regime.Trending)).toBe(RegimeConfirmation.Pending)
    expect(confirmRegime(Regime.MeanReverting, Regime.Unknown)).toBe(RegimeConfirmation.Pending)
    expect(confirmRegime(Regime.Illiquid, Regime.HighVolatility)).toBe(RegimeConfirmation.Pending)
  })
})

describe('ConditionsTracker', () => {
  it('measures trade-sign imbalance from the aggressor side of each print', () => {
    const t = new ConditionsTracker(1, 1, { alpha: 1, anomalyWindow: 8, anomalyThreshold: 4 })
    t.onQuote(0, 1, 99, 10, 101, 10, 1)
    expect(t.onTrade(0, Side.Buy, 30)).toBe(true)
    expect(t.onTrade(0, Side.Sell, 10)).toBe(true)
    expect(t.onTrade(0, Side.Sell, 0)).toBe(false)
    expect(t.onTrade(5, Side.Buy, 1)).toBe(false)
    t.closeCycle()
    expect(t.conditions(0).tradeSignImbalance).toBe(0.5) // (30 − 10) / 40
  })

  it('flags the measure that jumps, and only that one', () => {
    const t = new ConditionsTracker(1, 1)
    let ts = 0
    const cycle = (updates: number, volume: number, mid: number) => {
      for (let u = 0; u < updates; u++) t.onQuote(0, 1, mid - 1, 10 + (u % 5), mid + 1, 10, ++ts)
      t.onTrade(0, Side.Buy, volume)
      t.closeCycle()
    }
    for (let c = 0; c < 40; c++) cycle(10 + (c % 3), 5 + (c % 4), 10_000 + (c % 2))
    expect(t.conditions(0).anomalies).toBe(0)
    cycle(300, 6, 10_000)
    const burst = t.conditions(0)
    expect(burst.anomalies).toBe(ANOMALY.updateRate)
    expect(burst.updateRateZ).toBeGreaterThan(4)
    expect(burst.anomalyScore).toBe(burst.updateRateZ)
    cycle(11, 500, 10_001)
    expect(t.conditions(0).anomalies).toBe(ANOMALY.volume)
  })
})

describe('robust z-score floor', () => {
  it('does not score a rounding difference in a measure that barely moves as news', () => {
    const z = new RollingRobustZ(16, 0.5)
    for (let i = 0; i < 12; i++) z.push(i % 2 === 0 ? 2 : 1.9998)
    expect(Math.abs(z.push(2.0001))).toBeLessThan(0.01)
    expect(z.push(4)).toBeCloseTo(4, 3) // a real 2 bps widening against a 0.5 bps floor
    expect(() => new RollingRobustZ(8, -1)).toThrow('robust z-score minScale must be at least 0, got -1')
  })
})
