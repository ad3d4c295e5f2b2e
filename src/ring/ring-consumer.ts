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
import type { AsyncWaitStrategy, WaitStrategy } from './wait-strategy.js'

/** Called once per message: the ring, the message's sequence, its type and payload position. */
export type MessageHandler = (ring: RingBuffer, sequence: number, messageType: number, payloadOffset: number, payloadBytes: number) => void

/**
 * One consumer of a ring, with its own cursor: in a multicast ring each
 * consumer sees every message, at its own pace, and the producer waits for
 * the slowest.
 *
 * Memory ordering: `available`/`waitFor` load the producer cursor with
 * `Atomics.load`, after which the slots up to it are safe to read with plain
 * loads. `release` stores this consumer's cursor with `Atomics.exchange`
 * after the reads, handing the slots back to the producer. Releasing once per batch
 * rather than once per message is what makes draining fast.
 */
export class RingConsumer {
  readonly ring: RingBuffer
  readonly id: number
  readonly #words: Int32Array
  readonly #cursorIndex: number
  /** Next sequence to read. */
  #next: number
  /** The released sequence at which to keep the full sequence beside the cursor again. */
  #hintDue: number

  constructor(ring: RingBuffer, id: number) {
    if (!Number.isInteger(id) || id < 0 || id >= ring.consumerCount) {
      throw new WavesError('ERR_RING_CONFIG', `consumer id must be from 0 to ${ring.consumerCount - 1}, got ${id}`, { id })
    }
    this.ring = ring
    this.id = id
    this.#words = ring.words
    this.#cursorIndex = consumerCursorIndex(id)
    this.#next = readCursor(ring.words, this.#cursorIndex, sequenceHint(ring.f64, this.#cursorIndex)) + 1
    this.#hintDue = keepSequenceHint(ring.f64, this.#cursorIndex, this.#next - 1)
  }

  /** Next sequence this consumer will read. */
  get next(): number {
    return this.#next
  }

  /** Highest sequence the producer has published (may be below `next` when nothing is waiting). */
  get published(): number {
    return readCursor(this.#words, PRODUCER_CURSOR, this.#next)
  }

  /** Messages published and not yet read by this consumer. Never blocks. */
  available(): number {
    return this.published - this.#next + 1
  }

  /**
   * Waits until at least `next` is published and returns the highest
   * published sequence; below `next` only once the ring is closed and drained.
   */
  waitFor(strategy: WaitStrategy): number {
    return strategy.waitFor(this.#words, PRODUCER_CURSOR, this.#next)
  }

  waitForAsync(strategy: AsyncWaitStrategy): Promise<number> {
    return strategy.waitFor(this.#words, PRODUCER_CURSOR, this.#next)
  }

  /** Marks every sequence up to `last` read, freeing their slots for the producer. */
  release(last: number): void {
    this.#next = last + 1
    if (last >= this.#hintDue) this.#hintDue = keepSequenceHint(this.ring.f64, this.#cursorIndex, last)
    storeCursor(this.#words, this.#cursorIndex, last)
  }

  /**
   * Hands every published message (at most `maxBatch`) to `handler`, then
   * releases them with one store. Returns how many were handled.
   */
  drain(handler: MessageHandler, maxBatch = this.ring.capacity): number {
    const first = this.#next
    let last = this.published
    if (last < first) return 0
    if (last - first + 1 > maxBatch) last = first + maxBatch - 1
    const ring = this.ring
    const words = this.#words
    if (ring.uniformType !== 0) {
      for (let sequence = first; sequence <= last; sequence++) handler(ring, sequence, ring.uniformType, ring.slotOffset(sequence), ring.maxPayloadBytes)
    } else {
      for (let sequence = first; sequence <= last; sequence++) {
        const slot = ring.slotOffset(sequence)
        const word = slot >> 2
        handler(ring, sequence, words[word + SLOT_TYPE_WORD]!, slot + SLOT_HEADER_BYTES, words[word + SLOT_LENGTH_WORD]!)
      }
    }
    this.release(last)
    return last - first + 1
  }

  /** Waits for messages with `strategy`, then drains them; 0 once the ring is closed and drained. */
  waitAndDrain(strategy: WaitStrategy, handler: MessageHandler, maxBatch?: number): number {
    const published = this.waitFor(strategy)
    if (published < this.#next) return 0
    return this.drain(handler, maxBatch)
  }
}
