import { availableParallelism } from 'node:os'
import { configError, problemsFromIssue, type ConfigProblem } from './problems.js'
import {
  DEADLINED_STEPS,
  PRESET_INTERVAL_MS,
  wavesConfigSchema,
  type ResolvedConfig,
  type WavesConfig,
} from './schema.js'

export const DEFAULT_INTERVAL_MS = 1000

export type TriedConfig = { ok: true; config: WavesConfig } | { ok: false; problems: ConfigProblem[] }

/** Validates without throwing, so the loader can report these problems along with its own. */
export function tryResolveConfig(input: unknown): TriedConfig {
  const parsed = wavesConfigSchema.safeParse(input, { reportInput: true })
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap(problemsFromIssue) }
  const p = parsed.data
  const intervalMs = p.cycle.intervalMs ?? (p.cycle.preset === undefined ? DEFAULT_INTERVAL_MS : PRESET_INTERVAL_MS[p.cycle.preset])
  // Sharing 80% of the period among the steps leaves headroom: steps that all
  // run to their deadline still end inside the period.
  const stepDeadlineMs = p.cycle.stepDeadlineMs ?? Math.max(1, Math.floor((intervalMs * 0.8) / DEADLINED_STEPS))
  // Keys go in schema order, computed ones included, so a printed config reads like the schema.
  const agent = <S extends { enabled: boolean; stepDeadlineMs?: number | undefined }>(section: S) => {
    const { enabled, stepDeadlineMs: own, ...rest } = section
    return { enabled, stepDeadlineMs: own ?? stepDeadlineMs, ...rest }
  }
  const { preset, initDeadlineMs, idleBackgroundThreads, memoryReducer } = p.cycle
  const resolved: ResolvedConfig = {
    cycle: { intervalMs, ...(preset === undefined ? {} : { preset }), stepDeadlineMs, initDeadlineMs, idleBackgroundThreads, memoryReducer },
    redis: p.redis ?? null,
    supervision: p.supervision,
    // One core stays free for the main thread driving the cycle.
    compute: { maxThreads: p.compute.maxThreads ?? Math.max(1, availableParallelism() - 1) },
    data_feeds: agent(p.data_feeds),
    market_conditions: agent(p.market_conditions),
    validation: agent(p.validation),
    intelligence: agent(p.intelligence),
    strategy_engine: agent(p.strategy_engine),
    risk_management: agent(p.risk_management),
    execution: agent(p.execution),
    adapters: agent(p.adapters),
    fees_monitor: agent(p.fees_monitor),
    failure_prevention: agent(p.failure_prevention),
    agent_io: agent(p.agent_io),
    core: agent(p.core),
  }
  return { ok: true, config: deepFreeze(resolved) }
}

/**
 * The config `input` describes, with every default and computed value filled
 * in, frozen. Throws `ERR_CONFIG_INVALID` naming every problem at once.
 */
export function resolveConfig(input: unknown): WavesConfig {
  const tried = tryResolveConfig(input)
  if (!tried.ok) throw configError(tried.problems)
  return tried.config
}

/** The config with nothing set. */
export function defaultConfig(): WavesConfig {
  return resolveConfig({})
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
