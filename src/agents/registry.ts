import type { FollowMode } from '../cycle/step-follower.js'
import { CycleStep } from '../cycle/steps.js'
import type { RingName } from '../cycle/topology.js'
import { LOW_PAUSE_YOUNG_GENERATION_MB } from '../runtime/low-pause-heap.js'

/**
 * How the engine knows an agent: its name (and config section), the steps
 * it takes part in, and the module whose default export creates it: a path
 * from the package root without extension (run compiled from dist/), or a
 * URL to any ES module.
 */
export interface AgentRegistration {
  readonly name: string
  readonly steps: readonly CycleStep[]
  readonly module: string | URL
  /** No verdict from this agent in a cycle means no new orders in that cycle (risk). */
  readonly failClosed?: boolean
  /**
   * How its thread waits between steps: `block` (default; fastest wake-up,
   * for agents whose work is inside their steps) or `async` (for agents that
   * serve sockets or timers between steps).
   */
  readonly wait?: FollowMode
  /** Rings whose new data wakes this agent between steps, to run its `onFastPath`. */
  readonly fastPath?: readonly RingName[]
  /**
   * Caps the thread's young generation (MB) so its collections pause it
   * briefly: for agents on the tick-to-order path (see low-pause-heap.ts).
   */
  readonly youngGenerationMb?: number
  /**
   * When it stops, among the others: agents stop in ascending `stopOrder`,
   * each group once the one before has stopped. Default 0, first: whatever
   * originates orders must be quiet before execution cancels what rests,
   * and the adapters must still be there to carry those cancels to the
   * venues, and the fee ledger to book the answers.
   */
  readonly stopOrder?: number
}

const { Sense, Analyze, Compose, EvaluateRisk, Execute, Monitor, Learn, Report } = CycleStep

/** Stop groups of the engine's agents: see `stopOrder`. */
export const STOP_ORDER = Object.freeze({ originators: 0, execution: 1, venues: 2, books: 3 })

/** The engine's agents. Adding one is a folder under src/agents/ and a line here. */
export const DEFAULT_AGENTS: readonly AgentRegistration[] = Object.freeze([
  // async: a replayed file or a socket writes between steps, on the event loop.
  { name: 'data_feeds', steps: [Sense], module: 'src/agents/data-feeds/index', wait: 'async' },
  { name: 'market_conditions', steps: [Sense, Learn], module: 'src/agents/market-conditions/index' },
  { name: 'validation', steps: [Sense, Compose], module: 'src/agents/validation/index' },
  { name: 'intelligence', steps: [Analyze, Learn], module: 'src/agents/intelligence/index' },
  { name: 'strategy_engine', steps: [Compose, Learn], module: 'src/agents/strategy-engine/index', fastPath: ['market'], youngGenerationMb: LOW_PAUSE_YOUNG_GENERATION_MB },
  { name: 'risk_management', steps: [EvaluateRisk], module: 'src/agents/risk-management/index', failClosed: true },
  // Stops once nothing sends it orders: its stop cancels the children still resting.
  { name: 'execution', steps: [Execute], module: 'src/agents/execution/index', fastPath: ['market'], youngGenerationMb: LOW_PAUSE_YOUNG_GENERATION_MB, stopOrder: STOP_ORDER.execution },
  // async: answers fall due on timers; woken between steps when execution sends orders.
  // Stops after execution: carries its last cancels to the venues, and their answers back.
  { name: 'adapters', steps: [Execute, Monitor], module: 'src/agents/adapters/index', wait: 'async', fastPath: ['venue', 'fast', 'market'], youngGenerationMb: LOW_PAUSE_YOUNG_GENERATION_MB, stopOrder: STOP_ORDER.venues },
  // Stop last: the fills of the venues' last answers are booked, and reported.
  { name: 'fees_monitor', steps: [Monitor], module: 'src/agents/fees-monitor/index', stopOrder: STOP_ORDER.books },
  { name: 'failure_prevention', steps: [Monitor], module: 'src/agents/failure-prevention/index', stopOrder: STOP_ORDER.books },
  { name: 'agent_io', steps: [Report], module: 'src/agents/agent-io/index', stopOrder: STOP_ORDER.books },
])
