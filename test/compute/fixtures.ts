import { NormalSampler, Xoshiro128 } from '../../src/random/seeded-random.js'
import type { ScenarioSimulationInput } from '../../src/compute/index.js'

/** Independent Gaussian log returns, reproducible from a seed. */
export function gaussianSeries(length: number, sigma: number, seed: number): Float64Array {
  const normal = new NormalSampler(Xoshiro128.fromSeed(seed))
  return Float64Array.from({ length }, () => sigma * normal.next())
}

/** A four-instrument book, long and short, with correlated history. */
export function sampleBook(overrides: Partial<ScenarioSimulationInput> = {}): ScenarioSimulationInput {
  const common = gaussianSeries(250, 0.01, 1)
  const returns = [0, 1, 2, 3].map((i) => {
    const own = gaussianSeries(250, 0.01 * (i + 1), 10 + i)
    return common.map((c, t) => 0.6 * c + own[t]!)
  })
  return {
    method: 'bootstrap',
    returns,
    positions: Float64Array.of(10, -5, 3, 7),
    prices: Float64Array.of(100, 250, 40, 80),
    horizon: 60,
    scenarios: 2000,
    seed: 42,
    ...overrides,
  }
}

/** A series with mean 0 and sample standard deviation exactly `sigma`: ±a alternating (period 2) or in pairs (period 4). */
export function squareWave(length: number, sigma: number, period: 2 | 4): Float64Array {
  const a = sigma * Math.sqrt((length - 1) / length)
  return Float64Array.from({ length }, (_, t) => (Math.floor((t * 2) / period) % 2 === 0 ? a : -a))
}
