import { Builder, ByteBuffer } from 'flatbuffers'
import { describe, expect, it } from 'vitest'
import { createDataPlane } from '../../src/cycle/data-plane.js'
import { TOPOLOGY } from '../../src/cycle/topology.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { CancelReason, MessageType, Order, OrderAmend, OrderCancel, OrderEvent, OrderStatus, RefusedRequest, Side, STRUCT_BYTES } from '../../src/schemas/index.js'

/** The struct as the FlatBuffers builder lays it out, for comparison with one written in place. */
function built<T extends { bb_pos: number }>(create: (b: Builder) => number, reader: { __init(i: number, bb: ByteBuffer): T }, size: number): Uint8Array {
  const builder = new Builder(64)
  builder.finish(create(builder))
  const bb = new ByteBuffer(builder.asUint8Array())
  const struct = reader.__init(bb.readUint32(bb.position()) + bb.position(), bb)
  return bb.bytes().slice(struct.bb_pos, struct.bb_pos + size)
}

describe('order request messages', () => {
  it('a cancel and an amend cross the venue ring behind an order, in order, each field read back as written', () => {
    const plane = createDataPlane({}, 1)
    const ring = RingBuffer.attach(plane.rings['venue']!)
    expect(ring.uniformType).toBe(0)
    expect(TOPOLOGY.venue.messages).toEqual([MessageType.Order, MessageType.OrderCancel, MessageType.OrderAmend])
    const producer = new SingleProducerSequencer(ring)
    const consumer = new RingConsumer(ring, 0)

    let s = producer.claim(1)
    new Order().__init(producer.setHeader(s, Order.sizeOf(), MessageType.Order), ring.byteBuffer).mutate_client_order_id(2 ** 40 + 7)
    producer.publish(s)
    s = producer.claim(1)
    const cancel = new OrderCancel().__init(producer.setHeader(s, OrderCancel.sizeOf(), MessageType.OrderCancel), ring.byteBuffer)
    cancel.mutate_ts_ns(1_700_000_000_000_000_123)
    cancel.mutate_client_order_id(2 ** 40 + 7)
    cancel.mutate_instrument_id(3)
    cancel.mutate_venue_id(2)
    cancel.mutate_side(Side.Sell)
    cancel.mutate_reason(CancelReason.ChildTimeout)
    producer.publish(s)
    s = producer.claim(1)
    const amend = new OrderAmend().__init(producer.setHeader(s, OrderAmend.sizeOf(), MessageType.OrderAmend), ring.byteBuffer)
    amend.mutate_ts_ns(1_700_000_000_000_000_456)
    amend.mutate_client_order_id(2 ** 40 + 7)
    amend.mutate_new_client_order_id(2 ** 53 - 1)
    amend.mutate_instrument_id(3)
    amend.mutate_venue_id(2)
    amend.mutate_side(Side.Sell)
    amend.mutate_price_ticks(10_000_051)
    amend.mutate_size_lots(125)
    producer.publish(s)

    const read: unknown[] = []
    consumer.drain((r, _s, type, offset, length) => {
      expect(length).toBe(STRUCT_BYTES[type as MessageType])
      if (type === MessageType.Order) read.push(['order', new Order().__init(offset, r.byteBuffer).clientOrderId()])
      if (type === MessageType.OrderCancel) {
        const c = new OrderCancel().__init(offset, r.byteBuffer)
        read.push(['cancel', c.tsNs(), c.clientOrderId(), c.instrumentId(), c.venueId(), c.side(), c.reason()])
      }
      if (type === MessageType.OrderAmend) {
        const a = new OrderAmend().__init(offset, r.byteBuffer)
        read.push(['amend', a.tsNs(), a.clientOrderId(), a.newClientOrderId(), a.instrumentId(), a.venueId(), a.side(), a.priceTicks(), a.sizeLots()])
      }
    })
    expect(read).toEqual([
      ['order', 2 ** 40 + 7],
      ['cancel', 1_700_000_000_000_000_123, 2 ** 40 + 7, 3, 2, Side.Sell, CancelReason.ChildTimeout],
      ['amend', 1_700_000_000_000_000_456, 2 ** 40 + 7, 2 ** 53 - 1, 3, 2, Side.Sell, 10_000_051, 125],
    ])
  })

  it('lay out the same bytes in a ring slot as the FlatBuffers builder, and an OrderEvent says what it refused without growing', () => {
    const ring = RingBuffer.create({ capacity: 2, maxPayloadBytes: OrderAmend.sizeOf() })
    const offset = ring.payloadOffset(0)
    const amend = new OrderAmend().__init(offset, ring.byteBuffer)
    amend.mutate_ts_ns(5e18)
    amend.mutate_client_order_id(11)
    amend.mutate_new_client_order_id(12)
    amend.mutate_instrument_id(7)
    amend.mutate_venue_id(2)
    amend.mutate_side(Side.Buy)
    amend.mutate_price_ticks(0)
    amend.mutate_size_lots(40)
    expect(ring.bytes.slice(offset, offset + OrderAmend.sizeOf())).toEqual(built((b) => OrderAmend.createOrderAmend(b, 5e18, 11, 12, 7, 2, Side.Buy, 0, 40), new OrderAmend(), OrderAmend.sizeOf()))

    const cancel = new OrderCancel().__init(offset, ring.byteBuffer)
    cancel.mutate_ts_ns(6e18)
    cancel.mutate_client_order_id(11)
    cancel.mutate_instrument_id(7)
    cancel.mutate_venue_id(2)
    cancel.mutate_side(Side.Buy)
    cancel.mutate_reason(CancelReason.Shutdown)
    expect(ring.bytes.slice(offset, offset + OrderCancel.sizeOf())).toEqual(built((b) => OrderCancel.createOrderCancel(b, 6e18, 11, 7, 2, Side.Buy, CancelReason.Shutdown), new OrderCancel(), OrderCancel.sizeOf()))

    const event = new OrderEvent().__init(offset, ring.byteBuffer)
    event.mutate_status(OrderStatus.Filled)
    event.mutate_refused(RefusedRequest.Cancel)
    event.mutate_reason_code(31)
    expect([event.status(), event.refused(), event.reasonCode()]).toEqual([OrderStatus.Filled, RefusedRequest.Cancel, 31])
    // The refusal sits in what was padding: the fill ring's slots are as before, cancel and amend fit the venue ring's.
    expect([OrderEvent.sizeOf(), OrderCancel.sizeOf(), OrderAmend.sizeOf(), Order.sizeOf()]).toEqual([40, 24, 48, 64])
  })
})
