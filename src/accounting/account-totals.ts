import type { ScaledDecimal } from '../market/decimal.js'
import { addAmounts, formatAmount, subtractAmounts } from './amount.js'
import { tickLotsAmount, type PositionState } from './position.js'

/**
 * The money of some positions in one quote currency, exact. Amounts of
 * different currencies are never added: a roll-up is one of these per quote.
 */
export interface CurrencyTotals {
  readonly quote: string
  /** Decimals of the quote's smallest unit: what `formatTotals` rounds to. */
  readonly quoteDecimals: number
  readonly realized: ScaledDecimal
  readonly unrealized: ScaledDecimal
  readonly fees: ScaledDecimal
  readonly makerFees: ScaledDecimal
  /** Σ sell value − Σ buy value, fees apart. */
  readonly tradingCash: ScaledDecimal
  /** Σ open lots × mark. */
  readonly marketValue: ScaledDecimal
  readonly volume: ScaledDecimal
  readonly makerVolume: ScaledDecimal
  readonly fills: number
  readonly makerFills: number
}

/** realized + unrealized − fees: what the positions earned, net. */
export function netPnl(t: CurrencyTotals): ScaledDecimal {
  return subtractAmounts(addAmounts(t.realized, t.unrealized), t.fees)
}

/** trading cash − fees: the quote balance the fills moved. */
export function cash(t: CurrencyTotals): ScaledDecimal {
  return subtractAmounts(t.tradingCash, t.fees)
}

/**
 * One position's totals at a mark given in half ticks (twice the price in
 * ticks, so the mid of a one-tick spread is exact); undefined only when the
 * position is flat: a flat position needs no mark.
 */
export function positionTotals(p: PositionState, markHalfTicks: number | undefined): CurrencyTotals {
  const { quote, quoteDecimals } = p.precision.spec
  const mark = BigInt(markHalfTicks ?? 0)
  return {
    quote,
    quoteDecimals,
    realized: tickLotsAmount(p, p.realizedTickLots),
    unrealized: halfTickLotsAmount(p, p.netLots * mark - 2n * p.costBasisTickLots),
    fees: { units: p.feesQuoteUnits, scale: quoteDecimals },
    makerFees: { units: p.makerFeesQuoteUnits, scale: quoteDecimals },
    tradingCash: tickLotsAmount(p, p.tradingCashTickLots),
    marketValue: halfTickLotsAmount(p, p.netLots * mark),
    volume: tickLotsAmount(p, p.volumeTickLots),
    makerVolume: tickLotsAmount(p, p.makerVolumeTickLots),
    fills: p.fills,
    makerFills: p.makerFills,
  }
}

/** An amount counted in halves of this position's tick × lot unit: × 5 at one more decimal. */
function halfTickLotsAmount(p: PositionState, halfTickLots: bigint): ScaledDecimal {
  const whole = tickLotsAmount(p, halfTickLots * 5n)
  return { units: whole.units, scale: whole.scale + 1 }
}

/** a + b, field by field; both must be in the same quote currency. */
export function addTotals(a: CurrencyTotals, b: CurrencyTotals): CurrencyTotals {
  return {
    quote: a.quote,
    quoteDecimals: Math.max(a.quoteDecimals, b.quoteDecimals),
    realized: addAmounts(a.realized, b.realized),
    unrealized: addAmounts(a.unrealized, b.unrealized),
    fees: addAmounts(a.fees, b.fees),
    makerFees: addAmounts(a.makerFees, b.makerFees),
    tradingCash: addAmounts(a.tradingCash, b.tradingCash),
    marketValue: addAmounts(a.marketValue, b.marketValue),
    volume: addAmounts(a.volume, b.volume),
    makerVolume: addAmounts(a.makerVolume, b.makerVolume),
    fills: a.fills + b.fills,
    makerFills: a.makerFills + b.makerFills,
  }
}

/** Adds `t` into the per-quote map `into`. */
export function accumulateTotals(into: Map<string, CurrencyTotals>, t: CurrencyTotals): void {
  const sum = into.get(t.quote)
  into.set(t.quote, sum === undefined ? t : addTotals(sum, t))
}

/** Totals as decimal text, each rounded once, half-even, to the quote's smallest unit. */
export interface FormattedTotals {
  readonly quote: string
  readonly realized: string
  readonly unrealized: string
  readonly fees: string
  readonly makerFees: string
  readonly netPnl: string
  readonly cash: string
  readonly marketValue: string
  readonly volume: string
  readonly fills: number
  readonly makerFills: number
}

/**
 * The totals as text. Each figure is rounded from its exact value, so the
 * texts need not add up in the last digit (net PnL is rounded from the exact
 * realized + unrealized − fees, not from the rounded parts).
 */
export function formatTotals(t: CurrencyTotals): FormattedTotals {
  const d = t.quoteDecimals
  return {
    quote: t.quote,
    realized: formatAmount(t.realized, d),
    unrealized: formatAmount(t.unrealized, d),
    fees: formatAmount(t.fees, d),
    makerFees: formatAmount(t.makerFees, d),
    netPnl: formatAmount(netPnl(t), d),
    cash: formatAmount(cash(t), d),
    marketValue: formatAmount(t.marketValue, d),
    volume: formatAmount(t.volume, d),
    fills: t.fills,
    makerFills: t.makerFills,
  }
}
