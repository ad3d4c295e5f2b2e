import { describe, expect, it } from 'vitest'
import { nextCycleStart } from '../../src/cycle/schedule.js'
import { stepName, CycleStep } from '../../src/cycle/steps.js'

describe('cycle schedule', () => {
  it('starts the next cycle on the next boundary when the cycle ended in time', () => {
    expect(nextCycleStart(1_000, 10, 1_050, 1_052)).toEqual({ startMs: 1_060, overrun: false, skipped: 0 })
    expect(nextCycleStart(1_000, 10, 1_050, 1_060)).toEqual({ startMs: 1_060, overrun: false, skipped: 0 })
  })

  it('counts an overrun and skips every boundary the cycle ran past: no backlog', () => {
    // Planned at 1050, ended at 1083: boundaries 1060, 1070, 1080 are gone; next is 1090.
    expect(nextCycleStart(1_000, 10, 1_050, 1_083)).toEqual({ startMs: 1_090, overrun: true, skipped: 3 })
    // Ending just past a boundary skips only that one.
    expect(nextCycleStart(1_000, 10, 1_050, 1_060.5)).toEqual({ startMs: 1_070, overrun: true, skipped: 1 })
  })

  it('keeps boundaries anchored to the first cycle, so late starts do not drift the grid', () => {
    const first = 0
    let planned = 0
    const starts: number[] = []
    for (const duration of [3, 25, 4, 4, 12]) {
      const next = nextCycleStart(first, 10, planned, planned + duration)
      planned = next.startMs
      starts.push(planned)
    }
    expect(starts.every((s) => s % 10 === 0)).toBe(true)
    expect(starts).toEqual([10, 40, 50, 60, 80])
  })

  it('names steps in lower case with underscores', () => {
    expect([CycleStep.Initialize, CycleStep.EvaluateRisk, CycleStep.Report].map(stepName)).toEqual(['initialize', 'evaluate_risk', 'report'])
  })
})
