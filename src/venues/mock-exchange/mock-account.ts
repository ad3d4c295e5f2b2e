import { formatDecimal, parseDecimal, unitsAtScale, type ScaledDecimal } from '../../market/decimal.js'
import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { Liquidity, Side } from '../../schemas/index.js'
import type { Execution } from '../sim/venue-messages.js'

/** Every balance is kept at this many decimals: finer than any tick × lot or quote unit the specs use. */
const BALANCE_SCALE = 18

/** What Binance remembers of an order beyond the engine's report: its wire fields and when it came. */
export interface MockOrder {
  clientOrderId: string
  orderId: number
  instrumentId: number
  symbol: string
  side: 'BUY' | 'SELL'
  type: 'LIMIT' | 'LIMIT_MAKER' | 'MARKET'
  timeInForce: 'GTC' | 'IOC' | 'FOK'
  priceTicks: number
  sizeLots: number
  createdMs: number
  updatedMs: number
  /** Sum of fill notionals, exact. */
  cumQuote: ScaledDecimal
}

/** One own fill as `GET /api/v3/myTrades` lists it. */
export interface MockFill {
  execution: Execution
  symbol: string
  timeMs: number
  quoteQty: ScaledDecimal
}

/**
 * The account behind the API key: balances moved by every fill (fees paid in
 * the quote asset, as the engine charges them), and the ledger of own fills.
 * Locked amounts are derived from open orders, never stored.
 */
export class MockAccount {
  readonly #balances = new Map<string, bigint>()
  readonly fills: MockFill[] = []

  constructor(balances: Readonly<Record<string, string>>) {
    for (const [asset, amount] of Object.entries(balances)) this.#balances.set(asset, toBalanceUnits(parseDecimal(amount)))
  }

  /** Books a fill: base and quote move, the fee leaves the quote balance. */
  book(execution: Execution, precision: InstrumentPrecision, symbol: string, timeMs: number): MockFill {
    const { base, quote, quoteDecimals } = precision.spec
    const notional = precision.notional(execution.priceTicks, execution.sizeLots)
    const baseUnits = toBalanceUnits(parseDecimal(precision.lotsToSize(execution.sizeLots)))
    const quoteUnits = toBalanceUnits(notional)
    const feeUnits = toBalanceUnits({ units: execution.feeQuoteUnits, scale: quoteDecimals })
    const buy = execution.side === Side.Buy
    this.#add(base, buy ? baseUnits : -baseUnits)
    this.#add(quote, (buy ? -quoteUnits : quoteUnits) - feeUnits)
    const fill = { execution, symbol, timeMs, quoteQty: notional }
    this.fills.push(fill)
    return fill
  }

  /** Total held of `asset`, exact. */
  total(asset: string): ScaledDecimal {
    return { units: this.#balances.get(asset) ?? 0n, scale: BALANCE_SCALE }
  }

  assets(): string[] {
    return [...this.#balances.keys()]
  }

  #add(asset: string, units: bigint): void {
    this.#balances.set(asset, (this.#balances.get(asset) ?? 0n) + units)
  }
}

export function toBalanceUnits(value: ScaledDecimal): bigint {
  return unitsAtScale(value, BALANCE_SCALE) ?? value.units / 10n ** BigInt(value.scale - BALANCE_SCALE)
}

/** A balance-scale amount as Binance prints it: eight decimals, truncated. */
export function balanceText(units: bigint): string {
  return formatDecimal(units / 10n ** BigInt(BALANCE_SCALE - 8), 8)
}

/** A maker fill is the buyer's when the resting side bought. */
export function isMakerFill(execution: Execution): boolean {
  return execution.liquidity === Liquidity.Maker
}
