import { describe, expect, it } from 'vitest'
import { StepBarrier } from '../../src/cycle/step-barrier.js'
import { StepFollower, type IssuedCommand } from '../../src/cycle/step-follower.js'
import { CycleStep } from '../../src/cycle/steps.js'

/**
 * A block-mode follower on this thread, with a barrier that never blocks
 * (as in step-chain.test.ts): `run` posts its command before its first
 * await, so the follower finds it without sleeping.
 */
function follow(): { barrier: StepBarrier; follower: StepFollower; post: (cycle: number) => Promise<unknown> } {
  const barrier = new StepBarrier(1, undefined, 0, 0)
  const follower = new StepFollower(barrier.sab, 0, 'block', 20)
  const post = (cycle: number): Promise<unknown> => barrier.run(cycle, CycleStep.Initialize, 0, [{ index: 0, deadlineMs: 1_000 }])
  return { barrier, follower, post }
}

async function take(follower: StepFollower, expectPromise: boolean): Promise<IssuedCommand | undefined> {
  const next = follower.next()
  expect(next instanceof Promise).toBe(expectPromise)
  return next
}

describe('a block-mode follower', () => {
  it('hands a waiting command over without a promise while its event loop is not due a turn', async () => {
    const { barrier, follower, post } = follow()
    // The first call turns the event loop first: no turn has been taken yet.
    let step = post(1)
    const first = await take(follower, true)
    expect(first?.cycle).toBe(1)
    follower.ack(first!, true, 1)
    await step

    step = post(2)
    const second = await take(follower, false)
    expect(second?.cycle).toBe(2)
    follower.ack(second!, true, 1)
    expect(((await step) as { acked: unknown[] }).acked).toHaveLength(1)

    // 20 ms on, a turn is due again: the answer comes through a promise, once.
    await new Promise((resolve) => setTimeout(resolve, 25))
    step = post(3)
    const third = await take(follower, true)
    expect(third?.cycle).toBe(3)
    follower.ack(third!, true, 1)
    await step

    barrier.stop([0])
    expect(await take(follower, false)).toBeUndefined()
  })
})
