import { RingFeedSink } from '../../src/feeds/ring-feed-sink.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../src/ring/index.js'
import { BookAction, Fill, MessageType, Order, OrderEvent, OrderStatus, OrderType, Side, TimeInForce, type Liquidity } from '../../src/schemas/index.js'
import createAdapters from '../../src/agents/adapters/index.js'
import type { Agent } from '../../src/agents/agent.js'
import createExecution from '../../src/agents/execution/index.js'
import type { inProcessEngine } from './context.js'

export interface SeenEvent {
  venueId: number
  status: OrderStatus
  reasonCode: number
  filledLots: number
  remainingLots: number
}

export interface SeenFill {
  clientOrderId: number
  venueId: number
  priceTicks: number
  sizeLots: number
  liquidity: Liquidity
  feeQuoteUnits: number
}

/**
 * The ends of the rings around execution and the adapters, for tests that
 * run those two in-process: the market ring written as the feed would, the
 * orders ring as risk would, and the fill ring read as the fee monitor does.
 */
export function venueDesk(engine: ReturnType<typeof inProcessEngine>, instruments: number, venues: number) {
  const feed = new RingFeedSink(new SingleProducerSequencer(engine.context('data_feeds').rings.market!), { instruments, venues })
  const orders = new SingleProducerSequencer(engine.context('risk_management').rings.orders!)
  const fees = engine.context('fees_monitor')
  const answers = new RingConsumer(fees.rings.fills!, fees.consumerIds.fills!)
  const order = new Order()
  const event = new OrderEvent()
  const fill = new Fill()
  /** Every answer on the fill ring so far, by client order id, in ring order. */
  const events = new Map<number, SeenEvent[]>()
  const fills: SeenFill[] = []
  const onAnswer = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.Fill) {
      fill.__init(offset, ring.byteBuffer)
      fills.push({ clientOrderId: fill.clientOrderId(), venueId: fill.venueId(), priceTicks: fill.priceTicks(), sizeLots: fill.sizeLots(), liquidity: fill.liquidity(), feeQuoteUnits: fill.feeQuoteUnits() })
      return
    }
    event.__init(offset, ring.byteBuffer)
    const list = events.get(event.clientOrderId()) ?? []
    list.push({ venueId: event.venueId(), status: event.status(), reasonCode: event.reasonCode(), filledLots: event.filledLots(), remainingLots: event.remainingLots() })
    events.set(event.clientOrderId(), list)
  }
  return {
    events,
    fills,
    /** One level of a venue's book, as the feed writes it (no venue sequence: taken unchecked). */
    level(venueId: number, side: Side, priceTicks: number, sizeLots: number, instrumentId = 0): void {
      feed.bookDelta({ tsNs: engine.clock.nowNs(), instrumentId, venueId, side, action: sizeLots === 0 ? BookAction.Delete : BookAction.Set, priceTicks, sizeLots, venueSequence: 0 })
    },
    /** A trade the venue printed, as the feed writes it. */
    trade(venueId: number, aggressor: Side, priceTicks: number, sizeLots: number, venueTradeId: number): void {
      feed.trade({ tsNs: engine.clock.nowNs(), instrumentId: 0, venueId, aggressor, priceTicks, sizeLots, venueTradeId })
    },
    /** A parent order risk approved in `cycle`: a limit buy or sell, immediate-or-cancel unless told. */
    parent(p: { id: number; cycle: number; side: Side; priceTicks: number; sizeLots: number; instrumentId?: number; timeInForce?: TimeInForce; orderType?: OrderType }): void {
      const s = orders.tryClaim(1)
      if (s < 0) throw new Error('orders ring full')
      order.__init(orders.setHeader(s, Order.sizeOf(), MessageType.Order), orders.ring.byteBuffer)
      order.mutate_ts_ns(engine.clock.nowNs())
      order.mutate_client_order_id(p.id)
      order.mutate_intent_id(p.id)
      order.mutate_instrument_id(p.instrumentId ?? 0)
      order.mutate_risk_cycle(p.cycle)
      order.mutate_venue_id(0)
      order.mutate_side(p.side)
      order.mutate_order_type(p.orderType ?? OrderType.Limit)
      order.mutate_time_in_force(p.timeInForce ?? TimeInForce.ImmediateOrCancel)
      order.mutate_price_ticks(p.priceTicks)
      order.mutate_size_lots(p.sizeLots)
      order.mutate_strategy_id(1)
      orders.publish(s)
    },
    /** Reads what the adapters answered since the last call. */
    read(): void {
      answers.drain(onAnswer)
    },
    /** Lots filled per venue (ids from 1) for the given client ids. */
    filledByVenue(ids: Iterable<number>): Record<number, number> {
      const wanted = new Set(ids)
      const out: Record<number, number> = {}
      for (const f of fills) if (wanted.has(f.clientOrderId)) out[f.venueId] = (out[f.venueId] ?? 0) + f.sizeLots
      return out
    },
  }
}

/** Execution and the adapters started in-process over `engine`, with the desk around them; `stop` stops the adapters. */
export async function executionDesk(engine: ReturnType<typeof inProcessEngine>, instruments: number, venues: number) {
  const execCtx = engine.context('execution')
  const adaptersCtx = engine.context('adapters')
  const execution: Agent = createExecution() as Agent
  const adapters: Agent = createAdapters() as Agent
  await execution.init(execCtx as never, undefined)
  await adapters.init(adaptersCtx as never, undefined)
  return { ...venueDesk(engine, instruments, venues), execution, adapters, execCtx, adaptersCtx, stop: () => adapters.stop?.() }
}
