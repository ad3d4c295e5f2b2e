import { WavesError } from '../errors/index.js'
import { keepSequenceHint, readCursor, sequenceHint, storeCursor } from './cursor.js'
import {
  PRODUCER_CURSOR,
  SLOT_HEADER_BYTES,
  SLOT_LENGTH_WORD,
  SLOT_TYPE_WORD,
  consumerCursorIndex,
} from './layout.js'
import type { RingBuffer } from './ring-buffer.js'
import { SpinThenParkWaitStrategy } from './spin-then-park-wait-strategy.js'
import type { WaitStrategy } from './wait-strategy.js'

/**
 * The one producer of a ring: claims slots, lets the caller write them in
 * place, then publishes. Claiming never passes the slowest consumer, so no
 * slot is overwritten before every consumer has released it.
 *
 * Memory ordering: the caller writes slots with plain stores, then `publish`
 * does one `Atomics.exchange` of the cursor. A consumer's `Atomics.load` of the
 * cursor that sees that value also sees every slot write before it. Publishing
 * a batch with one exchange is what makes batches fast.
 *
 * Single-thread state (next sequence, cached gating sequence) lives in plain
 * fields, not in shared memory: the shared consumer cursors are read only when
 * the ring looks full from the cached value.
 */
export class SingleProducerSequencer {
  readonly ring: RingBuffer
  readonly waitStrategy: WaitStrategy
  readonly #words: Int32Array
  readonly #consumerIndices: number[]
  // Copies of the ring's geometry: the per-message path reads only this object.
  readonly #slotsOffset: number
  readonly #capacity: number
  readonly #mask: number
  readonly #slotBytes: number
  readonly #maxPayloadBytes: number
  readonly #uniformType: number
  /** Next sequence to claim. */
  #next: number
  /** Lowest consumer cursor last seen: slots up to it + capacity are free. */
  #cachedGating: number
  /** The published sequence at which to keep the full sequence beside the cursor again. */
  #hintDue: number

  constructor(ring: RingBuffer, waitStrategy: WaitStrategy = new SpinThenParkWaitStrategy()) {
    this.ring = ring
    this.waitStrategy = waitStrategy
    this.#words = ring.words
    this.#slotsOffset = ring.slotsOffset
    this.#capacity = ring.capacity
    this.#mask = ring.mask
    this.#slotBytes = ring.slotBytes
    this.#maxPayloadBytes = ring.maxPayloadBytes
    this.#uniformType = ring.uniformType
    this.#consumerIndices = Array.from({ length: ring.consumerCount }, (_, c) => consumerCursorIndex(c))
    this.#next = readCursor(ring.words, PRODUCER_CURSOR, sequenceHint(ring.f64, PRODUCER_CURSOR)) + 1
    this.#cachedGating = this.#next - 1
    this.#hintDue = keepSequenceHint(ring.f64, PRODUCER_CURSOR, this.#next - 1)
  }

  /** Next sequence `tryClaim` would hand out. */
  get next(): number {
    return this.#next
  }

