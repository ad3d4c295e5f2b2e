import type { AgentRegistration } from '../agents/registry.js'
import type { AgentHostHealth } from './agent-host-api.js'
import type { AgentThread } from './agent-thread.js'
import { LatencyHistogram } from '../metrics/latency-histogram.js'
import { CrashBreaker, type BreakerSettings } from './supervision.js'

export type AgentStateName = 'starting' | 'ready' | 'degraded' | 'crashed' | 'restarting' | 'breaker_open' | 'stopped'

/** What `getCycleStatus()` says of one agent. */
export interface AgentStatus {
  state: AgentStateName
  /** Its step time as it reported it, p50/p99 in ms. */
  responseTimeMs: { p50: number; p99: number }
  /** Share of its expected steps acknowledged in time and without error, 0..1. */
  availability: number
  errorCount: number
  lateCount: number
  restarts: number
  crashes: number
  lastCycle: number
  lastError: string | undefined
}

/** The coordinator's record of one agent: its registration, current thread and statistics. */
export class AgentSlot {
  readonly registration: AgentRegistration
  readonly index: number
  readonly breaker: CrashBreaker
  readonly responseTime = new LatencyHistogram()
  thread: AgentThread | undefined
  state: AgentStateName = 'starting'
  expected = 0
  acknowledged = 0
  errorCount = 0
  lateCount = 0
  restarts = 0
  crashes = 0
  lastCycle = 0
  lastError: string | undefined
  lastSnapshot: unknown
  /** Its thread's own account of itself as it stopped, after the agent's stop ran: what it ended with. */
  lastHealth: AgentHostHealth | undefined
  restartTimer: NodeJS.Timeout | undefined

  constructor(registration: AgentRegistration, index: number, breaker: BreakerSettings) {
    this.registration = registration
    this.index = index
    this.breaker = new CrashBreaker(breaker)
  }

  get name(): string {
    return this.registration.name
  }

  /** Running and following the barrier (possibly degraded). */
  get participating(): boolean {
    return this.state === 'ready' || this.state === 'degraded'
  }

  status(): AgentStatus {
    return {
      state: this.state,
      responseTimeMs: { p50: this.responseTime.percentileMs(50), p99: this.responseTime.percentileMs(99) },
      availability: this.expected === 0 ? 1 : this.acknowledged / this.expected,
      errorCount: this.errorCount,
      lateCount: this.lateCount,
      restarts: this.restarts,
      crashes: this.crashes,
      lastCycle: this.lastCycle,
      lastError: this.lastError,
    }
  }
}
