/**
 * Accounting: fills booked into positions per (strategy, venue, instrument)
 * in exact bigint units (lots, ticks × lots, the quote's smallest unit), at
 * average cost, rolled up per strategy and in total per quote currency;
 * venue fee tiers, the fee of a fill, the maker/taker choice and
 * profitability net of fees. Decimal text only at the edge, half-even.
 */
export type { AccountFill } from './account-fill.js'
export { accumulateTotals, addTotals, cash, formatTotals, netPnl, positionTotals, type CurrencyTotals, type FormattedTotals } from './account-totals.js'
export { addAmounts, amountsEqual, divideHalfEven, formatAmount, formatAmountExact, subtractAmounts, unitsHalfEven, ZERO_AMOUNT } from './amount.js'
export { ceilDiv, feeQuoteUnits } from './fee.js'
export { VenueFeeTiers, type FeeSchedule, type FeeTier, type FeeTierMatch } from './fee-schedule.js'
export { Ledger, type LedgerOptions } from './ledger.js'
export { chooseLiquidity, type MakerTakerChoice, type MakerTakerInputs } from './maker-taker.js'
export { averageEntryPrice, averageEntryTicks, bookFill, openPosition, tickLotsAmount, type PositionState } from './position.js'
export { profitabilityOf, strategyProfitability, type StrategyProfitability } from './profitability.js'
export { flatFeeSchedule, PUBLISHED_FEE_SCHEDULES } from './published-fee-schedules.js'
export { RollingVolume } from './rolling-volume.js'
export type { LedgerSnapshot, PositionSnapshot } from './ledger-snapshot.js'
export { VenueFeeAccount, type FeeCheck } from './venue-fee-account.js'
export { venueFeeAccountsOf, venueFeeSchedulesOf } from './venue-fee-accounts.js'
