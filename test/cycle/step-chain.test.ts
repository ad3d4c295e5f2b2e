import { describe, expect, it } from 'vitest'
import { StepBarrier, type ChainStep } from '../../src/cycle/step-barrier.js'
import { StepFollower } from '../../src/cycle/step-follower.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { CHAIN_POSITION } from '../../src/cycle/control-layout.js'

/**
 * The step chain in one thread: each agent is a follower in async mode on
 * this event loop, and the barrier never blocks (no blocking budget), so
 * agents and coordinator interleave as tasks. The protocol is the same as
 * across threads; the threaded runs are in coordinator.test.ts.
 */
interface Behaviour {
  /** ms to wait inside a step (a promise, so other agents go on meanwhile). */
  delayMs?: Partial<Record<CycleStep, number>>
  /** Steps this agent reports failed. */
  fail?: CycleStep[]
}

interface Ran {
  agent: number
  cycle: number
  step: CycleStep
  riskVerdict: boolean
  safeMode: boolean
}

function agents(barrier: StepBarrier, count: number, behaviour: Record<number, Behaviour> = {}): { ran: Ran[]; stop: () => Promise<void> } {
  const ran: Ran[] = []
  const loops = Array.from({ length: count }, async (_, index) => {
    const follower = new StepFollower(barrier.sab, index, 'async')
    for (;;) {
      const command = await follower.next()
      if (command === undefined) return
      ran.push({ agent: index, cycle: command.cycle, step: command.step, riskVerdict: command.riskVerdict, safeMode: command.safeMode })
      const delay = behaviour[index]?.delayMs?.[command.step]
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay))
      follower.ack(command, !(behaviour[index]?.fail ?? []).includes(command.step), 1)
    }
  })
  return {
    ran,
    stop: async () => {
      barrier.stop(Array.from({ length: count }, (_, i) => i))
      await Promise.all(loops)
    },
  }
}

const p = (index: number, deadlineMs = 1_000): { index: number; deadlineMs: number } => ({ index, deadlineMs })

/** Agents 0–3: 0 senses, 1 and 2 take part in risk (2 is fail-closed), 3 executes and monitors. */
function plan(deadlines: Record<number, number> = {}): ChainStep[] {
  return [
    { step: CycleStep.Sense, participants: [p(0, deadlines[0])] },
    { step: CycleStep.Analyze, participants: [] },
    { step: CycleStep.EvaluateRisk, participants: [p(1, deadlines[1]), p(2, deadlines[2])] },
    { step: CycleStep.Execute, participants: [p(3, deadlines[3])] },
    { step: CycleStep.Monitor, participants: [p(3, deadlines[3]), p(0, deadlines[0])] },
  ]
}