  /**
   * Claims `n` consecutive slots and returns the first sequence, or -1 when
   * fewer than `n` are free. Never blocks, never allocates.
   */
  tryClaim(n = 1): number {
    const first = this.#next
    if (first + n - 1 - this.#capacity > this.#cachedGating && !this.#roomAfterLooking(first, n)) return -1
    this.#next = first + n
    return first
  }

  /** Claims `n` slots, waiting with the wait strategy while the ring is full. */
  claim(n = 1): number {
    const first = this.#next
    // Room already known: a body small enough for V8 to inline into the
    // caller's loop. The rest, from checking `n` to waiting, is apart.
    if (n >= 1 && first + n - 1 - this.#capacity <= this.#cachedGating) {
      this.#next = first + n
      return first
    }
    return this.#claimWaiting(n)
  }

  #claimWaiting(n: number): number {
    if (!(n >= 1 && n <= this.#capacity)) {
      throw new WavesError('ERR_RING_CONFIG', `cannot claim ${n} slots of a ring of ${this.#capacity}`, { n })
    }
    for (;;) {
      const first = this.tryClaim(n)
      if (first >= 0) return first
      if (this.ring.closed) throw new WavesError('ERR_RING_CLOSED', 'ring closed while the producer waited for room', {})
      const wanted = this.#next + n - 1 - this.#capacity
      const slowest = this.#slowestConsumerIndex(this.#next - 1)
      this.waitStrategy.waitFor(this.#words, slowest, wanted)
    }
  }

  /** Reads the consumers' cursors again: whether `n` slots from `first` are free now. */
  #roomAfterLooking(first: number, n: number): boolean {
    this.#cachedGating = this.#slowestConsumer(first - 1)
    return first + n - 1 - this.#capacity <= this.#cachedGating
  }

  /**
   * Writes a slot's header (the payload's length and type id) and returns
   * the byte offset where its payload goes; in a uniform ring there is no
   * header to write. Throws for a message the ring does not take, after the
   * slot was claimed: when size or type can be wrong, check with
   * `ring.assertAccepts` before claiming, as the copying methods here do.
   */
  setHeader(sequence: number, payloadBytes: number, messageType: number): number {
    const slot = this.#slotsOffset + (sequence & this.#mask) * this.#slotBytes
    if (this.#uniformType !== 0) {
      if (messageType !== this.#uniformType || payloadBytes !== this.#maxPayloadBytes) this.ring.assertAccepts(payloadBytes, messageType)
      return slot
    }
    if (payloadBytes > this.#maxPayloadBytes || payloadBytes < 0) this.ring.assertAccepts(payloadBytes, messageType)
    const word = slot >> 2
    this.#words[word + SLOT_LENGTH_WORD] = payloadBytes
    this.#words[word + SLOT_TYPE_WORD] = messageType
    return slot + SLOT_HEADER_BYTES
  }

  /** Makes every claimed sequence up to `last` visible to consumers. */
  publish(last: number): void {
    if (last >= this.#hintDue) this.#hintDue = keepSequenceHint(this.ring.f64, PRODUCER_CURSOR, last)
    storeCursor(this.#words, PRODUCER_CURSOR, last)
  }

  /** Copies one message into the next slot and publishes it; false when the ring is full. */
  tryPublishBytes(messageType: number, payload: Uint8Array): boolean {
    this.ring.assertAccepts(payload.byteLength, messageType)
    const sequence = this.tryClaim(1)
    if (sequence < 0) return false
    this.ring.bytes.set(payload, this.setHeader(sequence, payload.byteLength, messageType))
    this.publish(sequence)
    return true
  }

  /** Copies one message in, waiting for room. */
  publishBytes(messageType: number, payload: Uint8Array): void {
    this.ring.assertAccepts(payload.byteLength, messageType)
    const sequence = this.claim(1)
    this.ring.bytes.set(payload, this.setHeader(sequence, payload.byteLength, messageType))
    this.publish(sequence)
  }

  /**
   * The lowest released cursor, from one pass over the consumers. Not the
   * slowest one's cursor read again: it may have moved on past another
   * consumer in between, and gating on it then let the producer overwrite
   * slots that other consumer had not read (seen as a whole ring's worth of
   * messages lost by the middle of three consumers at different speeds).
   */
  #slowestConsumer(near: number): number {
    let min = Infinity
    for (const index of this.#consumerIndices) {
      const released = readCursor(this.#words, index, near)
      if (released < min) min = released
    }
    return min
  }

  #slowestConsumerIndex(near: number): number {
    let min = Infinity
    let slowest = this.#consumerIndices[0]!
    for (const index of this.#consumerIndices) {
      const released = readCursor(this.#words, index, near)
      if (released < min) {
        min = released
        slowest = index
      }
    }
    return slowest
  }
}
