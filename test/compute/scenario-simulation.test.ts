import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isWavesError } from '../../src/errors/index.js'
import { simulateScenarios, type ScenarioSimulationInput } from '../../src/compute/index.js'
import { gaussianSeries, sampleBook, squareWave } from './fixtures.js'

const Z95 = 1.6448536269514722
const Z99 = 2.3263478740408408
// σ·φ(z)/(1 - α) at α = 0.975: the ES of a standard normal
const ES975_STANDARD = 2.3378027922014396

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected)
}

describe('scenario-simulation', () => {
  it.each(['bootstrap', 'gaussian'] as const)('%s is deterministic for a seed and differs for another', (method) => {
    const a = simulateScenarios(sampleBook({ method }))
    const b = simulateScenarios(sampleBook({ method }))
    const c = simulateScenarios(sampleBook({ method, seed: 43 }))
    expect(b).toStrictEqual(a)
    expect(c.var95).not.toBe(a.var95)
    expect(c.es975).not.toBe(a.es975)
  })

  it('Gaussian VaR and ES of one instrument converge to z·σ·√h·position·price', () => {
    const sigma = 0.001
    const horizon = 16
    const position = 10
    const price = 50
    const out = simulateScenarios({
      method: 'gaussian',
      returns: [squareWave(500, sigma, 2)],
      positions: Float64Array.of(position),
      prices: Float64Array.of(price),
      horizon,
      scenarios: 200_000,
      seed: 7,
    })
    const scale = sigma * Math.sqrt(horizon) * position * price
    // Monte Carlo error is about 0.4% at this size; revaluing e^R - 1 instead of R costs another 0.3%.
    expect(relativeError(out.var95, Z95 * scale)).toBeLessThan(0.015)
    expect(relativeError(out.var99, Z99 * scale)).toBeLessThan(0.015)
    expect(relativeError(out.es975, ES975_STANDARD * scale)).toBeLessThan(0.02)
    expect(relativeError(out.stdev, scale)).toBeLessThan(0.01)
    expect(Math.abs(out.mean)).toBeLessThan(0.01 * scale)
  })

  it('Gaussian VaR of two independent instruments, one short, adds volatilities in quadrature', () => {
    const horizon = 16
    const out = simulateScenarios({
      method: 'gaussian',
      // Orthogonal square waves: the sample covariance is exactly diagonal.
      returns: [squareWave(400, 0.001, 2), squareWave(400, 0.002, 4)],
      positions: Float64Array.of(10, -3),
      prices: Float64Array.of(50, 100),
      horizon,
      scenarios: 200_000,
      seed: 11,
    })
    const portfolioSigma = Math.hypot(500 * 0.001, 300 * 0.002) * Math.sqrt(horizon)
    expect(relativeError(out.var95, Z95 * portfolioSigma)).toBeLessThan(0.015)
    expect(relativeError(out.var99, Z99 * portfolioSigma)).toBeLessThan(0.015)
  })

  describe.each(['bootstrap', 'gaussian'] as const)('%s keeps the joint moves', (method) => {
    const base = gaussianSeries(300, 0.01, 5)
    const esOf = (returns: Float64Array[], positions: number[]) =>
      simulateScenarios({
        method,
        returns,
        positions: Float64Array.from(positions),
        prices: Float64Array.of(100, 60),
        horizon: 10,
        scenarios: 5000,
        seed: 3,
      }).es975

    it('two perfectly correlated instruments: ES of the pair is the sum of their ES', () => {
      const together = [base, base.map((r) => 2 * r)]
      const pair = esOf(together, [4, 3])
      const sum = esOf(together, [4, 0]) + esOf(together, [0, 3])
      expect(relativeError(pair, sum)).toBeLessThan(1e-9)
    })

    it('the same two instruments out of step diversify: ES of the pair is below the sum', () => {
      const shuffled = base.map((_, t) => 2 * base[(t * 7 + 13) % base.length]!)
      const apart = [base, shuffled]
      const pair = esOf(apart, [4, 3])
      const sum = esOf(apart, [4, 0]) + esOf(apart, [0, 3])
      expect(pair).toBeLessThan(0.9 * sum)
    })
  })

  it('bootstrap with decay 1 is a plain historical bootstrap: one step reproduces the worst past return', () => {
    const returns = gaussianSeries(50, 0.01, 9)
    const worstReturn = Math.min(...returns)
    const out = simulateScenarios({
      method: 'bootstrap',
      returns: [returns],
      positions: Float64Array.of(2),
      prices: Float64Array.of(100),
      horizon: 1,
      scenarios: 5000, // every one of 50 dates is drawn, with probability 1 - 50·0.98^5000
      seed: 1,
      decay: 1,
    })
    expect(out.worst.pnl).toBeCloseTo(200 * Math.expm1(worstReturn), 10)
  })

  it('the filter scales the past to today: a recent storm raises VaR above the unfiltered bootstrap', () => {
    const calm = gaussianSeries(230, 0.002, 4)
    const storm = gaussianSeries(20, 0.02, 6)
    const returns = [Float64Array.from([...calm, ...storm])]
    const input: ScenarioSimulationInput = {
      method: 'bootstrap',
      returns,
      positions: Float64Array.of(1),
      prices: Float64Array.of(100),
      horizon: 5,
      scenarios: 5000,
      seed: 2,
    }
    const filtered = simulateScenarios(input)
    const plain = simulateScenarios({ ...input, decay: 1 })
    expect(filtered.var99).toBeGreaterThan(1.5 * plain.var99)
  })

  it('satisfies the identities of its outputs for any book', () => {
    const book = fc.record({
      instruments: fc.integer({ min: 1, max: 4 }),
      method: fc.constantFrom('bootstrap' as const, 'gaussian' as const),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      scenarios: fc.integer({ min: 1, max: 300 }),
      horizon: fc.integer({ min: 1, max: 20 }),
      positions: fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 4, maxLength: 4 }),
    })
    fc.assert(
      fc.property(book, ({ instruments, method, seed, scenarios, horizon, positions }) => {
        const returns = Array.from({ length: instruments }, (_, i) => gaussianSeries(40, 0.005 * (i + 1), seed + i))
        const out = simulateScenarios({
          method,
          returns,
          positions: Float64Array.from(positions.slice(0, instruments)),
          prices: Float64Array.from({ length: instruments }, (_, i) => 10 + i),
          horizon,
          scenarios,
          seed,
        })
        const q = out.pnlQuantiles
        const scale = 1 + Math.abs(out.es975) + Math.abs(out.worst.pnl)
        const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * scale
        const sum = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0)
        return (
          out.worst.pnl <= q.q01 &&
          q.q01 <= q.q05 && q.q05 <= q.q50 && q.q50 <= q.q95 && q.q95 <= q.q99 &&
          near(out.var95, -q.q05) && near(out.var99, -q.q01) &&
          out.es975 >= out.var95 - 1e-9 * scale &&
          out.es975 <= -out.worst.pnl + 1e-9 * scale &&
          near(sum(out.esContribution), out.es975) &&
          near(sum(out.worst.instrumentPnl), out.worst.pnl) &&
          out.stdev >= 0
        )
      }),
      { numRuns: 150, seed: 20240601 },
    )
  })

  describe('validation names the field at fault', () => {
    const cases: [string, Partial<ScenarioSimulationInput> | Record<string, unknown>, RegExp][] = [
      ['method', { method: 'historical' }, /\bmethod\b/],
      ['returns empty', { returns: [] }, /\breturns\b/],
      ['returns not typed', { returns: [[0.1, 0.2]] }, /returns\[0\] must be a Float64Array/],
      ['returns lengths', { returns: [Float64Array.of(0.1, 0.2, 0.3), Float64Array.of(0.1, 0.2)] }, /returns\[1\] has 2 observations/],
      ['returns too short', { returns: [Float64Array.of(0.1)], positions: Float64Array.of(1), prices: Float64Array.of(1) }, /returns needs at least 2/],
      ['returns NaN', { returns: [Float64Array.of(0.1, NaN)], positions: Float64Array.of(1), prices: Float64Array.of(1) }, /returns\[0\]\[1\] must be a finite number/],
      ['positions length', { positions: Float64Array.of(1, 2) }, /positions has 2 entries for 4 instruments/],
      ['positions infinite', { positions: Float64Array.of(1, Infinity, 1, 1) }, /positions\[1\] must be a finite/],
      ['prices not positive', { prices: Float64Array.of(100, 0, 40, 80) }, /prices\[1\] must be > 0/],
      ['horizon', { horizon: 0 }, /\bhorizon must be an integer/],
      ['scenarios', { scenarios: 0 }, /\bscenarios must be an integer/],
      ['scenarios fractional', { scenarios: 10.5 }, /\bscenarios must be an integer/],
      ['seed', { seed: -1 }, /\bseed must be an integer/],
      ['decay', { decay: 0 }, /\bdecay must be in/],
    ]
    it.each(cases)('%s', (_, override, message) => {
      const input = { ...sampleBook({ scenarios: 10 }), ...override } as ScenarioSimulationInput
      let caught: unknown
      try {
        simulateScenarios(input)
      } catch (err) {
        caught = err
      }
      expect(isWavesError(caught, 'ERR_COMPUTE_INPUT')).toBe(true)
      expect((caught as Error).message).toMatch(message)
    })
  })
})
