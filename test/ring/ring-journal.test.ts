import { describe, expect, it } from 'vitest'
import { newestWritten, replayConsumed, RingBuffer, RingConsumer, SingleProducerSequencer, writtenSince } from '../../src/ring/index.js'

/** A mixed ring of 8 slots whose messages are one double: the sequence they were written at, times 10. */
function ring() {
  const r = RingBuffer.create({ capacity: 8, maxPayloadBytes: 8 })
  const producer = new SingleProducerSequencer(r)
  const write = (n: number) => {
    for (let k = 0; k < n; k++) {
      const s = producer.claim(1)
      new DataView(r.sab, producer.setHeader(s, 8, 3), 8).setFloat64(0, s * 10, true)
      producer.publish(s)
    }
  }
  const valueAt = (r2: RingBuffer, offset: number) => new DataView(r2.sab, offset, 8).getFloat64(0, true)
  return { r, producer, write, valueAt }
}

describe('the ring as a journal', () => {
  it('a producer reads back what it wrote since a mark, and the newest message, from a view made after a restart', () => {
    const { r, producer, write, valueAt } = ring()
    const consumer = new RingConsumer(r, 0)
    expect(newestWritten(producer)).toBeUndefined()
    write(3)
    consumer.drain(() => {})
    const mark = producer.next
    write(4)
    consumer.drain(() => {})
    const again = new SingleProducerSequencer(r)
    expect(writtenSince(again, mark)).toEqual([3, 4, 5, 6])
    expect(valueAt(r, r.payloadOffset(writtenSince(again, mark)![0]!))).toBe(30)
    expect(valueAt(r, newestWritten(again)!)).toBe(60)
    // Nine more: the ring (8 slots) has come round past the mark.
    for (let k = 0; k < 9; k++) {
      write(1)
      consumer.drain(() => {})
    }
    expect(writtenSince(new SingleProducerSequencer(r), mark)).toBeUndefined()
  })

  it('a consumer reads again what it had read since a mark, from a copy; not once the producer has come round to the mark', () => {
    const { r, write, valueAt } = ring()
    const consumer = new RingConsumer(r, 0)
    write(2)
    consumer.drain(() => {})
    const mark = consumer.next
    write(3)
    consumer.drain(() => {})
    const seen: Array<[number, number]> = []
    const restarted = new RingConsumer(r, 0)
    expect(replayConsumed(restarted, mark, (copy, _s, type, offset) => void seen.push([type, valueAt(copy, offset)]))).toBe(3)
    expect(seen).toEqual([
      [3, 20],
      [3, 30],
      [3, 40],
    ])
    expect(replayConsumed(restarted, restarted.next, () => {})).toBe(0)
    // The read slots were released: the producer may write over them, and once it reaches the mark's slot they are gone.
    write(6)
    expect(replayConsumed(new RingConsumer(r, 0), mark, () => {})).toBeUndefined()
  })
})