describe('the step chain', () => {
  it('runs every step once per participant, in order, passes empty steps on, and grants the risk verdict after the risk step', async () => {
    const barrier = new StepBarrier(4, undefined, 0)
    const { ran, stop } = agents(barrier, 4)
    const outcomes = await barrier.runCycle(7, plan(), 0, [2])
    await stop()
    expect(ran.map((r) => [r.step, r.agent]).sort()).toEqual(
      [
        [CycleStep.Sense, 0],
        [CycleStep.EvaluateRisk, 1],
        [CycleStep.EvaluateRisk, 2],
        [CycleStep.Execute, 3],
        [CycleStep.Monitor, 3],
        [CycleStep.Monitor, 0],
      ].sort(),
    )
    // In order: no step began before the one before it ended.
    const order = [CycleStep.Sense, CycleStep.EvaluateRisk, CycleStep.Execute, CycleStep.Monitor]
    expect(ran.map((r) => order.indexOf(r.step))).toEqual([...ran.map((r) => order.indexOf(r.step))].sort((a, b) => a - b))
    expect(ran.every((r) => r.cycle === 7 && !r.safeMode)).toBe(true)
    expect(ran.filter((r) => r.riskVerdict).map((r) => r.step)).toEqual([CycleStep.Execute, CycleStep.Monitor, CycleStep.Monitor])
    expect(outcomes).toHaveLength(5)
    expect(outcomes.map((o) => o.late)).toEqual([[], [], [], [], []])
    expect(outcomes[2]!.acked.map((a) => [a.index, a.ok]).sort()).toEqual([
      [1, true],
      [2, true],
    ])
  })

  it('gives no risk verdict when a fail-closed agent reports its risk step failed, and says which', async () => {
    const barrier = new StepBarrier(4, undefined, 0)
    const { ran, stop } = agents(barrier, 4, { 2: { fail: [CycleStep.EvaluateRisk] } })
    const outcomes = await barrier.runCycle(1, plan(), 0, [2])
    await stop()
    expect(ran.some((r) => r.riskVerdict)).toBe(false)
    expect(outcomes[2]!.acked.find((a) => a.index === 2)!.ok).toBe(false)
  })

  it('lets a late agent go at its deadline: the chain goes on without it, no verdict if it was risk, and its late ack counts for nothing', async () => {
    const barrier = new StepBarrier(4, undefined, 0)
    const { ran, stop } = agents(barrier, 4, { 2: { delayMs: { [CycleStep.EvaluateRisk]: 300 } } })
    const startedMs = performance.now()
    const outcomes = await barrier.runCycle(1, plan({ 2: 30 }), 0, [2])
    const tookMs = performance.now() - startedMs
    expect(tookMs).toBeGreaterThanOrEqual(29)
    expect(tookMs).toBeLessThan(300)
    expect(outcomes[2]!.late).toEqual([2])
    expect(outcomes[2]!.acked.map((a) => a.index)).toEqual([1])
    // Later steps ran, without the verdict.
    expect(ran.filter((r) => r.step === CycleStep.Monitor)).toHaveLength(2)
    expect(ran.some((r) => r.riskVerdict)).toBe(false)
    // The next cycle is not confused by the late ack when it comes (it
    // takes as long again, and now has the time).
    await new Promise((resolve) => setTimeout(resolve, 300))
    const next = await barrier.runCycle(2, plan({ 2: 1_000 }), 0, [2])
    await stop()
    expect(next.map((o) => o.late)).toEqual([[], [], [], [], []])
    expect(ran.filter((r) => r.cycle === 2 && r.riskVerdict).map((r) => r.step)).toEqual([CycleStep.Execute, CycleStep.Monitor, CycleStep.Monitor])
  })

  it('catches a short deadline in a later step although the coordinator sleeps through the steps before it', async () => {
    const barrier = new StepBarrier(4, undefined, 0)
    const { stop } = agents(barrier, 4, { 3: { delayMs: { [CycleStep.Execute]: 400 } } })
    const startedMs = performance.now()
    // Sense and risk have long deadlines; execute's is short.
    const outcomes = await barrier.runCycle(1, plan({ 0: 5_000, 1: 5_000, 2: 5_000, 3: 40 }), 0, [2])
    expect(performance.now() - startedMs).toBeLessThan(400)
    expect(outcomes[3]!.late).toEqual([3])
    expect(outcomes.map((o) => o.cut)).toEqual([[], [], [], [], []])
    await new Promise((resolve) => setTimeout(resolve, 400))
    await stop()
  })

  it('wakes the coordinator as the last step is issued, so that it watches for the end instead of being woken after it', async () => {
    const barrier = new StepBarrier(4, undefined, 0)
    // The last step (monitor) takes 100 ms in agent 0.
    const { stop } = agents(barrier, 4, { 0: { delayMs: { [CycleStep.Monitor]: 100 } } })
    const words = new Int32Array(barrier.sab)
    // Where the chain stood each time a notify on its position word woke a watcher beside the coordinator.
    const wokenAt: number[] = []
    let watching = true
    const watcher = (async () => {
      while (watching) {
        const waited = Atomics.waitAsync(words, CHAIN_POSITION, Atomics.load(words, CHAIN_POSITION), 20)
        if (waited.async && (await waited.value) === 'ok') wokenAt.push(Atomics.load(words, CHAIN_POSITION))
      }
    })()
    const steps = plan()
    const outcomes = await barrier.runCycle(1, steps, 0, [2])
    watching = false
    await watcher
    expect(outcomes.map((o) => o.late)).toEqual([[], [], [], [], []])
    // Woken while the last step ran, not only once the chain had ended.
    expect(wokenAt).toContain(steps.length - 1)
    await stop()
  })

  it('stops at once when aborted and reports only the steps that began', async () => {
    const barrier = new StepBarrier(4, undefined, 0)
    const { stop } = agents(barrier, 4, { 1: { delayMs: { [CycleStep.EvaluateRisk]: 1_000 } } })
    const running = barrier.runCycle(1, plan({ 1: 120_000 }), 0, [2])
    await new Promise((resolve) => setTimeout(resolve, 50))
    const abortedMs = performance.now()
    barrier.abort()
    const outcomes = await running
    expect(performance.now() - abortedMs).toBeLessThan(500)
    expect(outcomes).toHaveLength(3)
    // Cut short within its deadline: not late.
    expect(outcomes[2]!.late).toEqual([])
    expect(outcomes[2]!.cut).toEqual([1])
    expect(outcomes.slice(0, 2).map((o) => o.cut)).toEqual([[], []])
    await stop()
  })
})
