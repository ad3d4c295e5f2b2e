import type { RingBuffer } from '../../ring/index.js'
import { MessageType, Order, OrderAmend, OrderCancel, OrderType } from '../../schemas/index.js'
import type { VenueAmend, VenueCancel, VenueOrder, VenueSessions } from './venue-requests.js'

/**
 * Reads the requests on the venue and fast rings (new orders, cancels,
 * amends) into objects it reuses, and hands each to the sessions in ring
 * order, so a cancel never overtakes the order it names. A session copies
 * what it keeps: nothing is allocated per message here.
 */
export class RequestReader {
  readonly #order = new Order()
  readonly #cancel = new OrderCancel()
  readonly #amend = new OrderAmend()
  readonly #venueOrder: VenueOrder = { tsNs: 0, clientOrderId: 0, venueId: 0, instrumentId: 0, side: 0, orderType: 0, timeInForce: 0, priceTicks: 0, sizeLots: 0, strategyId: 0, postOnly: false }
  readonly #venueCancel: VenueCancel = { clientOrderId: 0, venueId: 0, instrumentId: 0, side: 0, reason: 0 }
  readonly #venueAmend: VenueAmend = { clientOrderId: 0, newClientOrderId: 0, venueId: 0, instrumentId: 0, side: 0, priceTicks: 0, sizeLots: 0 }
  #sessions: VenueSessions | undefined
  /** Messages of a type no session takes, counted rather than thrown on. */
  unknownMessages = 0

  /** A ring consumer's handler: `consumer.drain(reader.handler)`. */
  readonly handler = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    const sessions = this.#sessions!
    if (type === MessageType.Order) sessions.submit(this.#readOrder(ring, offset))
    else if (type === MessageType.OrderCancel) sessions.cancel(this.#readCancel(ring, offset))
    else if (type === MessageType.OrderAmend) sessions.amend(this.#readAmend(ring, offset))
    else this.unknownMessages++
  }

  attach(sessions: VenueSessions): void {
    this.#sessions = sessions
  }

  #readOrder(ring: RingBuffer, offset: number): VenueOrder {
    const o = this.#order.__init(offset, ring.byteBuffer)
    const v = this.#venueOrder
    v.tsNs = o.tsNs()
    v.clientOrderId = o.clientOrderId()
    v.venueId = o.venueId()
    v.instrumentId = o.instrumentId()
    v.side = o.side()
    const type = o.orderType()
    v.postOnly = type === OrderType.LimitMaker
    v.orderType = v.postOnly ? OrderType.Limit : type
    v.timeInForce = o.timeInForce()
    v.priceTicks = o.priceTicks()
    v.sizeLots = o.sizeLots()
    v.strategyId = o.strategyId()
    return v
  }

  #readCancel(ring: RingBuffer, offset: number): VenueCancel {
    const c = this.#cancel.__init(offset, ring.byteBuffer)
    const v = this.#venueCancel
    v.clientOrderId = c.clientOrderId()
    v.venueId = c.venueId()
    v.instrumentId = c.instrumentId()
    v.side = c.side()
    v.reason = c.reason()
    return v
  }

  #readAmend(ring: RingBuffer, offset: number): VenueAmend {
    const a = this.#amend.__init(offset, ring.byteBuffer)
    const v = this.#venueAmend
    v.clientOrderId = a.clientOrderId()
    v.newClientOrderId = a.newClientOrderId()
    v.venueId = a.venueId()
    v.instrumentId = a.instrumentId()
    v.side = a.side()
    v.priceTicks = a.priceTicks()
    v.sizeLots = a.sizeLots()
    return v
  }
}
