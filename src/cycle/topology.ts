import { MessageType, largestStructBytes } from '../schemas/index.js'

/**
 * The data plane: which rings exist, who produces into each and who
 * consumes it (in consumer-id order).
 *
 * ```
 * data_feeds ──market──▶ market_conditions, validation, strategy_engine, intelligence,
 *                        adapters (the sim venues' liquidity), execution (the router's books),
 *                        fees_monitor (marks positions at each venue's mid)
 * strategy_engine ──intents──▶ risk_management ──orders──▶ execution
 * execution ──venue──▶ adapters ──fills──▶ execution, fees_monitor
 * strategy_engine ──fast──▶ adapters (the fast path's child orders, between cycles)
 * ```
 *
 * The venue ring carries an order's cancels and amends behind the order
 * itself: one ring keeps them in the order they were sent, which two rings
 * read one after the other could not. The fast path sends only
 * immediate-or-cancel orders, which never rest, so its ring stays uniform.
 */
export const RING_NAMES = ['market', 'intents', 'orders', 'venue', 'fast', 'fills'] as const
export type RingName = (typeof RING_NAMES)[number]

export interface RingSpec {
  producer: string
  consumers: readonly string[]
  capacity: number
  messages: readonly MessageType[]
}

export const TOPOLOGY: Readonly<Record<RingName, RingSpec>> = Object.freeze({
  market: {
    producer: 'data_feeds',
    consumers: ['market_conditions', 'validation', 'strategy_engine', 'intelligence', 'adapters', 'execution', 'fees_monitor'],
    capacity: 1 << 16,
    messages: [MessageType.Quote, MessageType.BookDelta, MessageType.Trade],
  },
  intents: { producer: 'strategy_engine', consumers: ['risk_management'], capacity: 4096, messages: [MessageType.OrderIntent] },
  orders: { producer: 'risk_management', consumers: ['execution'], capacity: 4096, messages: [MessageType.Order] },
  venue: { producer: 'execution', consumers: ['adapters'], capacity: 4096, messages: [MessageType.Order, MessageType.OrderCancel, MessageType.OrderAmend] },
  fast: { producer: 'strategy_engine', consumers: ['adapters'], capacity: 4096, messages: [MessageType.Order] },
  fills: { producer: 'adapters', consumers: ['execution', 'fees_monitor'], capacity: 4096, messages: [MessageType.Fill, MessageType.OrderEvent] },
})

export function ringPayloadBytes(name: RingName): number {
  return largestStructBytes(TOPOLOGY[name].messages)
}

/** Rings an agent touches, and its consumer id on each ring it reads. */
export function ringsOf(agent: string): { rings: RingName[]; consumerIds: Partial<Record<RingName, number>> } {
  const rings: RingName[] = []
  const consumerIds: Partial<Record<RingName, number>> = {}
  for (const name of RING_NAMES) {
    const spec = TOPOLOGY[name]
    const consumer = spec.consumers.indexOf(agent)
    if (consumer >= 0) consumerIds[name] = consumer
    if (consumer >= 0 || spec.producer === agent) rings.push(name)
  }
  return { rings, consumerIds }
}
