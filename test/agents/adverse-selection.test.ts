import { describe, expect, it } from 'vitest'
import { AdverseSelection, adverseMoveBps } from '../../src/agents/execution/adverse-selection.js'
import { Side } from '../../src/schemas/index.js'

describe('adverse selection of maker fills', () => {
  it('is the mid moving against the fill, in bps of the mid at the fill', () => {
    expect(adverseMoveBps(Side.Buy, 10_000, 9_990)).toBe(10)
    expect(adverseMoveBps(Side.Buy, 10_000, 10_010)).toBe(-10)
    expect(adverseMoveBps(Side.Sell, 10_000, 10_020)).toBe(20)
  })

  it('measures each fill once its horizon has passed, from a prior, and counts fills with no mid to measure against', () => {
    const a = new AdverseSelection(2, 1_000)
    a.filled(0, Side.Buy, 10_000, 0)
    a.filled(1, Side.Sell, 20_000, 500)
    a.filled(0, Side.Buy, Number.NaN, 600)
    const mids = [9_990, Number.NaN]
    expect(a.settle(999, (i) => mids[i]!)).toBe(0)
    expect(a.settle(1_000, (i) => mids[i]!)).toBe(1)
    expect(a.bps).toBeCloseTo(2 + 0.1 * (10 - 2), 12)
    expect(a.settle(2_000, (i) => mids[i]!)).toBe(1)
    expect({ measured: a.measured, unmeasured: a.unmeasured }).toEqual({ measured: 1, unmeasured: 2 })
  })
})
