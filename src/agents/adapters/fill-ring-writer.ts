import type { SingleProducerSequencer } from '../../ring/index.js'
import { Fill, MessageType, OrderEvent, RefusedRequest, type Liquidity, type OrderStatus, type Side } from '../../schemas/index.js'
import type { Execution, OrderReport } from '../../venues/sim/venue-messages.js'

export interface OrderEventFields {
  tsNs: number
  clientOrderId: number
  venueId: number
  status: OrderStatus
  reasonCode: number
  filledLots: number
  remainingLots: number
  /** The cancel or amend the event refuses; absent for a change of the order itself. */
  refused?: RefusedRequest
}

export interface FillFields {
  tsNs: number
  clientOrderId: number
  venueFillId: number
  instrumentId: number
  venueId: number
  side: Side
  liquidity: Liquidity
  priceTicks: number
  sizeLots: number
  feeQuoteUnits: number
  /** The strategy of the order filled; absent when the session does not know it. */
  strategyId?: number
}

/** An answer waiting for room on the ring. */
export type PendingAnswer = { kind: 'event'; fields: OrderEventFields } | { kind: 'fill'; fields: FillFields }

/**
 * Writes what venues answer onto the fill ring: order events and fills.
 * Nothing a venue said may be lost, so when the ring is full an answer
 * waits, in order, and everything after it waits behind it until `flush`
 * finds room: readers see each order's story in the order it happened.
 */
export class FillRingWriter {
  readonly #ring: SingleProducerSequencer
  readonly #event = new OrderEvent()
  readonly #fill = new Fill()
  readonly #pending: PendingAnswer[] = []
  /** Told of every order event as it is given (its order's client id and time). */
  readonly #onEvent: ((clientOrderId: number, tsNs: number) => void) | undefined
  /** Answers written to the ring, order events and fills. */
  written = 0
  /** Of those, fills: what the fee ledger, having read the ring to its end, has booked. */
  fillsWritten = 0

  constructor(ring: SingleProducerSequencer, onEvent?: (clientOrderId: number, tsNs: number) => void) {
    this.#ring = ring
    this.#onEvent = onEvent
  }

  /** Answers waiting for room. */
  get pending(): number {
    return this.#pending.length
  }

  /** Copies of the answers waiting, oldest first: a snapshot's, since they are counted as told already. */
  pendingAnswers(): PendingAnswer[] {
    return this.#pending.map((p) => structuredClone(p))
  }

  /** Answers a snapshot held as waiting, put back in order. */
  resume(answers: readonly PendingAnswer[]): void {
    for (const a of answers) this.#pending.push(structuredClone(a))
    this.flush()
  }

  event(fields: OrderEventFields): void {
    this.#onEvent?.(fields.clientOrderId, fields.tsNs)
    this.#pending.push({ kind: 'event', fields: { ...fields } })
    this.flush()
  }

  fill(fields: FillFields): void {
    this.#pending.push({ kind: 'fill', fields: { ...fields } })
    this.flush()
  }

  /** A venue's report of an order (sim or ccxt: the same shape), as the order event the ring carries. */
  report(venueId: number, r: OrderReport, tsNs: number): void {
    this.event({ tsNs, clientOrderId: Number(r.clientOrderId), venueId, status: r.status, reasonCode: r.reasonCode ?? 0, filledLots: r.filledLots, remainingLots: r.remainingLots, refused: r.refused ?? RefusedRequest.None })
  }

  /** A venue's execution, as the fill the ring carries, booked to `strategyId`. */
  execution(venueId: number, x: Execution, tsNs: number, strategyId: number): void {
    this.fill({
      tsNs,
      clientOrderId: Number(x.clientOrderId),
      venueFillId: x.tradeId,
      instrumentId: x.instrumentId,
      venueId,
      side: x.side,
      liquidity: x.liquidity,
      priceTicks: x.priceTicks,
      sizeLots: x.sizeLots,
      // Exact: a fee in quote units is far below 2^53.
      feeQuoteUnits: Number(x.feeQuoteUnits),
      strategyId,
    })
  }

  /** Writes waiting answers while the ring has room; returns how many still wait. */
  flush(): number {
    let written = 0
    while (written < this.#pending.length) {
      const s = this.#ring.tryClaim(1)
      if (s < 0) break
      const next = this.#pending[written]!
      if (next.kind === 'event') this.#writeEvent(s, next.fields)
      else {
        this.#writeFill(s, next.fields)
        this.fillsWritten++
      }
      this.#ring.publish(s)
      written++
    }
    if (written > 0) this.#pending.splice(0, written)
    this.written += written
    return this.#pending.length
  }

  #writeEvent(s: number, f: OrderEventFields): void {
    const e = this.#event.__init(this.#ring.setHeader(s, OrderEvent.sizeOf(), MessageType.OrderEvent), this.#ring.ring.byteBuffer)
    e.mutate_ts_ns(f.tsNs)
    e.mutate_client_order_id(f.clientOrderId)
    e.mutate_venue_id(f.venueId)
    e.mutate_status(f.status)
    e.mutate_refused(f.refused ?? RefusedRequest.None)
    e.mutate_reason_code(f.reasonCode)
    e.mutate_filled_lots(f.filledLots)
    e.mutate_remaining_lots(f.remainingLots)
  }

  #writeFill(s: number, f: FillFields): void {
    const x = this.#fill.__init(this.#ring.setHeader(s, Fill.sizeOf(), MessageType.Fill), this.#ring.ring.byteBuffer)
    x.mutate_ts_ns(f.tsNs)
    x.mutate_client_order_id(f.clientOrderId)
    x.mutate_venue_fill_id(f.venueFillId)
    x.mutate_instrument_id(f.instrumentId)
    x.mutate_venue_id(f.venueId)
    x.mutate_side(f.side)
    x.mutate_liquidity(f.liquidity)
    x.mutate_price_ticks(f.priceTicks)
    x.mutate_size_lots(f.sizeLots)
    x.mutate_fee_quote_units(f.feeQuoteUnits)
    x.mutate_strategy_id(f.strategyId ?? 0)
  }
}
