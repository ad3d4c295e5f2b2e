import { WavesError } from '../errors/index.js'
import { parseDecimal, type ScaledDecimal } from '../market/decimal.js'
import { Liquidity } from '../schemas/index.js'
import { subtractAmounts } from './amount.js'

/** One row of a venue's published fee table: from this 30-day volume up, these rates. */
export interface FeeTier {
  /** 30-day traded volume at which the tier starts, decimal text in the schedule's volume currency ('0', '1000000'). */
  readonly minVolume30d: string
  /** Basis points of notional for a resting (maker) fill; negative is a rebate. Fractions allowed (0.9, 5.2). */
  readonly makerBps: number
  /** Basis points of notional for a taking fill. */
  readonly takerBps: number
}

/** A venue's maker/taker fee tiers by 30-day volume, as venues publish them. */
export interface FeeSchedule {
  readonly venue: string
  /** What the thresholds are counted in ('USD'); fills in a USD stablecoin count at par. */
  readonly volumeCurrency: string
  /** Lowest threshold first; the first starts at 0. */
  readonly tiers: readonly FeeTier[]
}

/** The tier a volume falls in, with its position in the table (0 = the entry tier). */
export interface FeeTierMatch extends FeeTier {
  readonly tierIndex: number
}

const MAX_ABS_BPS = 10_000

/**
 * A checked fee schedule: thresholds parsed once, tiers looked up by volume.
 *
 * # Errors
 * `ERR_FEE_SCHEDULE`, listing every problem: no tiers, a first tier not at
 * 0, thresholds not strictly rising or not decimals, rates not finite or
 * beyond ±10 000 bps.
 */
export class VenueFeeTiers {
  readonly schedule: FeeSchedule
  readonly #thresholds: readonly ScaledDecimal[]

  constructor(schedule: FeeSchedule) {
    const problems: string[] = []
    const thresholds: ScaledDecimal[] = []
    if (schedule.tiers.length === 0) problems.push('tiers must list at least one tier')
    schedule.tiers.forEach((tier, i) => {
      const at = `tiers[${i}]`
      let threshold: ScaledDecimal | undefined
      try {
        threshold = parseDecimal(tier.minVolume30d)
      } catch {
        problems.push(`${at}.minVolume30d must be a decimal as text, got ${JSON.stringify(tier.minVolume30d)}`)
      }
      if (threshold !== undefined) {
        const previous = thresholds.at(-1)
        if (i === 0 && threshold.units !== 0n) problems.push(`${at}.minVolume30d must be 0 for the entry tier, got ${tier.minVolume30d}`)
        if (previous !== undefined && subtractAmounts(threshold, previous).units <= 0n) problems.push(`${at}.minVolume30d must be above the tier before, got ${tier.minVolume30d}`)
        thresholds.push(threshold)
      }
      for (const key of ['makerBps', 'takerBps'] as const) {
        const bps = tier[key]
        if (typeof bps !== 'number' || !Number.isFinite(bps) || Math.abs(bps) > MAX_ABS_BPS) problems.push(`${at}.${key} must be a finite number of basis points within ±${MAX_ABS_BPS}, got ${String(bps)}`)
      }
    })
    if (problems.length > 0) {
      throw new WavesError('ERR_FEE_SCHEDULE', `fee schedule of ${schedule.venue}: ${problems.join('; ')}`, { venue: schedule.venue, problems })
    }
    this.schedule = schedule
    this.#thresholds = thresholds
  }

  /** The highest tier whose threshold the 30-day volume has reached. */
  tierFor(volume30d: ScaledDecimal): FeeTierMatch {
    let index = 0
    for (let i = 1; i < this.#thresholds.length; i++) {
      if (subtractAmounts(volume30d, this.#thresholds[i]!).units < 0n) break
      index = i
    }
    return { ...this.schedule.tiers[index]!, tierIndex: index }
  }

  /** The rate a fill of this liquidity pays at this 30-day volume, in bps: what `feeQuoteUnits` takes. */
  bpsFor(liquidity: Liquidity, volume30d: ScaledDecimal): number {
    const tier = this.tierFor(volume30d)
    return liquidity === Liquidity.Maker ? tier.makerBps : tier.takerBps
  }
}
