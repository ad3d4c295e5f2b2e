import { formatDecimal, parseDecimal, type ScaledDecimal } from '../market/decimal.js'
import type { InstrumentPrecision } from '../market/instrument-spec.js'
import { Liquidity, Side } from '../schemas/index.js'
import { divideHalfEven } from './amount.js'

/**
 * One strategy's position in one instrument on one venue, in exact integers.
 *
 * Units: lots and ticks of that venue's instrument; money from trading in
 * tick × lot units (one unit is `precision.notional(1, 1)` of the quote, e.g.
 * 10^-7 USDT for BTC-USDT at tick 0.01 and lot 0.00001); fees in the quote's
 * smallest unit (10^-quoteDecimals). Fees stay apart from the cost basis, so
 * realized PnL is gross and net PnL is realized + unrealized − fees.
 *
 * Average cost: the open lots carry their cost basis (Σ signed lots × entry
 * ticks); the average entry price is basis / lots, a rational, derived on
 * demand. A reducing fill realizes (exit − average) on the lots it closes.
 * Closing the whole position removes the whole basis, so a flat position's
 * realized PnL equals its trading cash exactly. A partial close removes the
 * pro-rata share of the basis rounded half-even to one tick × lot unit; the
 * rest stays with the open lots, so nothing is created or lost:
 * realized = trading cash + cost basis holds exactly after every fill, and
 * realized + unrealized = trading cash + lots × mark, with no rounding.
 * A fill that crosses zero first closes the whole position at its average
 * and then opens the remainder at the fill price.
 */
export interface PositionState {
  readonly strategyId: number
  readonly venueId: number
  readonly instrumentId: number
  readonly precision: InstrumentPrecision
  /** Signed: negative is short. */
  netLots: bigint
  /** Σ signed lots × entry ticks of the open lots: same sign as netLots, 0 when flat. */
  costBasisTickLots: bigint
  realizedTickLots: bigint
  /** + ticks × lots for a sell, − for a buy; fees apart. */
  tradingCashTickLots: bigint
  feesQuoteUnits: bigint
  makerFeesQuoteUnits: bigint
  /** Σ ticks × lots traded, both sides: what venues count toward a fee tier. */
  volumeTickLots: bigint
  makerVolumeTickLots: bigint
  fills: number
  makerFills: number
}

export function openPosition(strategyId: number, venueId: number, instrumentId: number, precision: InstrumentPrecision): PositionState {
  return {
    strategyId,
    venueId,
    instrumentId,
    precision,
    netLots: 0n,
    costBasisTickLots: 0n,
    realizedTickLots: 0n,
    tradingCashTickLots: 0n,
    feesQuoteUnits: 0n,
    makerFeesQuoteUnits: 0n,
    volumeTickLots: 0n,
    makerVolumeTickLots: 0n,
    fills: 0,
    makerFills: 0,
  }
}

/** Books one fill into `p` (average cost, as above). Inputs are checked by the ledger. */
export function bookFill(p: PositionState, side: Side, liquidity: Liquidity, priceTicks: number, sizeLots: number, feeQuoteUnits: bigint): void {
  const price = BigInt(priceTicks)
  const lots = BigInt(sizeLots)
  const signedLots = side === Side.Buy ? lots : -lots
  const tradeValue = lots * price
  p.tradingCashTickLots += side === Side.Buy ? -tradeValue : tradeValue
  p.volumeTickLots += tradeValue
  p.feesQuoteUnits += feeQuoteUnits
  p.fills++
  if (liquidity === Liquidity.Maker) {
    p.makerFeesQuoteUnits += feeQuoteUnits
    p.makerVolumeTickLots += tradeValue
    p.makerFills++
  }

  if (p.netLots === 0n || p.netLots > 0n === signedLots > 0n) {
    p.netLots += signedLots
    p.costBasisTickLots += signedLots * price
    return
  }
  const openLots = p.netLots < 0n ? -p.netLots : p.netLots
  const closingLots = lots < openLots ? lots : openLots
  const removedBasis = closingLots === openLots ? p.costBasisTickLots : divideHalfEven(p.costBasisTickLots * closingLots, openLots)
  // the closing part has the fill's sign: selling out of a long, buying back a short
  const closingSigned = p.netLots > 0n ? -closingLots : closingLots
  p.realizedTickLots += -closingSigned * price - removedBasis
  p.costBasisTickLots -= removedBasis
  p.netLots += closingSigned
  const openingSigned = signedLots - closingSigned
  if (openingSigned !== 0n) {
    p.netLots += openingSigned
    p.costBasisTickLots += openingSigned * price
  }
}

/** An amount in this position's tick × lot units as an exact decimal of the quote currency. */
export function tickLotsAmount(p: PositionState, tickLots: bigint): ScaledDecimal {
  const unit = p.precision.notional(1, 1)
  return { units: tickLots * unit.units, scale: unit.scale }
}

/** The average entry price in ticks as an exact fraction (basis / lots, both positive), or undefined when flat. */
export function averageEntryTicks(p: PositionState): { readonly numerator: bigint; readonly denominator: bigint } | undefined {
  if (p.netLots === 0n) return undefined
  const sign = p.netLots < 0n ? -1n : 1n
  return { numerator: p.costBasisTickLots * sign, denominator: p.netLots * sign }
}

/**
 * The average entry price as decimal text with `fractionDigits` digits,
 * rounded half-even (the exact value is generally off the tick grid), or
 * undefined when flat.
 */
export function averageEntryPrice(p: PositionState, fractionDigits: number): string | undefined {
  const ticks = averageEntryTicks(p)
  if (ticks === undefined) return undefined
  const tick = parseDecimal(p.precision.spec.tickSize)
  // price = num / den × tick.units × 10^-tick.scale; at fractionDigits:
  const shift = fractionDigits - tick.scale
  const numerator = ticks.numerator * tick.units * (shift >= 0 ? 10n ** BigInt(shift) : 1n)
  const denominator = ticks.denominator * (shift < 0 ? 10n ** BigInt(-shift) : 1n)
  return formatDecimal(divideHalfEven(numerator, denominator), fractionDigits)
}
