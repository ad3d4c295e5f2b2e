/**
 * The volatility filter of filtered historical simulation (Barone-Adesi et
 * al.): returns divided by their EWMA volatility at the time become residuals
 * of comparable size across calm and stressed periods; scaled by today's
 * volatility they describe tomorrow. With decay 1 the volatility never moves
 * and the filter reduces to a plain historical bootstrap.
 */
export interface FilteredSeries {
  /** r[t] / σ[t], 0 where σ[t] is 0. */
  residuals: Float64Array
  /** The one-step-ahead variance after the last observation. */
  nextVariance: number
}

/**
 * σ²[0] is the sample variance of the whole series (a seed that does not
 * depend on the first few returns), then σ²[t+1] = λ·σ²[t] + (1 - λ)·r[t]².
 */
export function ewmaFilter(returns: Float64Array, decay: number): FilteredSeries {
  if (!(decay > 0 && decay <= 1)) throw new RangeError(`EWMA decay must be in (0, 1], got ${decay}`)
  const n = returns.length
  let mean = 0
  for (let t = 0; t < n; t++) mean += returns[t]!
  mean /= n
  let variance = 0
  for (let t = 0; t < n; t++) variance += (returns[t]! - mean) ** 2
  variance = n > 1 ? variance / (n - 1) : 0
  const residuals = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const r = returns[t]!
    residuals[t] = variance > 0 ? r / Math.sqrt(variance) : 0
    variance = decay * variance + (1 - decay) * r * r
  }
  return { residuals, nextVariance: variance }
}
