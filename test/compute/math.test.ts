import { describe, expect, it } from 'vitest'
import { cholesky } from '../../src/compute/math/cholesky.js'
import { sampleMoments } from '../../src/compute/math/covariance.js'
import { ewmaFilter } from '../../src/compute/math/ewma-filter.js'
import { expectedShortfallSorted, meanAndStdev, quantileSorted, tailWeights } from '../../src/compute/math/sample-stats.js'

describe('quantileSorted', () => {
  const sorted = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)

  it('interpolates between order statistics (type 7)', () => {
    // h = (n - 1) p = 9 p
    expect(quantileSorted(sorted, 0)).toBe(1)
    expect(quantileSorted(sorted, 1)).toBe(10)
    expect(quantileSorted(sorted, 0.5)).toBeCloseTo(5.5, 12) // h = 4.5
    expect(quantileSorted(sorted, 0.05)).toBeCloseTo(1.45, 12) // h = 0.45
    expect(quantileSorted(sorted, 0.95)).toBeCloseTo(9.55, 12) // h = 8.55
    expect(quantileSorted([-3, -1, 4], 0.25)).toBeCloseTo(-2, 12) // h = 0.5
  })

  it('is the value itself for one observation, and refuses nonsense', () => {
    expect(quantileSorted([42], 0.01)).toBe(42)
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError)
    expect(() => quantileSorted(sorted, 1.5)).toThrow(RangeError)
  })
})

describe('expectedShortfallSorted', () => {
  it('averages the worst outcomes, counting a fractional one in part', () => {
    const pnl = Float64Array.of(-10, -6, -2, 0, 1, 2, 3, 4, 5, 6)
    // level 0.8: tail of 2 whole outcomes
    expect(expectedShortfallSorted(pnl, 0.8)).toBeCloseTo(8, 12)
    // level 0.75: tail of 2.5 = -10, -6 and half of -2
    expect(expectedShortfallSorted(pnl, 0.75)).toBeCloseTo((10 + 6 + 1) / 2.5, 12)
    // level 0.975 of 10 outcomes: a quarter of one outcome, the worst
    expect(expectedShortfallSorted(pnl, 0.975)).toBeCloseTo(10, 12)
  })

  it('splits a tail without rounding noise', () => {
    expect(tailWeights(2000, 0.975)).toEqual({ whole: 50, partial: 0, size: 50 })
    expect(tailWeights(10, 0.75)).toEqual({ whole: 2, partial: 0.5, size: 2.5 })
  })
})

describe('meanAndStdev', () => {
  it('matches the textbook sample figures', () => {
    const { mean, stdev } = meanAndStdev([2, 4, 4, 4, 5, 5, 7, 9])
    expect(mean).toBe(5)
    expect(stdev).toBeCloseTo(Math.sqrt(32 / 7), 12)
    expect(meanAndStdev([3])).toEqual({ mean: 3, stdev: 0 })
  })
})

describe('sampleMoments', () => {
  it('gives the mean and the n - 1 covariance', () => {
    const x = Float64Array.of(1, 2, 3, 4)
    const y = Float64Array.of(2, 4, 6, 8)
    const z = Float64Array.of(1, -1, 1, -1)
    const { mean, covariance } = sampleMoments([x, y, z])
    expect([...mean]).toEqual([2.5, 5, 0])
    // x - 2.5 = (-1.5, -0.5, 0.5, 1.5): var x = 5/3, cov(x, y) = 10/3, var y = 20/3,
    // cov(x, z) = (-1.5 + 0.5 + 0.5 - 1.5) / 3 = -2/3, cov(y, z) = -4/3, var z = 4/3
    const expected = [5 / 3, 10 / 3, -2 / 3, 10 / 3, 20 / 3, -4 / 3, -2 / 3, -4 / 3, 4 / 3]
    expected.forEach((v, k) => expect(covariance[k]).toBeCloseTo(v, 12))
  })

  it('refuses series of different lengths or a single observation', () => {
    expect(() => sampleMoments([Float64Array.of(1, 2), Float64Array.of(1)])).toThrow(/series 1/)
    expect(() => sampleMoments([Float64Array.of(1)])).toThrow(RangeError)
  })
})

describe('cholesky', () => {
  const reconstruct = (l: Float64Array, n: number) => {
    const out = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j]! += l[i * n + k]! * l[j * n + k]!
    return out
  }

  it('factors a known 3×3 matrix exactly and reconstructs it', () => {
    // The classic example: L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]
    const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98)
    const l = cholesky(a, 3)
    expect([...l]).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3])
    expect([...reconstruct(l, 3)]).toEqual([...a])
  })

  it('factors a singular covariance (perfectly correlated instruments) with a zero column', () => {
    const a = Float64Array.of(1, 2, 2, 4) // y = 2x
    const l = cholesky(a, 2)
    expect([...l]).toEqual([1, 0, 2, 0])
    expect([...reconstruct(l, 2)]).toEqual([...a])
  })

  it('refuses a matrix that is not positive semi-definite', () => {
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not positive semi-definite/)
    expect(() => cholesky(Float64Array.of(1, 2, 3), 2)).toThrow(RangeError)
  })
})

describe('ewmaFilter', () => {
  it('with decay 1 divides by the sample volatility and keeps it', () => {
    const r = Float64Array.of(0.01, -0.01, 0.01, -0.01)
    const variance = (4 * 0.0001) / 3
    const { residuals, nextVariance } = ewmaFilter(r, 1)
    expect(nextVariance).toBeCloseTo(variance, 18)
    residuals.forEach((z, t) => expect(z).toBeCloseTo(r[t]! / Math.sqrt(variance), 12))
  })

  it('follows σ²[t+1] = λσ²[t] + (1 - λ)r[t]² from the sample variance', () => {
    const r = Float64Array.of(0.02, 0, -0.04)
    const lambda = 0.5
    let v = (0.02 ** 2 + 0 + 0.04 ** 2 - 3 * (-0.02 / 3) ** 2) / 2 // sample variance around the mean -0.02/3
    const expected: number[] = []
    for (const x of r) {
      expected.push(x / Math.sqrt(v))
      v = lambda * v + (1 - lambda) * x * x
    }
    const out = ewmaFilter(r, lambda)
    out.residuals.forEach((z, t) => expect(z).toBeCloseTo(expected[t]!, 12))
    expect(out.nextVariance).toBeCloseTo(v, 18)
  })

  it('gives zero residuals for a series that never moved', () => {
    expect([...ewmaFilter(new Float64Array(5), 0.94).residuals]).toEqual([0, 0, 0, 0, 0])
  })
})
