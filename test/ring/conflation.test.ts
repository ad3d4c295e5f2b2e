import { describe, expect, it } from 'vitest'
import { ConflatingPublisher, RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { runWorker } from '../helper.js'
import type { ConflateOutcome } from '../fixtures/ring/ring-worker.js'

function encoder(key: number, version: number) {
  return (bytes: Uint8Array, offset: number): void => {
    const f64 = new Float64Array(bytes.buffer, bytes.byteOffset + offset, 3)
    f64[0] = key
    f64[1] = version
    f64[2] = key * 1_000_000 + version
  }
}

function read(ring: RingBuffer, offset: number): [number, number] {
  return [ring.f64[offset >> 3]!, ring.f64[(offset >> 3) + 1]!]
}

describe('conflating publisher', () => {
  it('holds the latest per key while the ring is full and counts every replaced message', () => {
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 24 })
    const publisher = new ConflatingPublisher(new SingleProducerSequencer(ring), { keys: 3 })
    const consumer = new RingConsumer(ring, 0)
    // Four fit; then key 0 is held, replaced twice; key 1 held once; key 0 again.
    const offers: Array<[number, number]> = [[0, 0], [1, 0], [2, 0], [0, 1], [0, 2], [0, 3], [1, 1], [0, 4]]
    const published = offers.map(([key, version]) => publisher.offer(key, 1, 24, encoder(key, version)))
    expect(published).toEqual([true, true, true, true, false, false, false, false])
    expect(publisher.held).toBe(2)
    expect(ring.conflatedCount).toBe(2) // (0,2) replaced by (0,3), which (0,4) replaced

    const seen: Array<[number, number]> = []
    consumer.drain((r, _s, _t, offset) => seen.push(read(r, offset)))
    expect(publisher.flush()).toBe(0)
    consumer.drain((r, _s, _t, offset) => seen.push(read(r, offset)))
    // Held keys come out in the order they were first held: key 0 first, with its latest.
    expect(seen).toEqual([[0, 0], [1, 0], [2, 0], [0, 1], [0, 4], [1, 1]])
    expect(seen.length + ring.conflatedCount).toBe(offers.length)
  })

  it('never lets a key overtake its own held update', () => {
    const ring = RingBuffer.create({ capacity: 2, maxPayloadBytes: 24 })
    const publisher = new ConflatingPublisher(new SingleProducerSequencer(ring), { keys: 2 })
    const consumer = new RingConsumer(ring, 0)
    publisher.offer(0, 1, 24, encoder(0, 0))
    publisher.offer(0, 1, 24, encoder(0, 1))
    expect(publisher.offer(1, 1, 24, encoder(1, 0))).toBe(false) // held
    consumer.drain(() => {}, 1) // one slot frees
    // Held key 1 takes the freed slot, so the new key-0 update is held behind it.
    expect(publisher.offer(0, 1, 24, encoder(0, 2))).toBe(false)
    const seen: Array<[number, number]> = []
    consumer.drain((r, _s, _t, offset) => seen.push(read(r, offset)))
    publisher.flush()
    consumer.drain((r, _s, _t, offset) => seen.push(read(r, offset)))
    expect(seen).toEqual([[0, 1], [1, 0], [0, 2]])
  })

  it('rejects a key outside its key space', () => {
    const ring = RingBuffer.create({ capacity: 2, maxPayloadBytes: 24 })
    const publisher = new ConflatingPublisher(new SingleProducerSequencer(ring), { keys: 2 })
    expect(() => publisher.offer(2, 1, 24, encoder(2, 0))).toThrow('conflation key must be an integer from 0 to 1, got 2')
  })

  it('keeps a fast feed unblocked by a slow reader thread with exact counts', async () => {
    const keys = 16
    const offered = 300_000
    const ring = RingBuffer.create({ capacity: 256, maxPayloadBytes: 24 })
    const publisher = new ConflatingPublisher(new SingleProducerSequencer(ring), { keys })
    const { result } = runWorker<ConflateOutcome>('test/fixtures/ring/ring-worker', { role: 'conflate-consume', sab: ring.sab, keys, spinPerMessage: 3000 })
    const version = new Array<number>(keys).fill(0)
    for (let i = 0; i < offered; i++) {
      const key = (i * 7919) % keys
      publisher.offer(key, 1, 24, encoder(key, version[key]!++))
    }
    while (publisher.flush() > 0) await new Promise((r) => setTimeout(r, 1))
    ring.close()
    const outcome = await result
    expect(ring.conflatedCount).toBeGreaterThan(0)
    expect(outcome.delivered + ring.conflatedCount).toBe(offered)
    expect({ outOfOrder: outcome.outOfOrder, torn: outcome.torn }).toEqual({ outOfOrder: 0, torn: 0 })
    // Nothing vanished: every key's latest update reached the reader.
    expect(outcome.lastVersion).toEqual(version.map((v) => v - 1))
  })
})
