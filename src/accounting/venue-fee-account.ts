import type { ScaledDecimal } from '../market/decimal.js'
import { Liquidity } from '../schemas/index.js'
import { feeQuoteUnits } from './fee.js'
import type { FeeTierMatch, VenueFeeTiers } from './fee-schedule.js'
import { RollingVolume } from './rolling-volume.js'

/** What the schedule says one fill should have cost, next to what the venue charged. */
export interface FeeCheck {
  readonly tier: FeeTierMatch
  readonly bps: number
  readonly expectedFeeQuoteUnits: bigint
  readonly chargedFeeQuoteUnits: bigint
}

/**
 * One venue's fee standing: its tier table and the 30-day volume that picks
 * the tier. Each fill is checked against the tier in force when it traded
 * (the volume before it), then counted toward the next: a charged fee that
 * differs from the schedule's shows a wrong table, a missed tier change or a
 * venue error, and is worth an alert.
 */
export class VenueFeeAccount {
  readonly tiers: VenueFeeTiers
  readonly volume: RollingVolume
  #checked = 0
  #mismatched = 0

  constructor(tiers: VenueFeeTiers, windowDays = 30) {
    this.tiers = tiers
    this.volume = new RollingVolume(windowDays)
  }

  /** The tier a fill at `nowNs` pays. */
  currentTier(nowNs: number): FeeTierMatch {
    return this.tiers.tierFor(this.volume.total(nowNs))
  }

  /**
   * Charges one fill as the venue does: the fee at the tier in force before
   * it (rounded toward +∞), then its notional counts toward the 30-day volume.
   */
  charge(tsNs: number, notional: ScaledDecimal, liquidity: Liquidity, quoteDecimals: number): bigint {
    return this.#priced(tsNs, notional, liquidity, quoteDecimals).fee
  }

  /** Checks one fill's fee against the schedule and counts its notional toward the 30-day volume. */
  record(tsNs: number, notional: ScaledDecimal, liquidity: Liquidity, quoteDecimals: number, chargedFeeQuoteUnits: bigint): FeeCheck {
    const { tier, bps, fee: expectedFeeQuoteUnits } = this.#priced(tsNs, notional, liquidity, quoteDecimals)
    this.#checked++
    if (expectedFeeQuoteUnits !== chargedFeeQuoteUnits) this.#mismatched++
    return { tier, bps, expectedFeeQuoteUnits, chargedFeeQuoteUnits }
  }

  /** A fill priced at the tier in force before it, its notional then counted toward the volume. */
  #priced(tsNs: number, notional: ScaledDecimal, liquidity: Liquidity, quoteDecimals: number): { tier: FeeTierMatch; bps: number; fee: bigint } {
    const tier = this.currentTier(tsNs)
    const bps = liquidity === Liquidity.Maker ? tier.makerBps : tier.takerBps
    this.volume.add(tsNs, notional)
    return { tier, bps, fee: feeQuoteUnits(notional, bps, quoteDecimals) }
  }

  /** Fills checked, and how many were charged other than the schedule says. */
  get counts(): { readonly checked: number; readonly mismatched: number } {
    return { checked: this.#checked, mismatched: this.#mismatched }
  }
}
