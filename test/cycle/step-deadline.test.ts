import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cycleSchedule, stepDeadlineNs } from '../../src/cycle/step-barrier.js'

const MS = 1e6

describe('step deadlines within the cycle', () => {
  it("the schedule adds up each step's shortest deadline; a step with no agents takes none", () => {
    const step = (...deadlines: number[]) => ({ step: 2, participants: deadlines.map((deadlineMs, index) => ({ index, deadlineMs })) })
    expect(cycleSchedule([step(3, 5), step(), step(2), step(4)], 100 * MS)).toEqual([100 * MS, 103 * MS, 103 * MS, 105 * MS])
  })

  it('gives a step its own deadline, plus what earlier steps left unused, at most that deadline again', () => {
    // The first step begins on the schedule: nothing to carry.
    expect(stepDeadlineNs(0, 0, 1)).toBe(1 * MS)
    // Began 0.4 ms ahead of the schedule: due + own deadline.
    expect(stepDeadlineNs(2.6 * MS, 3 * MS, 1)).toBe(4 * MS)
    // Far ahead: capped at twice its own deadline.
    expect(stepDeadlineNs(0.5 * MS, 6 * MS, 1)).toBe(2.5 * MS)
    // Behind the schedule (earlier steps ran long): its own deadline, never less.
    expect(stepDeadlineNs(8 * MS, 5 * MS, 1)).toBe(9 * MS)
  })

  it('never shortens a deadline, never more than doubles it, and with one deadline for all never ends a step after the next is due', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0.001, max: 500, noNaN: true }), (startNs, dueNs, deadlineMs) => {
        const deadline = stepDeadlineNs(startNs, dueNs, deadlineMs)
        expect(deadline).toBeGreaterThanOrEqual(startNs + deadlineMs * MS)
        expect(deadline).toBeLessThanOrEqual(startNs + 2 * deadlineMs * MS + 1e-6)
        // The next step is due at dueNs + deadline: a step that began on time or early ends by then.
        if (startNs <= dueNs) expect(deadline).toBeLessThanOrEqual(dueNs + deadlineMs * MS + 1e-6)
      }),
    )
  })
})
