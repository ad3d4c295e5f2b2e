/**
 * Why the sim venue refused a request or ended an order early, as a number
 * for the ring's `OrderEvent.reason_code` (0 = none). A report's `reason`
 * text says the same with the offending values. Codes start at 10 so they
 * never collide with the adapters' own (1 = no venue connected).
 */
export const SimReasonCode = {
  None: 0,
  InvalidClientOrderId: 10,
  UnknownInstrument: 11,
  InvalidOrderField: 12,
  InvalidSize: 13,
  InvalidPrice: 14,
  PostOnlyNotLimit: 15,
  PostOnlyWouldCross: 16,
  FillOrKillUnfillable: 20,
  ImmediateOrCancelRemainder: 21,
  MarketOrderNoLiquidity: 22,
  DayOrderExpired: 23,
  /** The order ended because an amend replaced it under a new client order id. */
  Replaced: 24,
  /** A resting order expired rather than trade with an order of the same account (self-trade prevention). */
  SelfTradePrevented: 25,
  CancelUnknownOrder: 30,
  CancelFinishedOrder: 31,
  AmendUnknownOrder: 32,
  AmendFinishedOrder: 33,
  /** The amend's new client order id already names another order. */
  AmendClientOrderIdInUse: 34,
} as const

export type SimReasonCode = (typeof SimReasonCode)[keyof typeof SimReasonCode]

export interface SimReason {
  code: SimReasonCode
  text: string
}
