import type { AgentContext } from '../../src/agents/agent.js'
import { createBoards } from '../../src/boards/index.js'
import { ManualClock } from '../../src/clock/clock.js'
import { resolveConfig } from '../../src/config/index.js'
import { createDataPlane } from '../../src/cycle/data-plane.js'
import { ringsOf } from '../../src/cycle/topology.js'
import { rootLogger } from '../../src/log/logger.js'
import { RingBuffer } from '../../src/ring/index.js'

/** One engine's shared memory, and contexts over it for agents run in-process, no threads. */
export function inProcessEngine(input: Record<string, unknown> = {}) {
  const engineConfig = resolveConfig(input) as unknown as Record<string, Record<string, unknown>>
  const plane = createDataPlane(createBoards(), (engineConfig['data_feeds']!['venues'] as string[]).length)
  const clock = new ManualClock(1e12)
  const fastPathNotices: Record<string, number> = {}
  /** A context with the agent's resolved section, `overrides` on top. */
  const context = (name: string, overrides: Record<string, unknown> = {}): AgentContext => {
    const { rings, consumerIds } = ringsOf(name)
    return {
      name,
      config: { ...engineConfig[name], ...overrides },
      engineConfig,
      logger: rootLogger.child({ agent: name }),
      clock,
      rings: Object.fromEntries(rings.map((r) => [r, RingBuffer.attach(plane.rings[r]!)])),
      consumerIds,
      boards: plane.boards,
      venueHealth: plane.venueHealth,
      bookResync: plane.bookResync,
      compute: { run: () => Promise.reject(new Error('no compute pool in-process')) },
      counters: {},
      // In-process, the test drives each agent's onFastPath itself; this tallies what a producer rang.
      notifyFastPath: (ring) => {
        fastPathNotices[ring] = (fastPathNotices[ring] ?? 0) + 1
      },
    }
  }
  return { plane, clock, context, fastPathNotices }
}

export function command(cycle: number, step: number, flags: { riskVerdict?: boolean; safeMode?: boolean } = {}) {
  return { generation: cycle * 10 + step, cycle, step, riskVerdict: flags.riskVerdict ?? true, safeMode: flags.safeMode ?? false }
}
