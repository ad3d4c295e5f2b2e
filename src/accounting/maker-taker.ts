import { WavesError } from '../errors/index.js'
import { Liquidity } from '../schemas/index.js'

/** What decides between resting at the touch (maker) and crossing the spread (taker). All rates in bps of mid. */
export interface MakerTakerInputs {
  /** Quoted spread, ask − bid, in bps of mid. */
  readonly spreadBps: number
  /** Chance that an order resting at the touch fills before the trade must be done, 0 to 1. */
  readonly fillProbability: number
  readonly makerBps: number
  readonly takerBps: number
  /** How far price moves against a resting order once it fills (adverse selection). Default 0. */
  readonly adverseSelectionBps?: number
  /** Urgency: how far price is expected to run away before an unfilled order gives up and takes. Default 0. */
  readonly missCostBps?: number
}

export interface MakerTakerChoice {
  readonly liquidity: Liquidity
  /** Cost of taking now: half the spread plus the taker fee. */
  readonly takeCostBps: number
  /** Expected cost of posting first and taking later if it does not fill. */
  readonly postCostBps: number
  /** take − post: what posting is expected to save (negative: what it costs). */
  readonly postSavingBps: number
  /**
   * The fill probability at which both cost the same; posting pays above it.
   * Infinity when posting cannot pay (the spread does not cover the
   * maker fee, adverse selection and the taker fee saved).
   */
  readonly breakEvenFillProbability: number
}

/**
 * Maker or taker, by expected cost per unit traded, measured from mid:
 *
 *   take = s/2 + τ
 *   post = p·(m − s/2 + a) + (1 − p)·(s/2 + τ + c)
 *
 * with s the spread, τ and m the taker and maker fees, a the adverse
 * selection, c the miss cost and p the fill probability. Posting pays when
 * post < take, i.e. p·g > (1 − p)·c with g = s + τ − m − a, the saving of a
 * filled passive order over a take; so p* = c / (g + c) when g > 0, and
 * never when g ≤ 0. A tie takes: a taken fill is certain.
 *
 * # Errors
 * `ERR_FEE_INPUT` naming the input when a rate is not finite, the spread,
 * adverse selection or miss cost is negative, or p is outside 0 to 1.
 */
export function chooseLiquidity(inputs: MakerTakerInputs): MakerTakerChoice {
  const { spreadBps: s, fillProbability: p, makerBps: m, takerBps: t } = inputs
  const a = inputs.adverseSelectionBps ?? 0
  const c = inputs.missCostBps ?? 0
  const problems: string[] = []
  for (const [name, value] of [['spreadBps', s], ['adverseSelectionBps', a], ['missCostBps', c]] as const) {
    if (!Number.isFinite(value) || value < 0) problems.push(`${name} must be a finite number of bps ≥ 0, got ${value}`)
  }
  for (const [name, value] of [['makerBps', m], ['takerBps', t]] as const) {
    if (!Number.isFinite(value)) problems.push(`${name} must be a finite number of bps, got ${value}`)
  }
  if (!(p >= 0 && p <= 1)) problems.push(`fillProbability must be within 0 and 1, got ${p}`)
  if (problems.length > 0) throw new WavesError('ERR_FEE_INPUT', `maker/taker choice: ${problems.join('; ')}`, { ...inputs })

  const takeCostBps = s / 2 + t
  const postCostBps = p * (m - s / 2 + a) + (1 - p) * (takeCostBps + c)
  const saving = s + t - m - a
  const breakEvenFillProbability = saving > 0 ? c / (saving + c) : Number.POSITIVE_INFINITY
  return {
    liquidity: postCostBps < takeCostBps ? Liquidity.Maker : Liquidity.Taker,
    takeCostBps,
    postCostBps,
    postSavingBps: takeCostBps - postCostBps,
    breakEvenFillProbability,
  }
}
