import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../src/ring/index.js'
import { BookAction, BookDelta, CancelReason, Fill, MessageType, Order, OrderAmend, OrderCancel, OrderEvent, OrderType, Side, TimeInForce, Trade } from '../../src/schemas/index.js'

/** Plays data_feeds on the market ring: whole books and level changes of one venue, in venue sequence, and trades. */
export class MarketWriter {
  readonly #ring: SingleProducerSequencer
  #sequence = 0
  #tradeId = 0

  constructor(ring: RingBuffer) {
    this.#ring = new SingleProducerSequencer(ring)
  }

  /** A whole book: Clear, then a Set per level, at one sequence. */
  book(tsNs: number, instrumentId: number, venueId: number, bids: [number, number][], asks: [number, number][]): void {
    const sequence = ++this.#sequence
    this.#delta(tsNs, instrumentId, venueId, Side.Buy, BookAction.Clear, 0, 0, sequence)
    for (const [price, size] of bids) this.#delta(tsNs, instrumentId, venueId, Side.Buy, BookAction.Set, price, size, sequence)
    for (const [price, size] of asks) this.#delta(tsNs, instrumentId, venueId, Side.Sell, BookAction.Set, price, size, sequence)
  }

  /** One level now holds `sizeLots` (0: gone). */
  level(tsNs: number, instrumentId: number, venueId: number, side: Side, priceTicks: number, sizeLots: number): void {
    this.#delta(tsNs, instrumentId, venueId, side, sizeLots === 0 ? BookAction.Delete : BookAction.Set, priceTicks, sizeLots, ++this.#sequence)
  }

  trade(tsNs: number, instrumentId: number, venueId: number, aggressor: Side, priceTicks: number, sizeLots: number): void {
    const s = this.#ring.claim(1)
    const t = new Trade().__init(this.#ring.setHeader(s, Trade.sizeOf(), MessageType.Trade), this.#ring.ring.byteBuffer)
    t.mutate_ts_ns(tsNs)
    t.mutate_instrument_id(instrumentId)
    t.mutate_venue_id(venueId)
    t.mutate_aggressor(aggressor)
    t.mutate_price_ticks(priceTicks)
    t.mutate_size_lots(sizeLots)
    t.mutate_venue_trade_id(++this.#tradeId)
    this.#ring.publish(s)
  }

  #delta(tsNs: number, instrumentId: number, venueId: number, side: Side, action: BookAction, priceTicks: number, sizeLots: number, sequence: number): void {
    const s = this.#ring.claim(1)
    const d = new BookDelta().__init(this.#ring.setHeader(s, BookDelta.sizeOf(), MessageType.BookDelta), this.#ring.ring.byteBuffer)
    d.mutate_ts_ns(tsNs)
    d.mutate_instrument_id(instrumentId)
    d.mutate_venue_id(venueId)
    d.mutate_side(side)
    d.mutate_action(action)
    d.mutate_price_ticks(priceTicks)
    d.mutate_size_lots(sizeLots)
    d.mutate_venue_sequence(sequence)
    d.mutate_first_venue_sequence(sequence)
    this.#ring.publish(s)
  }
}

export interface OrderFields {
  clientOrderId: number
  venueId: number
  instrumentId: number
  side: Side
  priceTicks: number
  sizeLots: number
  timeInForce?: TimeInForce
  strategyId?: number
  riskCycle?: number
}

/** Plays a producer of order requests (risk on the orders ring, execution on the venue ring). */
export class RequestWriter {
  readonly #ring: SingleProducerSequencer

  constructor(ring: RingBuffer) {
    this.#ring = new SingleProducerSequencer(ring)
  }

  order(f: OrderFields): void {
    const s = this.#ring.claim(1)
    const o = new Order().__init(this.#ring.setHeader(s, Order.sizeOf(), MessageType.Order), this.#ring.ring.byteBuffer)
    o.mutate_client_order_id(f.clientOrderId)
    o.mutate_intent_id(f.clientOrderId)
    o.mutate_instrument_id(f.instrumentId)
    o.mutate_risk_cycle(f.riskCycle ?? 0)
    o.mutate_venue_id(f.venueId)
    o.mutate_side(f.side)
    o.mutate_order_type(OrderType.Limit)
    o.mutate_time_in_force(f.timeInForce ?? TimeInForce.GoodTillCancel)
    o.mutate_price_ticks(f.priceTicks)
    o.mutate_size_lots(f.sizeLots)
    o.mutate_strategy_id(f.strategyId ?? 0)
    this.#ring.publish(s)
  }

  cancel(clientOrderId: number, venueId: number, instrumentId: number, side: Side): void {
    const s = this.#ring.claim(1)
    const c = new OrderCancel().__init(this.#ring.setHeader(s, OrderCancel.sizeOf(), MessageType.OrderCancel), this.#ring.ring.byteBuffer)
    c.mutate_client_order_id(clientOrderId)
    c.mutate_venue_id(venueId)
    c.mutate_instrument_id(instrumentId)
    c.mutate_side(side)
    c.mutate_reason(CancelReason.Requested)
    this.#ring.publish(s)
  }

  amend(clientOrderId: number, newClientOrderId: number, venueId: number, instrumentId: number, side: Side, priceTicks: number, sizeLots: number): void {
    const s = this.#ring.claim(1)
    const a = new OrderAmend().__init(this.#ring.setHeader(s, OrderAmend.sizeOf(), MessageType.OrderAmend), this.#ring.ring.byteBuffer)
    a.mutate_client_order_id(clientOrderId)
    a.mutate_new_client_order_id(newClientOrderId)
    a.mutate_venue_id(venueId)
    a.mutate_instrument_id(instrumentId)
    a.mutate_side(side)
    a.mutate_price_ticks(priceTicks)
    a.mutate_size_lots(sizeLots)
    this.#ring.publish(s)
  }
}

export type Answer =
  | { kind: 'event'; id: number; status: number; refused: number; reason: number; filled: number; remaining: number }
  | { kind: 'fill'; id: number; priceTicks: number; sizeLots: number; liquidity: number; strategyId: number; venueFillId: number }

/** Reads what the adapters wrote on the fill ring, as plain objects. */
export function readAnswers(consumer: RingConsumer): Answer[] {
  const out: Answer[] = []
  const event = new OrderEvent()
  const fill = new Fill()
  consumer.drain((ring, _s, type, offset) => {
    if (type === MessageType.OrderEvent) {
      const e = event.__init(offset, ring.byteBuffer)
      out.push({ kind: 'event', id: e.clientOrderId(), status: e.status(), refused: e.refused(), reason: e.reasonCode(), filled: e.filledLots(), remaining: e.remainingLots() })
    } else if (type === MessageType.Fill) {
      const f = fill.__init(offset, ring.byteBuffer)
      out.push({ kind: 'fill', id: f.clientOrderId(), priceTicks: f.priceTicks(), sizeLots: f.sizeLots(), liquidity: f.liquidity(), strategyId: f.strategyId(), venueFillId: f.venueFillId() })
    }
  })
  return out
}

export { RingConsumer }
