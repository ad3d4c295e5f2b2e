import { describe, expect, it } from 'vitest'
import type { Clock } from '../../src/clock/clock.js'
import { BusySpinWaitStrategy, RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'

/** A clock that moves 100 ns each time it is read, and counts the reads. */
class SteppingClock implements Clock {
  reads = 0
  nowNs(): number {
    return 100 * ++this.reads
  }
}

function ringWith(strategy: BusySpinWaitStrategy): { publish: (n: number) => void; take: () => number } {
  const ring = RingBuffer.create({ capacity: 64, maxPayloadBytes: 8, uniformType: 1 })
  const producer = new SingleProducerSequencer(ring, strategy)
  const consumer = new RingConsumer(ring, 0)
  return {
    publish(n) {
      const first = producer.claim(n)
      producer.publish(first + n - 1)
    },
    take() {
      const first = consumer.next
      const seen = consumer.waitFor(strategy)
      consumer.release(seen)
      return seen - first + 1
    },
  }
}

describe('busy spin after a take', () => {
  it('pauses for coalesceNs before the next read after a take of a few messages', () => {
    const clock = new SteppingClock()
    const strategy = new BusySpinWaitStrategy({ coalesceNs: 1000, clock })
    const { publish, take } = ringWith(strategy)
    publish(1)
    expect(take()).toBe(1)
    expect(clock.reads).toBe(0)
    publish(2)
    expect(take()).toBe(2)
    // The pause began at a read and ended at the first read 1000 ns past it.
    expect(clock.reads).toBe(11)
  })

  it('reads at once after a large take, and never pauses with coalesceNs 0', () => {
    const clock = new SteppingClock()
    const { publish, take } = ringWith(new BusySpinWaitStrategy({ coalesceNs: 1000, clock }))
    publish(8)
    expect(take()).toBe(8)
    publish(1)
    expect(take()).toBe(1)
    expect(clock.reads).toBe(0)

    const never = new SteppingClock()
    const off = ringWith(new BusySpinWaitStrategy({ coalesceNs: 0, clock: never }))
    for (let i = 0; i < 3; i++) {
      off.publish(1)
      expect(off.take()).toBe(1)
    }
    expect(never.reads).toBe(0)
  })
})
