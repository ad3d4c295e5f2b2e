import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { MessageType, Order, OrderEvent, OrderStatus } from '../../schemas/index.js'
import type { Agent } from '../agent.js'

/** Reason code on an OrderEvent: no venue session is connected. */
export const REASON_NO_VENUE = 1

/**
 * adapters: the venue sessions. Venues (the sim matching engine, ccxt) come
 * with the execution capability; until one is connected, every order that
 * reaches this agent is answered with a Rejected event (reason: no venue),
 * so nothing is lost and execution sees the outcome of each order.
 */
export default function createAdapters(): Agent {
  let orders: RingConsumer
  let events: SingleProducerSequencer
  const order = new Order()
  const event = new OrderEvent()
  let counters: Record<string, number> = {}
  let nowNs = (): number => 0

  /** Answers not yet on the fill ring because it was full: sent first on the next step. */
  const pending: Array<{ clientOrderId: number; venueId: number; remaining: number }> = []

  const answer = (a: { clientOrderId: number; venueId: number; remaining: number }): boolean => {
    const s = events.tryClaim(1)
    if (s < 0) return false
    event.__init(events.setHeader(s, OrderEvent.sizeOf(), MessageType.OrderEvent), events.ring.byteBuffer)
    event.mutate_ts_ns(nowNs())
    event.mutate_client_order_id(a.clientOrderId)
    event.mutate_venue_id(a.venueId)
    event.mutate_status(OrderStatus.Rejected)
    event.mutate_reason_code(REASON_NO_VENUE)
    event.mutate_filled_lots(0)
    event.mutate_remaining_lots(a.remaining)
    events.publish(s)
    return true
  }

  const onOrder = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Order) return
    order.__init(offset, ring.byteBuffer)
    const a = { clientOrderId: order.clientOrderId(), venueId: order.venueId(), remaining: order.sizeLots() }
    counters['rejected_no_venue'] = (counters['rejected_no_venue'] ?? 0) + 1
    if (pending.length > 0 || !answer(a)) pending.push(a)
  }

  return {
    init(ctx) {
      orders = new RingConsumer(ctx.rings.venue!, ctx.consumerIds.venue!)
      events = new SingleProducerSequencer(ctx.rings.fills!)
      counters = ctx.counters
      nowNs = () => ctx.clock.nowNs()
    },
    step() {
      while (pending.length > 0 && answer(pending[0]!)) pending.shift()
      orders.drain(onOrder)
      counters['answers_pending'] = pending.length
    },
    health: () => ({ venues: [] }),
  }
}
