import type { FollowMode } from './step-follower.js'

/** An agent's config as it crosses to its thread: its own section and the whole engine config. */
export interface AgentConfigPayload {
  section: Record<string, unknown>
  engine: Record<string, unknown>
}

/** What the coordinator hands an agent thread at start. Structured-clone safe. */
export interface AgentHostData {
  name: string
  /** Slot in the control buffer. */
  index: number
  /** Module whose default export creates the agent (a file URL). */
  moduleUrl: string
  control: SharedArrayBuffer
  rings: Record<string, SharedArrayBuffer>
  consumerIds: Record<string, number>
  boards: Record<string, SharedArrayBuffer>
  venueHealth: SharedArrayBuffer
  bookResync: SharedArrayBuffer
  wait: FollowMode
  /** For each ring this agent produces, the control slots of the agents that read it on their fast path. */
  fastPathReaders: Record<string, number[]>
  /** This agent reads a ring on its fast path: run its onFastPath whenever its doorbell rings. */
  fastPath: boolean
  /** While idle, wake this often (ms) to rehearse the fast path; 0 never, and always 0 without `fastPath`. */
  keepWarmMs: number
}

/** The control plane of one agent thread, served over comlink. */
export interface AgentHostApi {
  /** Builds the context and runs the agent's init, restoring `restored` if given; then follows the barrier. */
  init(config: AgentConfigPayload, restored: unknown): Promise<void>
  /** Hands the agent a new config (its section and the whole config) while it runs. */
  configure(config: AgentConfigPayload): Promise<void>
  health(): Promise<AgentHostHealth>
  snapshot(): Promise<unknown>
  /** Leaves the barrier loop, runs the agent's stop, and lets the thread end; returns its health as it ended. */
  stop(): Promise<AgentHostHealth>
}

export interface AgentHostHealth {
  name: string
  steps: number
  stepFailures: number
  lastError: string | undefined
  counters: Record<string, number>
  detail: Record<string, unknown>
  /** The agent's own V8 heap: what it holds in use, and what the isolate has reserved for it, in bytes. */
  heap: { usedBytes: number; totalBytes: number }
}
