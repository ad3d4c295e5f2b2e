/**
 * Lower-triangular L with L·Lᵀ = A for a symmetric positive semi-definite
 * n × n matrix (row-major). Sample covariances of instruments that move
 * together exactly, or of one that never moved, are singular: a pivot that is
 * zero up to rounding gets a zero column instead of failing, which is the
 * factor of the same degenerate distribution. A clearly negative pivot means
 * the matrix is not a covariance and throws.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RangeError(`matrix has ${a.length} entries, expected ${n}×${n}`)
  let scale = 0
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + i]!))
  const tolerance = scale * n * 1e-12
  const l = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let pivot = a[j * n + j]!
    for (let k = 0; k < j; k++) pivot -= l[j * n + k]! ** 2
    if (pivot < -tolerance) throw new RangeError(`matrix is not positive semi-definite (pivot ${pivot} at ${j})`)
    if (pivot <= tolerance) continue // degenerate direction: column j stays zero
    const d = Math.sqrt(pivot)
    l[j * n + j] = d
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!
      l[i * n + j] = s / d
    }
  }
  return l
}
