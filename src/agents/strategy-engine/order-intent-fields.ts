import type { Horizon, OrderIntent, OrderType, Side, TimeInForce } from '../../schemas/index.js'

/** What a strategy asks for: one parent order, before risk has looked at it. */
export interface OrderIntentFields {
  tsNs: number
  intentId: number
  strategyId: number
  instrumentId: number
  side: Side
  orderType: OrderType
  timeInForce: TimeInForce
  horizon: Horizon
  priceTicks: number
  sizeLots: number
}

/** Writes an intent into an `OrderIntent` struct in a ring slot (its header set, not yet published). */
export function writeOrderIntent(intent: OrderIntent, i: OrderIntentFields): void {
  intent.mutate_ts_ns(i.tsNs)
  intent.mutate_intent_id(i.intentId)
  intent.mutate_strategy_id(i.strategyId)
  intent.mutate_instrument_id(i.instrumentId)
  intent.mutate_side(i.side)
  intent.mutate_order_type(i.orderType)
  intent.mutate_time_in_force(i.timeInForce)
  intent.mutate_horizon(i.horizon)
  intent.mutate_price_ticks(i.priceTicks)
  intent.mutate_size_lots(i.sizeLots)
}
