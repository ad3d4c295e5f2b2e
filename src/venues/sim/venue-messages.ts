import type { Liquidity, OrderStatus, OrderType, Side, TimeInForce } from '../../schemas/index.js'

/** An order as a strategy sends it to the sim venue. Prices in ticks, sizes in lots. */
export interface NewOrder {
  /** Idempotency key: a second submit with a known id returns the existing order's current report, never a second order. */
  clientOrderId: string
  instrumentId: number
  side: Side
  orderType: OrderType
  timeInForce: TimeInForce
  /** Limit price; ignored for Market. */
  priceTicks: number
  sizeLots: number
  /** Rest only: rejected when it would take liquidity on arrival. */
  postOnly?: boolean
}

/** An order's state after a change, as the venue reports it. */
export interface OrderReport {
  clientOrderId: string
  /** 0 when the venue never accepted an order under this id. */
  venueOrderId: number
  instrumentId: number
  side: Side
  orderType: OrderType
  timeInForce: TimeInForce
  status: OrderStatus
  /** The limit price; 0 for a market order. */
  priceTicks: number
  sizeLots: number
  filledLots: number
  remainingLots: number
  /** Why a request was refused or an order ended early. */
  reason?: string
  /** The same as a number for the ring's OrderEvent.reason_code (see reason-codes.ts). */
  reasonCode?: number
  tsNs: number
}

/** One execution of one order. Two own orders trading with each other give two, with one trade id. */
export interface Execution {
  clientOrderId: string
  venueOrderId: number
  tradeId: number
  instrumentId: number
  side: Side
  liquidity: Liquidity
  priceTicks: number
  sizeLots: number
  /** Exact, in the quote currency's smallest unit (10^-quoteDecimals), rounded up. */
  feeQuoteUnits: bigint
  tsNs: number
}

/** Everything one call changed, in the order it happened. */
export interface MatchOutcome {
  reports: OrderReport[]
  executions: Execution[]
}
