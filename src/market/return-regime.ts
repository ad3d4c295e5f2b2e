import { Regime } from '../schemas/index.js'

/** Lag-1 autocorrelation of a return series (0 for fewer than 3 returns or no variance). */
export function lag1Autocorrelation(returns: ArrayLike<number>): number {
  const n = returns.length
  if (n < 3) return 0
  let mean = 0
  for (let i = 0; i < n; i++) mean += returns[i]!
  mean /= n
  let numerator = 0
  let denominator = 0
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - mean
    denominator += d * d
    if (i > 0) numerator += d * (returns[i - 1]! - mean)
  }
  return denominator > 0 ? numerator / denominator : 0
}

/**
 * Lo–MacKinlay variance ratio: the variance of overlapping q-period returns
 * over q times the one-period variance. A random walk gives 1; persistent
 * moves (trending) push it above, reversals (mean reversion) below.
 * NaN when the series is too short for q.
 */
export function varianceRatio(returns: ArrayLike<number>, q: number): number {
  const n = returns.length
  if (q < 2 || n < q * 2) return NaN
  let mean = 0
  for (let i = 0; i < n; i++) mean += returns[i]!
  mean /= n
  let var1 = 0
  for (let i = 0; i < n; i++) var1 += (returns[i]! - mean) ** 2
  var1 /= n - 1
  if (!(var1 > 0)) return NaN
  let varQ = 0
  let windowSum = 0
  for (let i = 0; i < n; i++) {
    windowSum += returns[i]!
    if (i >= q) windowSum -= returns[i - q]!
    if (i >= q - 1) varQ += (windowSum - q * mean) ** 2
  }
  varQ /= n - q + 1
  return varQ / (q * var1)
}

export interface ReturnRegimeThresholds {
  /** Fewest returns to read a regime from. */
  minReturns: number
  /** Variance ratio above 1 + this is trending, below 1 − this mean-reverting. */
  varianceRatioBand: number
  /** Per-period return stdev (as a fraction) at or above which the regime is high volatility. */
  highVolatility: number
}

export const DEFAULT_RETURN_REGIME_THRESHOLDS: ReturnRegimeThresholds = Object.freeze({ minReturns: 30, varianceRatioBand: 0.2, highVolatility: 0.0015 })

/**
 * The regime a return series shows on its own, without the book: high
 * volatility first (it dominates whatever else moves), then the variance
 * ratio's verdict. A band around 1 is left as mean-reverting, the quiet
 * default of a market that does not trend. Unknown below `minReturns`.
 */
export function returnRegime(returns: ArrayLike<number>, q = 4, t: ReturnRegimeThresholds = DEFAULT_RETURN_REGIME_THRESHOLDS): Regime {
  const n = returns.length
  if (n < t.minReturns) return Regime.Unknown
  let mean = 0
  for (let i = 0; i < n; i++) mean += returns[i]!
  mean /= n
  let variance = 0
  for (let i = 0; i < n; i++) variance += (returns[i]! - mean) ** 2
  if (Math.sqrt(variance / (n - 1)) >= t.highVolatility) return Regime.HighVolatility
  const ratio = varianceRatio(returns, q)
  if (ratio > 1 + t.varianceRatioBand) return Regime.Trending
  return Regime.MeanReverting
}
