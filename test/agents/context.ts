import type { AgentContext } from '../../src/agents/agent.js'
import { createBoards } from '../../src/boards/index.js'
import { ManualClock } from '../../src/clock/clock.js'
import { createDataPlane } from '../../src/cycle/data-plane.js'
import { ringsOf } from '../../src/cycle/topology.js'
import { rootLogger } from '../../src/log/logger.js'
import { RingBuffer } from '../../src/ring/index.js'

/** One engine's shared memory, and contexts over it for agents run in-process, no threads. */
export function inProcessEngine(engineConfig: Record<string, unknown> = {}) {
  const plane = createDataPlane(createBoards())
  const clock = new ManualClock(1e12)
  const context = (name: string, config: Record<string, unknown> = {}): AgentContext => {
    const { rings, consumerIds } = ringsOf(name)
    return {
      name,
      config,
      engineConfig,
      logger: rootLogger.child({ agent: name }),
      clock,
      rings: Object.fromEntries(rings.map((r) => [r, RingBuffer.attach(plane.rings[r]!)])),
      consumerIds,
      boards: plane.boards,
      compute: { run: () => Promise.reject(new Error('no compute pool in-process')) },
      counters: {},
    }
  }
  return { plane, clock, context }
}

export function command(cycle: number, step: number, flags: { riskVerdict?: boolean; safeMode?: boolean } = {}) {
  return { generation: cycle * 10 + step, cycle, step, riskVerdict: flags.riskVerdict ?? true, safeMode: flags.safeMode ?? false }
}
