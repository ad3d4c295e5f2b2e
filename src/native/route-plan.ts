/**
 * The layout of a routing decision's plan, as the Router (native or
 * fallback) writes it into the caller's `out` array, and a reader that turns
 * it into objects for code off the hot path. The Rust side's constants are
 * in `native/src/router/mod.rs`; they must match.
 *
 * ```
 * out[0..3]             filledLots, unfilledLots, restingVenue (-1: none)
 * out[3 + 5c .. 8 + 5c] child c: venue, priceLimitTicks, sizeLots,
 *                       expectedAvgPriceTicks, expectedFeeTickLots
 * ```
 */

/** Numbers before the first child. */
export const PLAN_HEADER = 3
/** Numbers per child order. */
export const CHILD_FIELDS = 5
/** Numbers per venue in `venueCosts`: takerFeeBps, makerFeeBps, latencyMs. */
export const VENUE_COST_FIELDS = 3

/** The `out` length a decision over `venues` venues needs: one child per venue at most. */
export function planLength(venues: number): number {
  return PLAN_HEADER + CHILD_FIELDS * venues
}

/** One child order: a marketable limit order to one venue. */
export interface ChildOrderPlan {
  /** Index of the venue in the decision's arrays. */
  venue: number
  /** The worst level taken there: the child's limit price. */
  priceLimitTicks: number
  sizeLots: number
  /** Notional over size, in ticks (not an integer in general). */
  expectedAvgPriceTicks: number
  /** Notional × taker fee bps / 10 000, in tick-lots (price ticks × lots). */
  expectedFeeTickLots: number
}

export interface RoutePlan {
  filledLots: number
  unfilledLots: number
  /**
   * Where the unfilled lots would rest as a maker order (lowest maker fee,
   * then latency, then index); null for a market order or when all filled.
   */
  restingVenue: number | null
  /** In venue order. */
  children: ChildOrderPlan[]
}

export function readRoutePlan(out: Float64Array, children: number): RoutePlan {
  const plan: RoutePlan = {
    filledLots: out[0] as number,
    unfilledLots: out[1] as number,
    restingVenue: out[2] === -1 ? null : (out[2] as number),
    children: [],
  }
  for (let c = 0; c < children; c++) {
    const at = PLAN_HEADER + c * CHILD_FIELDS
    plan.children.push({
      venue: out[at] as number,
      priceLimitTicks: out[at + 1] as number,
      sizeLots: out[at + 2] as number,
      expectedAvgPriceTicks: out[at + 3] as number,
      expectedFeeTickLots: out[at + 4] as number,
    })
  }
  return plan
}
