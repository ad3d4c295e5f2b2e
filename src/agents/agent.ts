import type { Clock } from '../clock/clock.js'
import type { ComputeRunner } from '../compute/index.js'
import type { StepCommand } from '../cycle/step-follower.js'
import type { Logger } from '../log/logger.js'
import type { RingBuffer } from '../ring/index.js'
import type { RingName } from '../cycle/topology.js'

export type { StepCommand }

/** Runs stateless CPU work on the engine's compute pool (the fast path never awaits it). */
export type { ComputeRunner }

/** Named counters an agent keeps instead of logging per message; reported in its health. */
export type Counters = Record<string, number>

/**
 * Everything an agent gets from the engine. The agent's logic never imports
 * worker_threads: the same agent runs in a worker thread under the engine and
 * in-process in a unit test, with a context built by either.
 */
export interface AgentContext<Config = Readonly<Record<string, unknown>>> {
  readonly name: string
  /** This agent's own config section. */
  readonly config: Config
  /** The whole engine config, read-only. */
  readonly engineConfig: Readonly<Record<string, unknown>>
  readonly logger: Logger
  readonly clock: Clock
  /** The rings this agent produces to or consumes from, attached in this thread. */
  readonly rings: Readonly<Partial<Record<RingName, RingBuffer>>>
  /** For each ring this agent consumes, its consumer id there. */
  readonly consumerIds: Readonly<Partial<Record<RingName, number>>>
  /** The shared state boards, to attach as a writer or reader. */
  readonly boards: Readonly<Record<string, SharedArrayBuffer>>
  /** Whether each venue takes orders: attach with `VenueHealthBoard.attach`; only the adapters write it. */
  readonly venueHealth: SharedArrayBuffer
  /** Where a restarted reader of the market ring asks for whole books (`BookResync`); data_feeds answers. */
  readonly bookResync: SharedArrayBuffer
  readonly compute: ComputeRunner
  readonly counters: Counters
  /**
   * Wakes the agents that read `ring` on their fast path (their `onFastPath`
   * runs): a producer calls it after publishing a batch they should react
   * to between steps. Costs an atomic add per such agent, and a wake-up
   * only when one is asleep.
   */
  readonly notifyFastPath: (ring: RingName) => void
}

/**
 * One agent of the cycle: plain logic behind four calls. `init` runs once per
 * thread (at start, and after a restart with the state `snapshot` last
 * returned); `step` runs once per cycle step the agent takes part in.
 */
export interface Agent<Snapshot = unknown, Config = Readonly<Record<string, unknown>>> {
  init(ctx: AgentContext<Config>, restored: Snapshot | undefined): void | Promise<void>
  step(command: StepCommand, ctx: AgentContext<Config>): void | Promise<void>
  /**
   * Between steps, when a producer has published on a ring this agent reads
   * on its fast path (its registration's `fastPath`): react now, not at the
   * next cycle. Runs on the agent's thread between its steps, never during
   * one; keep it short, the next step waits for it.
   */
  onFastPath?(ctx: AgentContext<Config>): void
  /**
   * While the fast path is kept warm (`strategy_engine.keepWarmMs`) and no
   * tick has come for that long: run the fast path's code on current data
   * without sending anything, so the next tick finds it in the caches.
   * Its `onFastPath` runs after each such wake too; an agent without
   * `rehearse` gets only that.
   */
  rehearse?(ctx: AgentContext<Config>): void
  /** The config changed while running: `ctx.config` is the new section; re-read what was cached from it. */
  configure?(ctx: AgentContext<Config>): void | Promise<void>
  /** State to restore after a crash; plain data (structured-clone safe). */
  snapshot?(): Snapshot
  /** Agent-specific health detail, beside the counters. */
  health?(): Record<string, unknown>
  stop?(): void | Promise<void>
}

/** What an agent module exports as default. */
export type AgentFactory = () => Agent<any, any>
