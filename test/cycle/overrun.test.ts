import { describe, expect, it } from 'vitest'
import { OverrunLog, overrunOf, type Overrun } from '../../src/cycle/overrun.js'

/** A logger that keeps what it was given: the test reads the lines back. */
function recordingLog() {
  const lines: Array<{ fields: Record<string, unknown>; msg: string }> = []
  return { lines, warn: (fields: Record<string, unknown>, msg: string) => void lines.push({ fields, msg }) }
}

const overrun = (cycle: number): Overrun => overrunOf(cycle, 1_000_000, 1_250_000, 13_987_654_321, { slowest: 'analyze', slowestNs: 12_345_678, totalNs: 20_000_000 }, 1)

describe('overruns', () => {
  it('say what made the cycle late: its start lag, its length, its slowest step and all its steps, to the microsecond', () => {
    expect(overrunOf(7, 1_000_000, 1_250_400, 13_250_400, { slowest: 'analyze', slowestNs: 11_400_600, totalNs: 11_900_000 }, 2)).toEqual({
      cycle: 7,
      startLagMs: 0.25,
      cycleMs: 12,
      slowestStep: 'analyze',
      slowestStepMs: 11.401,
      stepsMs: 11.9,
      skipped: 2,
    })
    expect(overrunOf(8, 0, 0, 5_000_000, undefined, 0)).toMatchObject({ slowestStep: undefined, slowestStepMs: 0, stepsMs: 0 })
  })

  it('are logged the first at once, then at most one line a second, each with how many overran since the line before', () => {
    const log = recordingLog()
    const overruns = new OverrunLog(log, 1_000)
    overruns.record(overrun(1), 10_000)
    overruns.record(overrun(2), 10_010)
    overruns.record(overrun(3), 10_500)
    overruns.record(overrun(4), 11_000)
    overruns.record(overrun(5), 11_999)
    overruns.record(overrun(6), 30_000)
    expect(log.lines.map((l) => [l.fields['cycle'], l.fields['overruns']])).toEqual([
      [1, 1],
      [4, 3],
      [6, 2],
    ])
    expect(log.lines[0]).toEqual({
      fields: { cycle: 1, startLagMs: 0.25, cycleMs: 13986.404, slowestStep: 'analyze', slowestStepMs: 12.346, stepsMs: 20, skipped: 1, overruns: 1 },
      msg: 'cycle overran its interval; the next starts on the next boundary',
    })
  })
})
