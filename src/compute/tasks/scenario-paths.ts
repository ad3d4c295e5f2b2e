import { cholesky } from '../math/cholesky.js'
import { sampleMoments } from '../math/covariance.js'
import { ewmaFilter } from '../math/ewma-filter.js'
import { NormalSampler, type Xoshiro128 } from '../../random/seeded-random.js'

/**
 * Path generators. Each returns the cumulative log return of every
 * instrument after `horizon` steps of every scenario: `scenarios × n`,
 * row-major, scenario s instrument i at `s * n + i`.
 */

/**
 * Filtered historical simulation. A step draws one past date and applies that
 * date's residuals to every instrument at once, so cross-instrument
 * dependence (correlation, joint tails) is the one that happened. Each
 * instrument's volatility then moves along the path by the same EWMA
 * recursion the filter used, so a large simulated move raises the next
 * step's volatility.
 */
export function bootstrapPaths(returns: readonly Float64Array[], decay: number, horizon: number, scenarios: number, rng: Xoshiro128): Float64Array {
  const n = returns.length
  const dates = returns[0]!.length
  const residuals = new Float64Array(dates * n) // date-major: one draw reads one contiguous row
  const startVariance = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const filtered = ewmaFilter(returns[i]!, decay)
    for (let t = 0; t < dates; t++) residuals[t * n + i] = filtered.residuals[t]!
    startVariance[i] = filtered.nextVariance
  }
  const cumulative = new Float64Array(scenarios * n)
  const variance = new Float64Array(n)
  for (let s = 0; s < scenarios; s++) {
    variance.set(startVariance)
    const out = s * n
    for (let k = 0; k < horizon; k++) {
      const row = rng.nextBelow(dates) * n
      for (let i = 0; i < n; i++) {
        const r = residuals[row + i]! * Math.sqrt(variance[i]!)
        cumulative[out + i]! += r
        variance[i] = decay * variance[i]! + (1 - decay) * r * r
      }
    }
  }
  return cumulative
}

/**
 * Independent steps from N(μ, Σ) with the sample mean and covariance. The sum
 * of `horizon` such steps is exactly N(h·μ, h·Σ), so a path is drawn as its
 * end point, hμ + √h·L·z with Σ = L·Lᵀ: the same distribution as walking the
 * steps, at one draw per instrument instead of `horizon`.
 */
export function gaussianPaths(returns: readonly Float64Array[], horizon: number, scenarios: number, rng: Xoshiro128): Float64Array {
  const n = returns.length
  const { mean, covariance } = sampleMoments(returns)
  const factor = cholesky(covariance, n)
  const scale = Math.sqrt(horizon)
  const normal = new NormalSampler(rng)
  const z = new Float64Array(n)
  const cumulative = new Float64Array(scenarios * n)
  for (let s = 0; s < scenarios; s++) {
    for (let i = 0; i < n; i++) z[i] = normal.next()
    for (let i = 0; i < n; i++) {
      let shock = 0
      for (let j = 0; j <= i; j++) shock += factor[i * n + j]! * z[j]!
      cumulative[s * n + i] = horizon * mean[i]! + scale * shock
    }
  }
  return cumulative
}
