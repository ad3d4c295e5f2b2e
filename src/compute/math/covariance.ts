/**
 * Sample moments of aligned series: `series[i][t]` is instrument i at time t,
 * every series the same length (at least 2).
 */
export interface SampleMoments {
  mean: Float64Array
  /** n × n, row-major, n - 1 denominator. */
  covariance: Float64Array
}

export function sampleMoments(series: readonly Float64Array[]): SampleMoments {
  const n = series.length
  const length = series[0]?.length ?? 0
  if (length < 2) throw new RangeError(`covariance needs at least 2 observations, got ${length}`)
  const mean = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = series[i]!
    if (s.length !== length) throw new RangeError(`series ${i} has ${s.length} observations, series 0 has ${length}`)
    let sum = 0
    for (let t = 0; t < length; t++) sum += s[t]!
    mean[i] = sum / length
  }
  const covariance = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const si = series[i]!
    const mi = mean[i]!
    for (let j = 0; j <= i; j++) {
      const sj = series[j]!
      const mj = mean[j]!
      let sum = 0
      for (let t = 0; t < length; t++) sum += (si[t]! - mi) * (sj[t]! - mj)
      const c = sum / (length - 1)
      covariance[i * n + j] = c
      covariance[j * n + i] = c
    }
  }
  return { mean, covariance }
}
