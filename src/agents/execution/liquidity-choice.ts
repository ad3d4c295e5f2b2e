import { chooseLiquidity, type MakerTakerChoice } from '../../accounting/index.js'
import { Liquidity, Side } from '../../schemas/index.js'

/** What the maker/taker choice weighs for one parent. */
export interface PostingInputs {
  side: Side
  limitTicks: number
  /** The consolidated touch; either may be NaN when a side shows nothing. */
  bidTicks: number
  askTicks: number
  /** The venue a posted order would rest on (index from 0, -1 for none) and its maker fee. */
  makerVenue: number
  makerBps: number
  /** The lowest taker fee among the venues up: what taking would pay. */
  takerBps: number
  fillProbability: number
  missCostBps: number
  adverseSelectionBps: number
}

export interface PostingPlan {
  venue: number
  /** Joins the touch on its own side, or rests at the limit when that is further back. */
  priceTicks: number
  choice: MakerTakerChoice
}

/**
 * Whether to post a parent at the touch rather than take, by the expected
 * cost of each (`chooseLiquidity`); the plan to post, or undefined to take,
 * with the choice either way for the counters. No posting without a
 * two-sided book or a venue to rest on.
 */
export function postingPlanOf(p: PostingInputs): { plan: PostingPlan | undefined; choice: MakerTakerChoice | undefined } {
  if (!(p.bidTicks > 0 && p.askTicks > p.bidTicks) || p.makerVenue < 0) return { plan: undefined, choice: undefined }
  const mid = (p.bidTicks + p.askTicks) / 2
  const choice = chooseLiquidity({
    spreadBps: ((p.askTicks - p.bidTicks) / mid) * 10_000,
    fillProbability: p.fillProbability,
    makerBps: p.makerBps,
    takerBps: p.takerBps,
    adverseSelectionBps: p.adverseSelectionBps,
    missCostBps: p.missCostBps,
  })
  if (choice.liquidity !== Liquidity.Maker) return { plan: undefined, choice }
  const priceTicks = p.side === Side.Buy ? Math.min(p.limitTicks, p.bidTicks) : Math.max(p.limitTicks, p.askTicks)
  return { plan: { venue: p.makerVenue, priceTicks, choice }, choice }
}
