import { describe, expect, it } from 'vitest'
import { RingBuffer, SingleProducerSequencer, SpinThenParkWaitStrategy } from '../../src/ring/index.js'
import { runWorker } from '../helper.js'
import { expectedChecksum, writePattern, type Outcomes } from '../fixtures/ring/message-pattern.js'
import type { RingJob } from '../fixtures/ring/ring-worker.js'

/**
 * Real threads, real SharedArrayBuffer. Each consumer tallies its outcomes:
 * received and checksum are the acceptable ones; lost (a gap), duplicated (a
 * step back, i.e. an overwritten slot) and torn (a slot read while written)
 * are forbidden and must be zero.
 */
const WORKER = 'test/fixtures/ring/ring-worker'
const QUICK = process.env['WAVES_STRESS'] !== 'long'

function start(job: RingJob) {
  return runWorker<Outcomes & { published?: number }>(WORKER, job)
}

function expectClean(out: Outcomes, count: number, first = 0): void {
  expect({ lost: out.lost, duplicated: out.duplicated, torn: out.torn }).toEqual({ lost: 0, duplicated: 0, torn: 0 })
  expect(out.received).toBe(count)
  expect(out.checksum).toBe(expectedChecksum(first, count))
}

describe('ring between threads', () => {
  it('carries 10 million messages from one thread to another, none lost, duplicated or torn', async () => {
    const count = 10_000_000
    const ring = RingBuffer.create({ capacity: 4096, maxPayloadBytes: 64 })
    const consumer = start({ role: 'consume', sab: ring.sab, id: 0, count, strategy: 'park' })
    const producer = start({ role: 'produce', sab: ring.sab, count, batch: 64, strategy: 'park', close: false })
    const [out] = await Promise.all([consumer.result, producer.result])
    expectClean(out, count)
  })

  it.each(['spin', 'park', 'async'] as const)('delivers in order with a %s consumer across the 2^32 wrap', async (strategy) => {
    const count = 300_000
    const startSequence = 2 ** 32 - 100_000
    const ring = RingBuffer.create({ capacity: 256, maxPayloadBytes: 64, startSequence })
    const consumer = start({ role: 'consume', sab: ring.sab, id: 0, count, strategy })
    const producer = start({ role: 'produce', sab: ring.sab, count, batch: 1, strategy: 'park', close: false })
    const [out] = await Promise.all([consumer.result, producer.result])
    expectClean(out, count, startSequence)
  })

  it('feeds three consumers at different speeds from one multicast ring', async () => {
    const count = QUICK ? 200_000 : 5_000_000
    const ring = RingBuffer.create({ capacity: 1024, maxPayloadBytes: 64, consumers: 3 })
    const speeds = [0, 200, 2000]
    const consumers = speeds.map((spinPerMessage, id) => start({ role: 'consume', sab: ring.sab, id, count, strategy: 'park', spinPerMessage }))
    const producer = start({ role: 'produce', sab: ring.sab, count, batch: 32, strategy: 'park', close: false })
    const outs = await Promise.all(consumers.map((c) => c.result))
    await producer.result
    for (const out of outs) expectClean(out, count)
  })

  it('never overwrites a slot a stalled consumer has not released', async () => {
    const capacity = 64
    const stallAfter = 10
    const total = stallAfter + capacity + 500
    const ring = RingBuffer.create({ capacity, maxPayloadBytes: 64 })
    const control = new SharedArrayBuffer(8)
    const flags = new Int32Array(control)
    const consumer = start({ role: 'consume', sab: ring.sab, id: 0, count: total, strategy: 'park', stallAfter, control })

    const producer = new SingleProducerSequencer(ring, new SpinThenParkWaitStrategy())
    const publishOne = (): boolean => {
      const s = producer.tryClaim(1)
      if (s < 0) return false
      producer.setHeader(s, 64, 1)
      writePattern(ring.f64, ring.payloadOffset(s), s)
      producer.publish(s)
      return true
    }
    for (let i = 0; i < stallAfter; i++) expect(publishOne()).toBe(true)
    Atomics.wait(flags, 0, 0, 10_000) // the consumer has released stallAfter messages and stalls
    expect(Atomics.load(flags, 0)).toBe(1)
    let accepted = 0
    while (publishOne()) accepted++
    // Exactly one ring's worth fits past the stalled consumer; more attempts are refused.
    expect(accepted).toBe(capacity)
    for (let i = 0; i < 100; i++) expect(publishOne()).toBe(false)

    Atomics.store(flags, 1, 1)
    Atomics.notify(flags, 1)
    for (let s = stallAfter + capacity; s < total; s++) {
      const q = producer.claim(1) // waits for the consumer, with the wait strategy
      producer.setHeader(q, 64, 1)
      writePattern(ring.f64, ring.payloadOffset(q), q)
      producer.publish(q)
    }
    expectClean(await consumer.result, total)
  })
})
