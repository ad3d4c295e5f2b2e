import { DEFAULT_AGENTS, type AgentRegistration } from '../agents/registry.js'
import { createBoards } from '../boards/index.js'
import { ComputePool, type ComputePoolStats } from '../compute/index.js'
import { isDeepStrictEqual } from 'node:util'
import { AGENT_SECTIONS, mergeConfigLayers, resolveConfig, type WavesConfig } from '../config/index.js'
import { WavesError } from '../errors/index.js'
import { childLogger } from '../log/logger.js'
import { quietBackground } from '../runtime/quiet-background.js'
import type { AgentHostHealth } from './agent-host-api.js'
import type { AgentStatus } from './agent-slot.js'
import { withTimeout } from './agent-thread.js'
import { Coordinator, type CoordinatorState } from './coordinator.js'
import type { CycleMetricsSnapshot } from './cycle-metrics.js'
import { createDataPlane } from './data-plane.js'

export interface TradingEngineOptions {
  /** The agents to run; default the engine's eleven. Add one with `[...DEFAULT_AGENTS, mine]`. */
  agents?: readonly AgentRegistration[]
  /** Config sections for agents the engine config does not know (custom agents), by agent name. */
  agentConfig?: Readonly<Record<string, Record<string, unknown>>>
  /** Stop the cycle on SIGINT and SIGTERM, as `stopCycle()` does. Default true. */
  handleSignals?: boolean
}

export interface CycleStatus {
  state: CoordinatorState
  /** The last cycle started. */
  cycle: number
  intervalMs: number
  /** A breaker is open: no new orders until an operator resets it. */
  safeMode: boolean
  metrics: CycleMetricsSnapshot
  agents: Record<string, AgentStatus>
  compute: ComputePoolStats | undefined
}

/**
 * The engine: `new TradingEngineCycle(config)`, `await startCycle()`,
 * `getCycleStatus()`, `await stopCycle()`. It validates the config at
 * construction (every wrong path named at once), then at start creates the
 * rings, boards and compute pool, starts one worker thread per agent, and
 * runs the nine-step cycle on the configured interval.
 */
