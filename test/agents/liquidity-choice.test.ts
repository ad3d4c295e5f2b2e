import { describe, expect, it } from 'vitest'
import { postingPlanOf, type PostingInputs } from '../../src/agents/execution/liquidity-choice.js'
import { Liquidity, Side } from '../../src/schemas/index.js'

// 98 / 102 around 100: a 400 bps spread; no maker fee, 10 bps to take.
const base: PostingInputs = {
  side: Side.Buy,
  limitTicks: 102,
  bidTicks: 98,
  askTicks: 102,
  makerVenue: 1,
  makerBps: 0,
  takerBps: 10,
  fillProbability: 0.5,
  missCostBps: 5,
  adverseSelectionBps: 0,
}

describe('postingPlanOf', () => {
  it('joins the touch on its own side, or rests at a limit further back', () => {
    expect(postingPlanOf(base).plan).toMatchObject({ venue: 1, priceTicks: 98 })
    expect(postingPlanOf({ ...base, limitTicks: 97 }).plan?.priceTicks).toBe(97)
    expect(postingPlanOf({ ...base, side: Side.Sell, limitTicks: 98 }).plan?.priceTicks).toBe(102)
    expect(postingPlanOf({ ...base, side: Side.Sell, limitTicks: 103 }).plan?.priceTicks).toBe(103)
  })

  it('weighs take = s/2 + taker against post = p(m − s/2 + a) + (1 − p)(take + miss)', () => {
    const { choice } = postingPlanOf(base)
    expect(choice).toMatchObject({ liquidity: Liquidity.Maker, takeCostBps: 210, postCostBps: 7.5, postSavingBps: 202.5 })
    // Posting pays above p* = miss / (s + τ − m − a + miss) = 5 / 415.
    expect(choice!.breakEvenFillProbability).toBeCloseTo(5 / 415, 15)
    expect(postingPlanOf({ ...base, fillProbability: 0.01 }).plan).toBeUndefined()
    expect(postingPlanOf({ ...base, fillProbability: 0.02 }).plan).toBeDefined()
  })

  it('does not choose without a two-sided book or a venue to rest on', () => {
    expect(postingPlanOf({ ...base, bidTicks: Number.NaN })).toEqual({ plan: undefined, choice: undefined })
    expect(postingPlanOf({ ...base, askTicks: 98 })).toEqual({ plan: undefined, choice: undefined })
    expect(postingPlanOf({ ...base, makerVenue: -1 })).toEqual({ plan: undefined, choice: undefined })
  })
})
