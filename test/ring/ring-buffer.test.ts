import { describe, expect, it } from 'vitest'
import { isWavesError } from '../../src/errors/index.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer, SpinThenParkWaitStrategy } from '../../src/ring/index.js'
import { LINE_BYTES, PRODUCER_CURSOR, consumerCursorIndex } from '../../src/ring/layout.js'

describe('RingBuffer options', () => {
  it('names every invalid option at once', () => {
    expect(() => RingBuffer.create({ capacity: 12, maxPayloadBytes: 0, consumers: 0 })).toThrow(
      'invalid ring options: capacity must be a power of two from 2 to 16777216, got 12; maxPayloadBytes must be an integer from 1 to 1048576, got 0; consumers must be an integer from 1 to 64, got 0',
    )
  })

  it('rejects a negative or fractional start sequence', () => {
    expect(() => RingBuffer.create({ capacity: 8, maxPayloadBytes: 8, startSequence: -1 })).toThrow(
      'invalid ring options: startSequence must be a non-negative safe integer, got -1',
    )
  })

  it('refuses to attach to a buffer that is not a ring', () => {
    const error = (() => {
      try {
        RingBuffer.attach(new SharedArrayBuffer(1024))
      } catch (err) {
        return err
      }
      return undefined
    })()
    expect(isWavesError(error, 'ERR_RING_LAYOUT')).toBe(true)
  })

  it('puts the producer cursor and every consumer cursor on a line of its own', () => {
    const ring = RingBuffer.create({ capacity: 8, maxPayloadBytes: 64, consumers: 3 })
    const byteOffsets = [PRODUCER_CURSOR, consumerCursorIndex(0), consumerCursorIndex(1), consumerCursorIndex(2)].map((word) => word * 4)
    const lines = byteOffsets.map((offset) => Math.floor(offset / LINE_BYTES))
    expect(new Set(lines).size).toBe(4)
    for (const offset of byteOffsets) expect(offset % LINE_BYTES).toBe(0)
    expect(ring.slotsOffset % LINE_BYTES).toBe(0)
  })

  it('aligns every payload to 8 bytes and sizes slots for the largest message', () => {
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 61 })
    expect(ring.slotBytes).toBe(72)
    for (let s = 0; s < 8; s++) expect(ring.payloadOffset(s) % 8).toBe(0)
  })
})

describe('a uniform ring', () => {
  it('gives each message exactly its size, with no slot header, and refuses any other message', () => {
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 64, uniformType: 3 })
    expect(ring.slotBytes).toBe(64)
    expect(ring.payloadOffset(1) - ring.payloadOffset(0)).toBe(64)
    expect(ring.payloadOffset(0) % LINE_BYTES).toBe(0)
    const producer = new SingleProducerSequencer(ring)
    expect(() => producer.tryPublishBytes(4, new Uint8Array(64))).toThrow('this ring carries only 64-byte messages of type 3, got 64 bytes of type 4')
    expect(() => producer.tryPublishBytes(3, new Uint8Array(32))).toThrow('this ring carries only 64-byte messages of type 3, got 32 bytes of type 3')
    expect(producer.tryPublishBytes(3, new Uint8Array(64).fill(5))).toBe(true)
    const seen: number[] = []
    new RingConsumer(RingBuffer.attach(ring.sab), 0).drain((r, _s, type, offset, length) => seen.push(type, length, r.bytes[offset + 63]!))
    expect(seen).toEqual([3, 64, 5])
  })

  it('rejects a type id outside 1..65535', () => {
    expect(() => RingBuffer.create({ capacity: 4, maxPayloadBytes: 8, uniformType: 70_000 })).toThrow(
      'invalid ring options: uniformType must be a message type id from 1 to 65535, got 70000',
    )
  })
})

describe('a message that does not fit', () => {
  it('is an error, never a truncation, and claims nothing', () => {
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 16 })
    const producer = new SingleProducerSequencer(ring)
    expect(() => producer.tryPublishBytes(7, new Uint8Array(17))).toThrow(
      "message of 17 bytes (type 7) does not fit this ring's 16-byte slots",
    )
    expect(producer.next).toBe(0)
    const consumer = new RingConsumer(ring, 0)
    expect(consumer.available()).toBe(0)
    expect(producer.tryPublishBytes(7, new Uint8Array(16).fill(9))).toBe(true)
    expect(ring.payloadLength(0)).toBe(16)
    expect(ring.messageType(0)).toBe(7)
  })
})

describe('closing', () => {
  it('lets consumers drain what was published, then reports the end', () => {
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 8 })
    const producer = new SingleProducerSequencer(ring)
    const consumer = new RingConsumer(ring, 0)
    producer.publishBytes(1, new Uint8Array(8))
    ring.close()
    const strategy = producer.waitStrategy
    expect(consumer.waitFor(strategy)).toBe(0)
    expect(consumer.drain(() => {})).toBe(1)
    expect(consumer.waitFor(strategy)).toBe(0) // below next (1): closed and drained
    expect(consumer.next).toBe(1)
  })

  it('refuses to wait for room in a closed ring with ERR_RING_CLOSED', () => {
    const ring = RingBuffer.create({ capacity: 2, maxPayloadBytes: 8 })
    const producer = new SingleProducerSequencer(ring)
    producer.publishBytes(1, new Uint8Array(8))
    producer.publishBytes(1, new Uint8Array(8))
    ring.close()
    expect(() => producer.publishBytes(1, new Uint8Array(8))).toThrow('ring closed while the producer waited for room')
  })
})

describe('spin-then-park while nothing comes', () => {
  it('runs whileParked each time a park times out, and still returns the message once one is published', () => {
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 8 })
    const producer = new SingleProducerSequencer(ring)
    const consumer = new RingConsumer(ring, 0)
    let parked = 0
    // The fifth time-out publishes: one thread plays both sides, the wait blocks it in between.
    const strategy = new SpinThenParkWaitStrategy({
      spinTries: 0,
      parkTimeoutMs: 1,
      whileParked: () => {
        if (++parked === 5) producer.publishBytes(1, new Uint8Array(8))
      },
    })
    expect(consumer.waitFor(strategy)).toBe(0)
    expect(parked).toBe(5)
    // Something already published returns at once, with no park.
    producer.publishBytes(1, new Uint8Array(8))
    consumer.release(0)
    expect(consumer.waitFor(strategy)).toBe(1)
    expect(parked).toBe(5)
  })
})