export class TradingEngineCycle {
  #config: WavesConfig
  readonly agents: readonly AgentRegistration[]
  readonly #options: TradingEngineOptions
  readonly #log = childLogger({ component: 'engine' })
  #coordinator: Coordinator | undefined
  #compute: ComputePool | undefined
  #stopping: Promise<void> | undefined
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.#log.warn({ signal }, 'signal received: stopping the cycle')
    void this.stopCycle()
  }

  constructor(config: unknown = {}, options: TradingEngineOptions = {}) {
    this.#config = resolveConfig(config)
    this.#options = options
    const registrations = options.agents ?? DEFAULT_AGENTS
    const names = new Set<string>()
    for (const r of registrations) {
      if (names.has(r.name)) throw new WavesError('ERR_AGENT_UNKNOWN', `agent ${r.name} is registered twice`, { agent: r.name })
      names.add(r.name)
    }
    this.agents = registrations.filter((r) => this.#section(r.name)['enabled'] !== false)
  }

  /** The resolved config the engine runs with. */
  get config(): WavesConfig {
    return this.#config
  }

  #section(agent: string): Record<string, unknown> {
    return this.#sectionOf(this.#config, agent)
  }

  #sectionOf(config: WavesConfig, agent: string): Record<string, unknown> {
    if ((AGENT_SECTIONS as readonly string[]).includes(agent)) return (config as unknown as Record<string, Record<string, unknown>>)[agent] ?? {}
    return this.#options.agentConfig?.[agent] ?? {}
  }

  async startCycle(): Promise<void> {
    if (this.#coordinator) throw new WavesError('ERR_CYCLE_STATE', 'the cycle is already started; a stopped engine is not restarted, make a new one', {})
    const config = this.config
    // Before the compute pool and the agents exist: only Node's own threads are there to move.
    quietBackground({ idleBackgroundThreads: config.cycle.idleBackgroundThreads, memoryReducer: config.cycle.memoryReducer })
    this.#compute = new ComputePool({ maxThreads: config.compute.maxThreads, idlePriority: config.cycle.idleBackgroundThreads })
    this.#coordinator = new Coordinator(this.agents, createDataPlane(createBoards(), config.data_feeds.venues.length), this.#compute, {
      intervalMs: config.cycle.intervalMs,
      initDeadlineMs: config.cycle.initDeadlineMs,
      stepDeadlineMs: (agent) => (this.#section(agent)['stepDeadlineMs'] as number | undefined) ?? config.cycle.stepDeadlineMs,
      backoff: { initialMs: config.supervision.restartBackoffMs.initial, maxMs: config.supervision.restartBackoffMs.max, jitter: config.supervision.jitter },
      breaker: { maxCrashes: config.supervision.breaker.maxCrashes, windowMs: config.supervision.breaker.windowMs },
      snapshotEveryMs: Math.max(1000, config.cycle.intervalMs),
      // Structured clone, not JSON: a section may carry SharedArrayBuffers to share with its agent.
      agentConfig: (agent) => ({ section: structuredClone(this.#section(agent)), engine: structuredClone(this.#config) as unknown as Record<string, unknown> }),
      // Only while the fast path trades: the agents on it then wake every keepWarmMs when idle.
      keepWarmMs: config.strategy_engine.fastPath ? config.strategy_engine.keepWarmMs : 0,
    })
    if (this.#options.handleSignals ?? true) {
      process.on('SIGINT', this.#onSignal)
      process.on('SIGTERM', this.#onSignal)
    }
    this.#log.info({ agents: this.agents.length, intervalMs: config.cycle.intervalMs }, 'starting the cycle')
    try {
      await this.#coordinator.start()
    } catch (err) {
      await this.stopCycle()
      throw err
    }
  }

  /**
   * Changes agent sections while the cycle runs: `patch` is merged over the
   * current config, validated as a whole (every wrong path named, nothing
   * applied), and each running agent gets its new section before its next
   * step. The cycle, supervision, compute and Redis settings, and which agents
   * are enabled, need a new engine.
   */
  async reconfigure(patch: Record<string, unknown>): Promise<WavesConfig> {
    const next = resolveConfig(mergeConfigLayers([structuredClone(this.#config) as unknown as Record<string, unknown>, patch]))
    const fixed = ['cycle', 'supervision', 'compute', 'redis'] as const
    const changed: string[] = fixed.filter((key) => !isDeepStrictEqual(next[key], this.#config[key]))
    for (const r of this.agents) if (this.#sectionOf(next, r.name)['enabled'] === false) changed.push(`${r.name}.enabled`)
    if (changed.length > 0) {
      throw new WavesError('ERR_CONFIG_INVALID', `cannot change ${changed.join(', ')} while the engine runs; start a new engine with the new config`, { changed })
    }
    this.#config = next
    await this.#coordinator?.reconfigure()
    this.#log.info({ patch }, 'config changed')
    return next
  }

  getCycleStatus(): CycleStatus {
    const coordinator = this.#coordinator
    return {
      state: coordinator?.state ?? 'idle',
      cycle: coordinator?.cycle ?? 0,
      intervalMs: this.config.cycle.intervalMs,
      safeMode: coordinator?.safeMode ?? false,
      metrics: coordinator?.metrics.snapshot() ?? emptyMetrics(),
      agents: Object.fromEntries((coordinator?.slots ?? []).map((s) => [s.name, s.status()])),
      compute: this.#compute?.stats(),
    }
  }

  /**
   * An agent's own account of itself (counters, detail), asked over its
   * control channel; once the engine has stopped, the account it gave as
   * its thread ended, after its own stop ran (the fee ledger then holds the
   * fills of the last cancels' answers).
   */
  async agentHealth(agent: string, timeoutMs = 2_000): Promise<AgentHostHealth> {
    const slot = this.#coordinator?.slots.find((s) => s.name === agent)
    if (!slot) throw new WavesError('ERR_AGENT_UNKNOWN', `no agent named ${agent}`, { agent })
    if (this.#coordinator?.state === 'stopped' && slot.lastHealth !== undefined) return slot.lastHealth
    if (!slot.thread) throw new WavesError('ERR_CYCLE_STATE', `agent ${agent} has no running thread (${slot.state})`, { agent, state: slot.state })
    return withTimeout(slot.thread.api.health(), timeoutMs, `health of agent ${agent}`, { agent })
  }

  /** Operator action: close an open breaker (of one agent, or all) and restart what it kept down. */
  resetBreaker(agent?: string): string[] {
    return this.#coordinator?.resetBreaker(agent) ?? []
  }

  /**
   * Aborts the cycle in flight, stops every agent thread (in the agents'
   * stop order: what sends orders, then execution, which cancels what
   * rests, then the adapters, which carry the cancels out and the answers
   * back, then the ledger) and the compute pool. Safe to call twice.
   */
  stopCycle(): Promise<void> {
    this.#stopping ??= (async () => {
      process.off('SIGINT', this.#onSignal)
      process.off('SIGTERM', this.#onSignal)
      await this.#coordinator?.stop()
      await this.#compute?.destroy()
      this.#log.info({ cycles: this.#coordinator?.metrics.totalCycles ?? 0 }, 'cycle stopped')
    })()
    return this.#stopping
  }
}

function emptyMetrics(): CycleMetricsSnapshot {
  return { totalCycles: 0, successfulCycles: 0, failedCycles: 0, abortedCycles: 0, overruns: 0, lastOverrun: undefined, skippedCycles: 0, crashes: 0, bookResyncs: 0, cycleMs: { p50: 0, p99: 0, max: 0 }, startLagMs: { p50: 0, p99: 0, max: 0 }, steps: {} }
}
