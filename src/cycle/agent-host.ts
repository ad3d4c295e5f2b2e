import { getHeapStatistics } from 'node:v8'
import { messageOf, WavesError } from '../errors/index.js'
import { monotonicClock } from '../clock/clock.js'
import { childLogger } from '../log/logger.js'
import { RingBuffer } from '../ring/index.js'
import type { Agent, AgentContext, AgentFactory, ComputeRunner } from '../agents/agent.js'
import type { AgentConfigPayload, AgentHostApi, AgentHostData, AgentHostHealth } from './agent-host-api.js'
import { ringDoorbell } from './control-layout.js'
import { StepFollower } from './step-follower.js'
import type { RingName } from './topology.js'

/**
 * Hosts one agent in the current thread: builds its context, runs init, and
 * follows the step barrier until told to stop. Used by workers/agent-host.ts;
 * threads stay at that edge, so this runs in-process in tests as well.
 */
export async function runAgentHost(data: AgentHostData, compute: ComputeRunner): Promise<AgentHostApi> {
  const factory = ((await import(data.moduleUrl)) as { default?: AgentFactory }).default
  if (typeof factory !== 'function') {
    throw new WavesError('ERR_AGENT_MODULE', `${data.moduleUrl} has no default export creating an agent`, { agent: data.name, moduleUrl: data.moduleUrl })
  }
  const agent: Agent = factory()
  const logger = childLogger({ agent: data.name })
  const rings: Partial<Record<RingName, RingBuffer>> = {}
  for (const [name, sab] of Object.entries(data.rings)) rings[name as RingName] = RingBuffer.attach(sab)
  const counters: Record<string, number> = {}
  let steps = 0
  let stepFailures = 0
  let lastError: string | undefined
  let loop: Promise<void> | undefined
  const follower = new StepFollower(data.control, data.index, data.wait, undefined, data.keepWarmMs)
  const controlWords = new Int32Array(data.control)
  const notifyFastPath = (ring: RingName): void => {
    const readers = data.fastPathReaders[ring]
    if (readers !== undefined) for (const index of readers) ringDoorbell(controlWords, index)
  }
  let fastPathFailures = 0
  /** Runs one of the agent's between-steps calls: a failure must not take the step barrier down with it; count, log, go on. */
  const guarded = (call: (ctx: AgentContext) => void, what: string) => (): void => {
    try {
      call(current!)
    } catch (err) {
      fastPathFailures++
      counters['fast_path_failures'] = fastPathFailures
      logger.error({ err }, `agent ${what} failed`)
    }
  }
  const between = data.fastPath && agent.onFastPath !== undefined ? guarded((ctx) => agent.onFastPath!(ctx), 'fast path') : undefined
  let rehearsals = 0
  const rehearse =
    data.fastPath && agent.rehearse !== undefined
      ? guarded((ctx) => {
          counters['fast_path_rehearsals'] = ++rehearsals
          agent.rehearse!(ctx)
        }, 'rehearsal of its fast path')
      : undefined

  function context(config: AgentConfigPayload): AgentContext {
    return {
      name: data.name,
      config: Object.freeze(config.section),
      engineConfig: Object.freeze(config.engine),
      logger,
      clock: monotonicClock,
      rings,
      consumerIds: data.consumerIds as AgentContext['consumerIds'],
      boards: data.boards,
      venueHealth: data.venueHealth,
      bookResync: data.bookResync,
      compute,
      counters,
      notifyFastPath,
    }
  }
  /** The context steps run with; replaced whole when the config changes. */
  let current: AgentContext | undefined

  /**
   * Awaits only what is a promise: a block-mode follower answers without
   * one while its event loop is not due a turn, and most steps return
   * nothing. Each await allocates, and on the no-op cycle bench the awaits
   * of every step were most of what an agent's thread allocated (~1.2 KB a
   * step), enough to fill its young generation and pause it for a
   * collection every ~150 ms, in the middle of whichever step was running.
   */
  async function followBarrier(): Promise<void> {
    for (;;) {
      const next = follower.next(between, rehearse)
      const command = next instanceof Promise ? await next : next
      if (command === undefined) return
      const startNs = monotonicClock.nowNs()
      let ok = true
      try {
        const stepped = agent.step(command, current!)
        if (stepped !== undefined) await stepped
      } catch (err) {
        ok = false
        stepFailures++
        lastError = messageOf(err)
        logger.error({ err, cycle: command.cycle, step: command.step }, 'agent step failed')
      }
      steps++
      follower.ack(command, ok, (monotonicClock.nowNs() - startNs) / 1000)
    }
  }

  function health(): AgentHostHealth {
    const heap = getHeapStatistics()
    return {
      name: data.name,
      steps,
      stepFailures,
      lastError,
      counters: { ...counters },
      detail: agent.health?.() ?? {},
      heap: { usedBytes: heap.used_heap_size, totalBytes: heap.total_heap_size },
    }
  }

  return {
    async init(config, restored) {
      current = context(config)
      await agent.init(current, restored)
      loop ??= followBarrier()
    },
    async configure(config) {
      // The barrier loop reads `current`, so the next step already sees the new context.
      current = context(config)
      await agent.configure?.(current)
    },
    health: async () => health(),
    async snapshot() {
      return agent.snapshot?.()
    },
    async stop() {
      // The coordinator has already posted the stop command; wait for the loop to see it.
      await loop
      await agent.stop?.()
      return health()
    },
  }
}
