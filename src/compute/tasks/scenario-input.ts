import { WavesError } from '../../errors/index.js'
import { MAX_SEED } from '../../random/seeded-random.js'

export type SimulationMethod = 'bootstrap' | 'gaussian'

export interface ScenarioSimulationInput {
  /**
   * `bootstrap`: filtered historical simulation, resampling whole dates (rows
   * across every instrument) so the joint moves are kept. `gaussian`: a
   * multivariate normal with the sample mean and covariance of `returns`.
   */
  method: SimulationMethod
  /** Per instrument, recent one-step log returns, aligned in time, at least 2 each. */
  returns: Float64Array[]
  /** Per instrument, the position in lots (negative for short). */
  positions: Float64Array
  /** Per instrument, the current price of one lot (> 0). */
  prices: Float64Array
  /** Steps ahead, in the sampling interval of `returns`. */
  horizon: number
  scenarios: number
  /** An integer in [0, 2^32): the same seed and input give the same output. */
  seed: number
  /** EWMA decay of the bootstrap's volatility filter, in (0, 1]; default 0.94, 1 for an unfiltered bootstrap. */
  decay?: number
}

/** Memory is scenarios × instruments doubles: a cap keeps one request from taking a worker's heap. */
export const MAX_SCENARIOS = 1_000_000
export const DEFAULT_DECAY = 0.94

/** Checks everything a caller on another thread could get wrong; throws ERR_COMPUTE_INPUT naming the field. */
export function validateScenarioInput(input: ScenarioSimulationInput): void {
  if (typeof input !== 'object' || input === null) fail('input', 'must be an object', input)
  const { method, returns, positions, prices, horizon, scenarios, seed, decay } = input
  if (method !== 'bootstrap' && method !== 'gaussian') fail('method', "must be 'bootstrap' or 'gaussian'", method)
  if (!Array.isArray(returns) || returns.length === 0) fail('returns', 'must be a non-empty array of Float64Array, one per instrument', returns)
  const instruments = returns.length
  const length = returns[0] instanceof Float64Array ? returns[0].length : -1
  for (let i = 0; i < instruments; i++) {
    const series = returns[i]
    if (!(series instanceof Float64Array)) fail(`returns[${i}]`, 'must be a Float64Array', series)
    if (series.length !== length) fail(`returns[${i}]`, `has ${series.length} observations, returns[0] has ${length}`, series.length)
    requireFinite(`returns[${i}]`, series)
  }
  if (length < 2) fail('returns', 'needs at least 2 observations per instrument', length)
  requireVector('positions', positions, instruments)
  requireVector('prices', prices, instruments)
  for (let i = 0; i < instruments; i++) {
    if (!(prices[i]! > 0)) fail(`prices[${i}]`, 'must be > 0', prices[i])
  }
  requireInteger('horizon', horizon, 1, Number.MAX_SAFE_INTEGER)
  requireInteger('scenarios', scenarios, 1, MAX_SCENARIOS)
  requireInteger('seed', seed, 0, MAX_SEED)
  if (decay !== undefined && !(typeof decay === 'number' && decay > 0 && decay <= 1)) fail('decay', 'must be in (0, 1]', decay)
}

function requireVector(field: string, value: unknown, instruments: number): asserts value is Float64Array {
  if (!(value instanceof Float64Array)) fail(field, 'must be a Float64Array', value)
  if (value.length !== instruments) fail(field, `has ${value.length} entries for ${instruments} instruments`, value.length)
  requireFinite(field, value)
}

function requireFinite(field: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) fail(`${field}[${i}]`, 'must be a finite number', values[i])
  }
}

function requireInteger(field: string, value: unknown, min: number, max: number): void {
  if (!(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
    fail(field, `must be an integer in [${min}, ${max}]`, value)
  }
}

function fail(field: string, problem: string, value: unknown): never {
  const shown = typeof value === 'number' || typeof value === 'string' ? value : describe(value)
  throw new WavesError('ERR_COMPUTE_INPUT', `scenario-simulation: ${field} ${problem} (got ${String(shown)})`, { field, value: shown })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return value.constructor?.name ?? 'object'
  return typeof value
}
