/**
 * Order statistics of a simulated sample. Inputs are sorted ascending, so a
 * caller sorts once and reads every quantile and the tail from one array.
 */

/** The p-quantile by linear interpolation between order statistics (Hyndman-Fan type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) throw new RangeError('quantile of an empty sample')
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${p}`)
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const below = sorted[lo]!
  return lo + 1 < n ? below + (h - lo) * (sorted[lo + 1]! - below) : below
}

/**
 * How the worst `n·(1 - level)` outcomes enter an expected shortfall: the
 * `whole` smallest with weight 1, the next with weight `partial`, all divided
 * by `size`. Fractional tails keep ES continuous in n and exact at n = 1
 * (Acerbi and Tasche); the same weights give per-instrument contributions
 * that add up to the ES.
 */
export interface TailWeights {
  whole: number
  partial: number
  size: number
}

export function tailWeights(n: number, level: number): TailWeights {
  if (!(level > 0 && level < 1)) throw new RangeError(`tail level must be in (0, 1), got ${level}`)
  // Rounded so that 2000 * (1 - 0.975) is 50, not 50.00000000000004.
  const size = Math.round(n * (1 - level) * 1e9) / 1e9
  const whole = Math.floor(size)
  return { whole, partial: size - whole, size }
}

/** Expected shortfall at `level` of an ascending PnL sample, as a positive loss. */
export function expectedShortfallSorted(sortedPnl: ArrayLike<number>, level: number): number {
  const n = sortedPnl.length
  if (n === 0) throw new RangeError('expected shortfall of an empty sample')
  const { whole, partial, size } = tailWeights(n, level)
  let sum = 0
  for (let j = 0; j < whole; j++) sum += sortedPnl[j]!
  if (partial > 0) sum += partial * sortedPnl[whole]!
  return -sum / size
}

/** Mean and sample standard deviation (n - 1 denominator; 0 for one value), in one pass (Welford). */
export function meanAndStdev(values: ArrayLike<number>): { mean: number; stdev: number } {
  const n = values.length
  if (n === 0) throw new RangeError('mean of an empty sample')
  let mean = 0
  let m2 = 0
  for (let i = 0; i < n; i++) {
    const x = values[i]!
    const delta = x - mean
    mean += delta / (i + 1)
    m2 += delta * (x - mean)
  }
  return { mean, stdev: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0 }
}
