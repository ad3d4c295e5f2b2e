import { expectedShortfallSorted, meanAndStdev, quantileSorted, tailWeights } from '../math/sample-stats.js'
import { Xoshiro128 } from '../../random/seeded-random.js'
import { bootstrapPaths, gaussianPaths } from './scenario-paths.js'
import { DEFAULT_DECAY, validateScenarioInput, type ScenarioSimulationInput, type SimulationMethod } from './scenario-input.js'

export type { ScenarioSimulationInput, SimulationMethod } from './scenario-input.js'

/** Quantiles of portfolio PnL at the horizon (negative is a loss). */
export interface PnlQuantiles {
  q01: number
  q05: number
  q50: number
  q95: number
  q99: number
}

export interface WorstScenario {
  scenario: number
  pnl: number
  instrumentPnl: Float64Array
}

/**
 * Risk figures are positive numbers for losses: VaR 95 is minus the 5% PnL
 * quantile (so it goes negative if even that tail is a gain).
 */
export interface ScenarioSimulationOutput {
  method: SimulationMethod
  scenarios: number
  horizon: number
  pnlQuantiles: PnlQuantiles
  var95: number
  var99: number
  es975: number
  mean: number
  stdev: number
  worst: WorstScenario
  /** Euler allocation of ES 97.5 per instrument: minus its mean PnL over the ES tail; sums to `es975`. */
  esContribution: Float64Array
  /** ∂ES/∂position per lot of each instrument (defined for a zero position too); contribution = position × marginal. */
  esMarginal: Float64Array
}

const ES_LEVEL = 0.975

/**
 * Portfolio PnL at `horizon` steps over `scenarios` simulated paths. Pure:
 * the output depends only on the input, seed included. Positions are
 * revalued exactly from log returns, PnL = lots · price · (e^R - 1), so a
 * large move is not understated by a linear approximation.
 */
export function simulateScenarios(input: ScenarioSimulationInput): ScenarioSimulationOutput {
  validateScenarioInput(input)
  const { method, returns, positions, prices, horizon, scenarios, seed } = input
  const n = returns.length
  const rng = Xoshiro128.fromSeed(seed)
  const cumulative =
    method === 'bootstrap'
      ? bootstrapPaths(returns, input.decay ?? DEFAULT_DECAY, horizon, scenarios, rng)
      : gaussianPaths(returns, horizon, scenarios, rng)

  // The path buffer is reused in place: each cumulative log return becomes the
  // PnL of one lot, which the ES allocation needs per instrument.
  const perLot = cumulative
  const pnl = new Float64Array(scenarios)
  for (let s = 0; s < scenarios; s++) {
    let total = 0
    for (let i = 0; i < n; i++) {
      const lotPnl = prices[i]! * Math.expm1(cumulative[s * n + i]!)
      perLot[s * n + i] = lotPnl
      total += positions[i]! * lotPnl
    }
    pnl[s] = total
  }

  // Ties broken by scenario number so the tail set, and every figure, is reproducible.
  const order = new Uint32Array(scenarios)
  for (let s = 0; s < scenarios; s++) order[s] = s
  order.sort((a, b) => pnl[a]! - pnl[b]! || a - b)
  const sorted = new Float64Array(scenarios)
  for (let j = 0; j < scenarios; j++) sorted[j] = pnl[order[j]!]!

  const esMarginal = tailMeanLoss(perLot, order, n, ES_LEVEL)
  const esContribution = new Float64Array(n)
  for (let i = 0; i < n; i++) esContribution[i] = positions[i]! * esMarginal[i]!

  const worstScenario = order[0]!
  const worstPnl = new Float64Array(n)
  for (let i = 0; i < n; i++) worstPnl[i] = positions[i]! * perLot[worstScenario * n + i]!

  const { mean, stdev } = meanAndStdev(pnl)
  return {
    method,
    scenarios,
    horizon,
    pnlQuantiles: {
      q01: quantileSorted(sorted, 0.01),
      q05: quantileSorted(sorted, 0.05),
      q50: quantileSorted(sorted, 0.5),
      q95: quantileSorted(sorted, 0.95),
      q99: quantileSorted(sorted, 0.99),
    },
    var95: -quantileSorted(sorted, 0.05),
    var99: -quantileSorted(sorted, 0.01),
    es975: expectedShortfallSorted(sorted, ES_LEVEL),
    mean,
    stdev,
    worst: { scenario: worstScenario, pnl: sorted[0]!, instrumentPnl: worstPnl },
    esContribution,
    esMarginal,
  }
}

/** Minus the tail-weighted mean of each column over the worst scenarios, with the weights of the ES itself. */
function tailMeanLoss(values: Float64Array, order: Uint32Array, n: number, level: number): Float64Array {
  const { whole, partial, size } = tailWeights(order.length, level)
  const out = new Float64Array(n)
  for (let j = 0; j <= whole && j < order.length; j++) {
    const weight = j < whole ? 1 : partial
    if (weight === 0) continue
    const row = order[j]! * n
    for (let i = 0; i < n; i++) out[i]! -= weight * values[row + i]!
  }
  for (let i = 0; i < n; i++) out[i]! /= size
  return out
}
