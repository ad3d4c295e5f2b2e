import { Builder, ByteBuffer } from 'flatbuffers'
import { describe, expect, it } from 'vitest'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { BookDelta, BookAction, MessageType, Quote, Side, STRUCT_BYTES, largestStructBytes } from '../../src/schemas/index.js'

describe('FlatBuffers structs in ring slots', () => {
  it('are written and read in place, with no copy', () => {
    const ring = RingBuffer.create({ capacity: 8, maxPayloadBytes: largestStructBytes([MessageType.Quote, MessageType.BookDelta]) })
    const producer = new SingleProducerSequencer(ring)
    const consumer = new RingConsumer(ring, 0)

    const writer = new Quote()
    const s = producer.claim(1)
    producer.setHeader(s, Quote.sizeOf(), MessageType.Quote)
    writer.__init(ring.payloadOffset(s), ring.byteBuffer)
    writer.mutate_ts_ns(1_700_000_000_123_456_789)
    writer.mutate_instrument_id(42)
    writer.mutate_venue_id(3)
    writer.mutate_bid_price_ticks(10_000_050)
    writer.mutate_bid_size_lots(125)
    writer.mutate_ask_price_ticks(10_000_051)
    writer.mutate_ask_size_lots(2 ** 53 - 1)
    writer.mutate_venue_sequence(987_654_321)
    producer.publish(s)

    const reader = new Quote()
    let views = 0
    consumer.drain((r, _seq, type, offset, length) => {
      expect(type).toBe(MessageType.Quote)
      expect(length).toBe(STRUCT_BYTES[MessageType.Quote])
      const quote = reader.__init(offset, r.byteBuffer)
      // The struct is a cursor over the ring's own bytes, not a copy of them.
      expect(quote.bb).toBe(ring.byteBuffer)
      expect(quote.bb!.bytes().buffer).toBe(ring.sab)
      expect(quote.bb_pos).toBe(offset)
      expect([quote.instrumentId(), quote.venueId(), quote.bidPriceTicks(), quote.askPriceTicks()]).toEqual([42, 3, 10_000_050, 10_000_051])
      expect(quote.askSizeLots()).toBe(2 ** 53 - 1)
      // A write to the slot's bytes is seen through the same struct: in place.
      ring.f64[(offset + 16) >> 3] = 10_000_049
      expect(quote.bidPriceTicks()).toBe(10_000_049)
      views++
    })
    expect(views).toBe(1)
  })

  it('lay out the same bytes as the FlatBuffers builder', () => {
    const builder = new Builder(64)
    builder.finish(BookDelta.createBookDelta(builder, 5e18, 7, 2, Side.Sell, BookAction.Delete, 1234, 0, 99, 97))
    const built = new ByteBuffer(builder.asUint8Array())
    const fromBuilder = new BookDelta().__init(built.readUint32(built.position()) + built.position(), built)

    const ring = RingBuffer.create({ capacity: 2, maxPayloadBytes: BookDelta.sizeOf() })
    const offset = ring.payloadOffset(0)
    const inRing = new BookDelta().__init(offset, ring.byteBuffer)
    inRing.mutate_ts_ns(5e18)
    inRing.mutate_instrument_id(7)
    inRing.mutate_venue_id(2)
    inRing.mutate_side(Side.Sell)
    inRing.mutate_action(BookAction.Delete)
    inRing.mutate_price_ticks(1234)
    inRing.mutate_size_lots(0)
    inRing.mutate_venue_sequence(99)
    inRing.mutate_first_venue_sequence(97)
    const start = fromBuilder.bb_pos
    expect(ring.bytes.slice(offset, offset + BookDelta.sizeOf())).toEqual(built.bytes().slice(start, start + BookDelta.sizeOf()))
  })

  it('fit every market-data message in one cache line', () => {
    expect(largestStructBytes([MessageType.Quote, MessageType.BookDelta, MessageType.Trade])).toBeLessThanOrEqual(64)
    expect(() => largestStructBytes([MessageType.AgentHealth])).toThrow('message type AgentHealth is not a fixed-size struct')
  })
})
