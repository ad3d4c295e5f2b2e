import { describe, expect, it } from 'vitest'
import { StepBarrier } from '../../src/cycle/step-barrier.js'
import { StepFollower } from '../../src/cycle/step-follower.js'
import { CycleStep } from '../../src/cycle/steps.js'

/**
 * Keeping a fast path warm: an idle follower wakes every `keepWarmMs` to
 * rehearse, and still takes its command when one comes. Async mode on this
 * event loop, with a barrier that never blocks, as in step-chain.test.ts.
 */
async function idleThenCommand(keepWarmMs: number, idleMs: number): Promise<{ rehearsals: number; between: number; cycle: number | undefined; acked: number[] }> {
  const barrier = new StepBarrier(1, undefined, 0)
  const follower = new StepFollower(barrier.sab, 0, 'async', 20, keepWarmMs)
  let rehearsals = 0
  let between = 0
  const next = follower.next(
    () => between++,
    () => rehearsals++,
  )
  await new Promise((resolve) => setTimeout(resolve, idleMs))
  const counted = rehearsals
  const step = barrier.run(3, CycleStep.Initialize, 0, [{ index: 0, deadlineMs: 1_000 }])
  const command = await next
  if (command !== undefined) follower.ack(command, true, 1)
  const outcome = await step
  barrier.stop([0])
  return { rehearsals: counted, between, cycle: command?.cycle, acked: outcome.acked.map((a) => a.index) }
}

describe('keeping the fast path warm', () => {
  it('wakes an idle follower to rehearse about every keepWarmMs, and its fast path with it', async () => {
    const { rehearsals, between, cycle, acked } = await idleThenCommand(1, 60)
    // 60 ms at one wake a millisecond: timers here run late, so ask for a third of that.
    expect(rehearsals).toBeGreaterThanOrEqual(20)
    expect(rehearsals).toBeLessThanOrEqual(61)
    // `between` runs after each wake too (and once before the first wait).
    expect(between).toBeGreaterThanOrEqual(rehearsals)
    // The command still wakes it, well within its step's deadline.
    expect(cycle).toBe(3)
    expect(acked).toEqual([0])
  })

  it('never rehearses with keepWarmMs 0', async () => {
    const { rehearsals, between, cycle, acked } = await idleThenCommand(0, 30)
    expect(rehearsals).toBe(0)
    expect(between).toBe(1)
    expect(cycle).toBe(3)
    expect(acked).toEqual([0])
  })
})
