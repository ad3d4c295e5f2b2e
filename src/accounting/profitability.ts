import { formatDecimal, unitsAtScale, type ScaledDecimal } from '../market/decimal.js'
import { cash, netPnl, type CurrencyTotals } from './account-totals.js'
import { addAmounts, divideHalfEven, formatAmount } from './amount.js'
import type { Ledger } from './ledger.js'

/** How one strategy did in one quote currency, net of fees, as text rounded half-even. */
export interface StrategyProfitability {
  readonly strategyId: number
  readonly quote: string
  /** realized + unrealized, before fees. */
  readonly grossPnl: string
  readonly fees: string
  readonly netPnl: string
  readonly cash: string
  readonly volume: string
  /** Fees per unit traded, bps of volume, 2 decimals; undefined when nothing was traded. */
  readonly feesBpsOfVolume: string | undefined
  /** Net PnL per unit traded, bps of volume, 2 decimals: the edge left after fees. */
  readonly netBpsOfVolume: string | undefined
  /** Share of volume that rested (maker), percent, 2 decimals. */
  readonly makerVolumePct: string | undefined
  readonly fills: number
  /** True when the strategy earned more than it paid in fees. */
  readonly profitableNetOfFees: boolean
}

/** numerator / denominator × multiplier, exact then rounded half-even to 2 decimals; undefined for a zero denominator. */
function ratioText(numerator: ScaledDecimal, denominator: ScaledDecimal, multiplier: bigint): string | undefined {
  const scale = Math.max(numerator.scale, denominator.scale)
  const d = unitsAtScale(denominator, scale)!
  if (d === 0n) return undefined
  const n = unitsAtScale(numerator, scale)! * multiplier * 100n
  return formatDecimal(d < 0n ? divideHalfEven(-n, -d) : divideHalfEven(n, d), 2)
}

/** One strategy's profitability from its totals in one quote currency. */
export function profitabilityOf(strategyId: number, t: CurrencyTotals): StrategyProfitability {
  const d = t.quoteDecimals
  const net = netPnl(t)
  return {
    strategyId,
    quote: t.quote,
    grossPnl: formatAmount(addAmounts(t.realized, t.unrealized), d),
    fees: formatAmount(t.fees, d),
    netPnl: formatAmount(net, d),
    cash: formatAmount(cash(t), d),
    volume: formatAmount(t.volume, d),
    feesBpsOfVolume: ratioText(t.fees, t.volume, 10_000n),
    netBpsOfVolume: ratioText(net, t.volume, 10_000n),
    makerVolumePct: ratioText(t.makerVolume, t.volume, 100n),
    fills: t.fills,
    profitableNetOfFees: net.units > 0n,
  }
}

/** Every strategy's profitability net of fees, by strategy id then quote currency. */
export function strategyProfitability(ledger: Ledger): StrategyProfitability[] {
  const rows: StrategyProfitability[] = []
  for (const strategyId of ledger.strategyIds()) {
    const totals = [...ledger.strategyTotals(strategyId).values()].sort((a, b) => (a.quote < b.quote ? -1 : a.quote > b.quote ? 1 : 0))
    for (const t of totals) rows.push(profitabilityOf(strategyId, t))
  }
  return rows
}
