import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { MessageType, Order, OrderEvent, OrderStatus } from '../../schemas/index.js'
import type { Agent } from '../agent.js'

/**
 * execution: in the execute step, takes the orders risk approved and sends
 * them to the venue ring — only orders approved in this very cycle, and only
 * when the cycle has a risk verdict and no breaker is open (fail closed).
 * Orders it may not send are counted by reason, never sent later. It also
 * reads venue events back. The Rust router and slippage tracking come with
 * the execution capability; until then every order goes to the first venue
 * whole.
 */
export default function createExecution(): Agent {
  let orders: RingConsumer
  let events: RingConsumer
  let venue: SingleProducerSequencer
  const order = new Order()
  const routedOrder = new Order()
  const event = new OrderEvent()
  let counters: Record<string, number> = {}
  let command = { cycle: 0, riskVerdict: false, safeMode: false }

  const bump = (name: string): void => {
    counters[name] = (counters[name] ?? 0) + 1
  }

  const onOrder = (ring: RingBuffer, _s: number, type: number, offset: number, length: number): void => {
    if (type !== MessageType.Order) return
    order.__init(offset, ring.byteBuffer)
    if (command.safeMode) return bump('blocked_safe_mode')
    if (!command.riskVerdict) return bump('blocked_no_risk_verdict')
    if (order.riskCycle() !== command.cycle) return bump('blocked_stale_approval')
    const s = venue.tryClaim(1)
    if (s < 0) return bump('blocked_venue_ring_full')
    const target = venue.setHeader(s, length, MessageType.Order)
    venue.ring.bytes.set(ring.bytes.subarray(offset, offset + length), target)
    routedOrder.__init(target, venue.ring.byteBuffer).mutate_venue_id(1)
    venue.publish(s)
    bump('routed')
  }

  const onEvent = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.OrderEvent) return
    event.__init(offset, ring.byteBuffer)
    bump(`venue_${OrderStatus[event.status()]?.toLowerCase() ?? 'unknown'}`)
  }

  return {
    init(ctx) {
      orders = new RingConsumer(ctx.rings.orders!, ctx.consumerIds.orders!)
      events = new RingConsumer(ctx.rings.fills!, ctx.consumerIds.fills!)
      venue = new SingleProducerSequencer(ctx.rings.venue!)
      counters = ctx.counters
    },
    step(c) {
      command = c
      events.drain(onEvent)
      orders.drain(onOrder)
    },
  }
}
