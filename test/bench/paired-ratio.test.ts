import { describe, expect, it } from 'vitest'
import { median, pairedRatio } from '../../bench/harness/report.js'

describe('paired ratio', () => {
  it('is the median of each round’s own ratio', () => {
    expect(pairedRatio([100, 300, 200], [50, 100, 200])).toBe(2)
  })

  it('compares runs of one round, not the rows’ medians', () => {
    // Round 1 ran in a fast moment for both, rounds 2 and 3 in a slow one.
    const waves = [300, 100, 90]
    const other = [200, 60, 60]
    expect(pairedRatio(waves, other)).toBe(1.5)
    // The rows' medians pair round 2's waves with round 2 or 3's other: here 100/60.
    expect(Math.round((median(waves) / median(other)) * 100) / 100).toBe(1.67)
  })

  it('is nothing when either side did not run', () => {
    expect(pairedRatio(undefined, [1])).toBeUndefined()
    expect(pairedRatio([1], undefined)).toBeUndefined()
    expect(pairedRatio([], [])).toBeUndefined()
  })

  it('refuses runs that do not pair up', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/2 against 1/)
  })
})
