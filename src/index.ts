/**
 * waves: the public API. `new TradingEngineCycle(config)`, `await startCycle()`,
 * `getCycleStatus()`, `await stopCycle()`; the agents, config, rings, boards and
 * schemas for those who build on it.
 */
export { TradingEngineCycle, type CycleStatus, type TradingEngineOptions } from './cycle/trading-engine-cycle.js'
export type { AgentStatus } from './cycle/agent-slot.js'
export type { CycleMetricsSnapshot } from './cycle/cycle-metrics.js'
export { CYCLE_STEPS, CycleStep, stepName } from './cycle/steps.js'
export { DEFAULT_AGENTS, type AgentRegistration } from './agents/registry.js'
export type { Agent, AgentContext, AgentFactory, StepCommand } from './agents/agent.js'
export { loadConfig, resolveConfig, defaultConfig, type WavesConfig, type WavesConfigInput } from './config/index.js'
export * from './ring/index.js'
export * from './boards/index.js'
export * from './schemas/index.js'
export { ComputePool } from './compute/index.js'
export { WavesError, isWavesError, type WavesErrorCode } from './errors/index.js'
export { monotonicClock, ManualClock, type Clock } from './clock/clock.js'
