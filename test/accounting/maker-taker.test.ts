import { describe, expect, it } from 'vitest'
import { chooseLiquidity } from '../../src/accounting/maker-taker.js'
import { Liquidity } from '../../src/schemas/index.js'

describe('chooseLiquidity', () => {
  it('posts when the spread and the fee gap outweigh the miss cost at this fill probability', () => {
    // Kraken entry tier, 2 bps spread: take = 1 + 40 = 41; post = 0.6 × (25 − 1 + 1) + 0.4 × (41 + 5) = 33.4
    const choice = chooseLiquidity({ spreadBps: 2, fillProbability: 0.6, makerBps: 25, takerBps: 40, adverseSelectionBps: 1, missCostBps: 5 })
    expect(choice.liquidity).toBe(Liquidity.Maker)
    expect(choice.takeCostBps).toBe(41)
    expect(choice.postCostBps).toBeCloseTo(33.4, 12)
    expect(choice.postSavingBps).toBeCloseTo(7.6, 12)
    expect(choice.breakEvenFillProbability).toBeCloseTo(5 / 21, 12) // c / (s + τ − m − a + c) = 5 / (16 + 5)
  })

  it('never posts when the spread does not pay for adverse selection and the maker fee', () => {
    // equal fees, 1 bp spread, 2 bps adverse selection: g = 1 + 10 − 10 − 2 < 0
    const choice = chooseLiquidity({ spreadBps: 1, fillProbability: 0.99, makerBps: 10, takerBps: 10, adverseSelectionBps: 2, missCostBps: 3 })
    expect(choice.liquidity).toBe(Liquidity.Taker)
    expect(choice.breakEvenFillProbability).toBe(Number.POSITIVE_INFINITY)
    expect(choice.postCostBps).toBeCloseTo(0.99 * 11.5 + 0.01 * 13.5, 12)
  })

  it('turns on the fill probability when a rebate meets urgency', () => {
    // −0.25 rebate, 5 taker, 0.5 spread, miss cost 10: p* = 10 / (5.75 + 10)
    const at = (fillProbability: number) => chooseLiquidity({ spreadBps: 0.5, fillProbability, makerBps: -0.25, takerBps: 5, missCostBps: 10 })
    expect(at(0.2).breakEvenFillProbability).toBeCloseTo(10 / 15.75, 12)
    expect(at(0.2).liquidity).toBe(Liquidity.Taker)
    expect(at(0.8).liquidity).toBe(Liquidity.Maker)
    // no urgency: any chance of a fill is worth waiting for; none is not
    expect(chooseLiquidity({ spreadBps: 0.5, fillProbability: 0.01, makerBps: -0.25, takerBps: 5 }).liquidity).toBe(Liquidity.Maker)
    expect(chooseLiquidity({ spreadBps: 0.5, fillProbability: 0, makerBps: -0.25, takerBps: 5 }).liquidity).toBe(Liquidity.Taker)
  })

  it('names every bad input', () => {
    expect(() => chooseLiquidity({ spreadBps: -1, fillProbability: 1.5, makerBps: Number.NaN, takerBps: 5, missCostBps: -2 })).toThrow(
      'maker/taker choice: spreadBps must be a finite number of bps ≥ 0, got -1; missCostBps must be a finite number of bps ≥ 0, got -2; makerBps must be a finite number of bps, got NaN; fillProbability must be within 0 and 1, got 1.5',
    )
  })
})
