import type { Liquidity, OrderStatus, OrderType, RefusedRequest, Side, TimeInForce } from '../../schemas/index.js'

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

/** A change to a resting limit order: it goes on under `newClientOrderId`, the old id ends Cancelled. */
export interface AmendRequest {
  clientOrderId: string
  newClientOrderId: string
  /** The new limit price; 0 keeps the order's. */
  priceTicks: number
  /** The size open after the amend. */
  sizeLots: number
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
  /**
   * Set when the report answers a cancel or amend the venue refused: `status`
   * is then the order's own (Rejected when the venue knows no order under the
   * id) and `reason` says why the request was refused.
   */
  refused?: RefusedRequest
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
