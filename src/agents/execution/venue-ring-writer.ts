import type { SingleProducerSequencer } from '../../ring/index.js'
import { MessageType, Order, OrderCancel, OrderType, type CancelReason } from '../../schemas/index.js'
import type { ChildOrder } from './child-orders.js'
import type { ParentTerms } from './parent-orders.js'

/**
 * Execution's requests onto the venue ring, written in place: child orders
 * and the cancels that follow them on the same ring, so the adapters never
 * read a cancel before the order it names. A full ring is never waited on:
 * the write says so and the caller counts it.
 */
export class VenueRingWriter {
  readonly #ring: SingleProducerSequencer
  readonly #order = new Order()
  readonly #cancel = new OrderCancel()

  constructor(ring: SingleProducerSequencer) {
    this.#ring = ring
  }

  /** The adapters have gone: nothing written now would be read. */
  get closed(): boolean {
    return this.#ring.ring.closed
  }

  /** A limit child of a parent with `terms`, post-only when asked; false when the ring has no room. */
  child(tsNs: number, clientOrderId: number, terms: Readonly<ParentTerms>, venueId: number, priceTicks: number, sizeLots: number, postOnly = false): boolean {
    const s = this.#ring.tryClaim(1)
    if (s < 0) return false
    const o = this.#order.__init(this.#ring.setHeader(s, Order.sizeOf(), MessageType.Order), this.#ring.ring.byteBuffer)
    o.mutate_ts_ns(tsNs)
    o.mutate_client_order_id(clientOrderId)
    o.mutate_intent_id(terms.intentId)
    o.mutate_instrument_id(terms.instrumentId)
    o.mutate_risk_cycle(terms.riskCycle)
    o.mutate_venue_id(venueId)
    o.mutate_side(terms.side)
    o.mutate_order_type(postOnly ? OrderType.LimitMaker : OrderType.Limit)
    o.mutate_time_in_force(terms.childTimeInForce)
    o.mutate_price_ticks(priceTicks)
    o.mutate_size_lots(sizeLots)
    o.mutate_strategy_id(terms.strategyId)
    this.#ring.publish(s)
    return true
  }

  /** A cancel of an open child; false when the ring has no room. */
  cancel(tsNs: number, clientOrderId: number, child: Readonly<ChildOrder>, reason: CancelReason): boolean {
    const s = this.#ring.tryClaim(1)
    if (s < 0) return false
    const c = this.#cancel.__init(this.#ring.setHeader(s, OrderCancel.sizeOf(), MessageType.OrderCancel), this.#ring.ring.byteBuffer)
    c.mutate_ts_ns(tsNs)
    c.mutate_client_order_id(clientOrderId)
    c.mutate_instrument_id(child.instrumentId)
    c.mutate_venue_id(child.venueId)
    c.mutate_side(child.side)
    c.mutate_reason(reason)
    this.#ring.publish(s)
    return true
  }
}
