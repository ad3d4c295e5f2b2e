import { describe, expect, it } from 'vitest'
import { HINT_EVERY, PARKED, cursorWord, keepSequenceHint, markParked, readCursor, sequenceHint, storeCursor, widenSequence } from '../../src/ring/cursor.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { PRODUCER_CURSOR, consumerCursorIndex } from '../../src/ring/layout.js'

describe('a cursor word', () => {
  it('gives back any sequence within 2^30 of where the reader stands, across the 31-bit wrap', () => {
    for (const near of [0, 5, 2 ** 31 - 3, 2 ** 31, 2 ** 32 + 17, 2 ** 40 + 2 ** 31 - 1, 2 ** 52]) {
      for (const delta of [-(2 ** 30) + 1, -70_000, -1, 0, 1, 4096, 2 ** 30 - 1]) {
        const sequence = near + delta
        if (sequence < -1) continue
        expect(widenSequence(cursorWord(sequence), near)).toBe(sequence)
        expect(widenSequence(cursorWord(sequence) | PARKED, near)).toBe(sequence)
      }
    }
  })

  it('stands at -1 before a ring starting at 0 has published anything, unparked', () => {
    const word = cursorWord(-1)
    expect(word).toBeGreaterThanOrEqual(0)
    expect(widenSequence(word, 0)).toBe(-1)
  })

  it('is marked parked only while it still holds the value the waiter saw', () => {
    const words = new Int32Array(new SharedArrayBuffer(8))
    storeCursor(words, 0, 41)
    const seen = Atomics.load(words, 0)
    storeCursor(words, 0, 42) // published between the waiter's read and its mark
    expect(markParked(words, 0, seen)).toBeUndefined()
    expect(Atomics.load(words, 0)).toBe(cursorWord(42))

    const now = Atomics.load(words, 0)
    const marked = markParked(words, 0, now)
    expect(marked).toBe(now | PARKED)
    expect(readCursor(words, 0, 40)).toBe(42)
    // A second waiter finds the mark already there and waits on the same value.
    expect(markParked(words, 0, marked!)).toBe(marked)
  })

  it('wakes a thread parked on it when stored, and clears the mark', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8))
    storeCursor(words, 0, 7)
    const marked = markParked(words, 0, Atomics.load(words, 0))!
    const wait = Atomics.waitAsync(words, 0, marked, 5_000)
    expect(wait.async).toBe(true)
    storeCursor(words, 0, 8)
    await expect(wait.value).resolves.toBe('ok')
    expect(Atomics.load(words, 0)).toBe(cursorWord(8))
  })

  it('does not notify when nobody parked', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8))
    storeCursor(words, 0, 7)
    // A waiter on the unmarked word that never marked it is owed nothing: the store changes the
    // word without notifying, so this wait runs out its timeout rather than waking.
    const wait = Atomics.waitAsync(words, 0, cursorWord(7), 50)
    storeCursor(words, 0, 8)
    await expect((wait as { value: Promise<string> }).value).resolves.toBe('timed-out')
  })
})

describe('a thread attaching to a ring that has run a long time', () => {
  it('widens the cursors near the full sequences kept beside them, not near the start', () => {
    // As earlier owners leave a ring after 3.2 billion messages: far past 2^30 from its start.
    const ring = RingBuffer.create({ capacity: 64, maxPayloadBytes: 8 })
    const published = 3 * 2 ** 30 + 12_345
    const released = published - 10
    storeCursor(ring.words, PRODUCER_CURSOR, published)
    keepSequenceHint(ring.f64, PRODUCER_CURSOR, published - 1_000)
    storeCursor(ring.words, consumerCursorIndex(0), released)
    keepSequenceHint(ring.f64, consumerCursorIndex(0), released - 2_000)

    expect(new SingleProducerSequencer(ring).next).toBe(published + 1)
    expect(new RingConsumer(ring, 0).next).toBe(released + 1)
    // Widened near the start instead, both would be off by whole multiples of 2^31.
    expect(widenSequence(Atomics.load(ring.words, PRODUCER_CURSOR), ring.startSequence)).not.toBe(published)
  })

  it('keeps the full sequence beside each cursor as the cursor crosses a multiple of 2^28', () => {
    const start = HINT_EVERY - 3
    const ring = RingBuffer.create({ capacity: 16, maxPayloadBytes: 8, startSequence: start })
    const producer = new SingleProducerSequencer(ring)
    const consumer = new RingConsumer(ring, 0)
    expect(sequenceHint(ring.f64, PRODUCER_CURSOR)).toBe(start - 1)
    for (let i = 0; i < 8; i++) {
      const s = producer.claim(1)
      producer.setHeader(s, 8, 1)
      producer.publish(s)
      consumer.release(s)
    }
    expect(sequenceHint(ring.f64, PRODUCER_CURSOR)).toBe(HINT_EVERY)
    expect(sequenceHint(ring.f64, consumerCursorIndex(0))).toBe(HINT_EVERY)
  })
})
