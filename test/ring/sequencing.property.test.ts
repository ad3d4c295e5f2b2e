import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'

/**
 * Model-based: any interleaving of produce and consume steps, on rings of
 * any small size and any number of consumers, starting anywhere including
 * just before the cursor words wrap at 2^31 and 2^32, must behave like one
 * FIFO queue per consumer bounded by the slowest consumer.
 */
type Step = { kind: 'produce'; n: number } | { kind: 'consume'; consumer: number; max: number }

const step = (consumers: number): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ kind: fc.constant('produce' as const), n: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('consume' as const), consumer: fc.integer({ min: 0, max: consumers - 1 }), max: fc.integer({ min: 1, max: 20 }) }),
  )

const scenario = fc
  .record({
    capacityLog2: fc.integer({ min: 1, max: 5 }),
    consumers: fc.integer({ min: 1, max: 3 }),
    payloadBytes: fc.integer({ min: 1, max: 40 }),
    startSequence: fc.constantFrom(0, 2 ** 31 - 7, 2 ** 32 - 7, 2 ** 40 + 3),
    uniform: fc.boolean(),
  })
  .chain((setup) => fc.record({ setup: fc.constant(setup), steps: fc.array(step(setup.consumers), { maxLength: 300 }) }))

function payloadFor(sequence: number, bytes: number): Uint8Array {
  const payload = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i++) payload[i] = (sequence * 7 + i * 13) & 0xff
  return payload
}

describe('ring sequencing', () => {
  it('prop_any_interleaving_is_a_bounded_fifo_per_consumer', () => {
    fc.assert(
      fc.property(scenario, ({ setup, steps }) => {
        const capacity = 2 ** setup.capacityLog2
        const ring = RingBuffer.create({
          capacity,
          maxPayloadBytes: 40,
          consumers: setup.consumers,
          startSequence: setup.startSequence,
          ...(setup.uniform ? { uniformType: 9 } : {}),
        })
        // A uniform ring carries one type of one size; a mixed one varies both.
        const typeOf = (q: number): number => (setup.uniform ? 9 : q % 5)
        const sizeOf = (q: number): number => (setup.uniform ? 40 : 1 + (q % setup.payloadBytes))
        const producer = new SingleProducerSequencer(ring)
        const consumers = Array.from({ length: setup.consumers }, (_, c) => new RingConsumer(ring, c))
        let produced = setup.startSequence
        const nextExpected = consumers.map(() => setup.startSequence)

        for (const s of steps) {
          if (s.kind === 'produce') {
            const slowest = Math.min(...nextExpected)
            const free = capacity - (produced - slowest)
            const first = producer.tryClaim(s.n)
            if (s.n > free) {
              expect(first).toBe(-1)
              continue
            }
            expect(first).toBe(produced)
            for (let q = first; q < first + s.n; q++) {
              const payload = payloadFor(q, sizeOf(q))
              ring.bytes.set(payload, producer.setHeader(q, payload.byteLength, typeOf(q)))
            }
            producer.publish(first + s.n - 1)
            produced += s.n
          } else {
            const consumer = consumers[s.consumer]!
            expect(consumer.available()).toBe(produced - nextExpected[s.consumer]!)
            consumer.drain((r, sequence, type, offset, length) => {
              expect(sequence).toBe(nextExpected[s.consumer])
              expect(type).toBe(typeOf(sequence))
              expect(r.bytes.slice(offset, offset + length)).toEqual(payloadFor(sequence, sizeOf(sequence)))
              nextExpected[s.consumer]!++
            }, s.max)
          }
        }
        // Whatever is left is still there, in order, for every consumer.
        consumers.forEach((consumer, c) => {
          consumer.drain((_r, sequence) => {
            expect(sequence).toBe(nextExpected[c])
            nextExpected[c]!++
          })
          expect(nextExpected[c]).toBe(produced)
        })
      }),
      { numRuns: 300 },
    )
  })

  it('rebuilds full sequences from 32-bit cursor words across the wrap', () => {
    const start = 2 ** 32 - 3
    const ring = RingBuffer.create({ capacity: 4, maxPayloadBytes: 8, startSequence: start })
    const producer = new SingleProducerSequencer(ring)
    const consumer = new RingConsumer(ring, 0)
    const seen: number[] = []
    for (let i = 0; i < 10; i++) {
      producer.publishBytes(1, new Uint8Array(8))
      consumer.drain((_r, sequence) => seen.push(sequence))
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => start + i))
    // A thread attaching now rebuilds the same position from the words.
    expect(new RingConsumer(RingBuffer.attach(ring.sab), 0).next).toBe(start + 10)
    expect(new SingleProducerSequencer(RingBuffer.attach(ring.sab)).next).toBe(start + 10)
  })
})
