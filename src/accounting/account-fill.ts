import type { Liquidity, Side } from '../schemas/index.js'

/**
 * One execution as the ledger books it: the venue's execution record
 * (a sim venue `Execution` has every field but the two ids) plus which
 * strategy's order it filled and on which venue. Price in the venue's ticks
 * and size in its lots for the instrument; the fee is exact, in the quote
 * currency's smallest unit (negative for a rebate).
 */
export interface AccountFill {
  readonly strategyId: number
  readonly venueId: number
  readonly instrumentId: number
  readonly side: Side
  readonly liquidity: Liquidity
  readonly priceTicks: number
  readonly sizeLots: number
  readonly feeQuoteUnits: bigint
}
