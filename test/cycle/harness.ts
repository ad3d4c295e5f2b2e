import { DEFAULT_AGENTS, type AgentRegistration } from '../../src/agents/registry.js'
import { Coordinator, type CoordinatorSettings } from '../../src/cycle/coordinator.js'
import { createDataPlane } from '../../src/cycle/data-plane.js'
import type { InstrumentedConfig } from '../fixtures/cycle/instrumented-agent.js'

export const INSTRUMENTED = 'test/fixtures/cycle/instrumented-agent'

/** The engine's eleven agents, each replaced by the instrumented fixture. */
export function instrumentedAgents(): AgentRegistration[] {
  return DEFAULT_AGENTS.map((r) => ({ ...r, module: INSTRUMENTED }))
}

export interface Harness {
  coordinator: Coordinator
  log: SharedArrayBuffer
  ids: Map<string, number>
}

export function makeCoordinator(
  options: {
    agents?: AgentRegistration[]
    behaviour?: Record<string, Partial<InstrumentedConfig>>
    settings?: Partial<CoordinatorSettings>
    logEntries?: number
  } = {},
): Harness {
  const agents = options.agents ?? instrumentedAgents()
  const log = new SharedArrayBuffer(4 * (1 + 4 * (options.logEntries ?? 50_000)))
  const ids = new Map(agents.map((a, i) => [a.name, i]))
  const settings: CoordinatorSettings = {
    intervalMs: 10,
    initDeadlineMs: 3_000,
    stepDeadlineMs: () => 2_000,
    backoff: { initialMs: 20, maxMs: 200, jitter: 0.2 },
    breaker: { maxCrashes: 3, windowMs: 60_000 },
    snapshotEveryMs: 20,
    agentConfig: (name) => ({ section: { id: ids.get(name)!, log, ...options.behaviour?.[name] }, engine: {} }),
    ...options.settings,
  }
  const compute = { run: async () => Promise.reject(new Error('no compute pool in this test')) }
  return { coordinator: new Coordinator(agents, createDataPlane({}, 0), compute, settings), log, ids }
}

export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
