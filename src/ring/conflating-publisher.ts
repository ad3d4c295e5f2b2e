import { ByteBuffer } from 'flatbuffers'
import { WavesError } from '../errors/index.js'
import { CONFLATED_COUNT_BIG } from './layout.js'
import type { SingleProducerSequencer } from './single-producer-sequencer.js'

/**
 * Writes a message's payload of the announced length at `offset` of `bytes`;
 * `byteBuffer` is a FlatBuffers view of the same bytes, for structs'
 * `__init(offset, byteBuffer)` and `mutate_*` setters.
 */
export type PayloadEncoder = (bytes: Uint8Array, offset: number, byteBuffer: ByteBuffer) => void

export interface ConflatingPublisherOptions {
  /** Keys run from 0 to keys - 1 (an instrument id, say); storage is preallocated per key. */
  keys: number
}

/**
 * Publishes market data so that a feed never blocks on a slow reader and
 * nothing vanishes silently.
 *
 * While the ring has room, a message goes straight in. When it is full, the
 * message is held as the latest for its key; a newer message for the same
 * key replaces it and the ring's conflated counter goes up by one. Held
 * messages are published, in the order their keys were first held, as soon
 * as room appears (on the next `offer` or `flush`). So for every key the
 * consumers see updates in order and always the latest, and
 * published + conflated = offered, exactly.
 *
 * Holding copies into producer-local storage preallocated per key: the slow
 * path allocates nothing either.
 */
export class ConflatingPublisher {
  readonly sequencer: SingleProducerSequencer
  readonly keys: number
  readonly #slotBytes: number
  readonly #heldBytes: Uint8Array
  readonly #heldByteBuffer: ByteBuffer
  readonly #heldLength: Int32Array
  readonly #heldType: Int32Array
  readonly #isHeld: Uint8Array
  /** Keys held, in the order they were first held: a circular queue. */
  readonly #queue: Int32Array
  #queueHead = 0
  #heldCount = 0

  constructor(sequencer: SingleProducerSequencer, options: ConflatingPublisherOptions) {
    const { keys } = options
    if (!Number.isInteger(keys) || keys < 1 || keys > 1 << 20) {
      throw new WavesError('ERR_RING_CONFIG', `keys must be an integer from 1 to ${1 << 20}, got ${keys}`, { keys })
    }
    this.sequencer = sequencer
    this.keys = keys
    this.#slotBytes = sequencer.ring.maxPayloadBytes
    this.#heldBytes = new Uint8Array(keys * this.#slotBytes)
    this.#heldByteBuffer = new ByteBuffer(this.#heldBytes)
    this.#heldLength = new Int32Array(keys)
    this.#heldType = new Int32Array(keys)
    this.#isHeld = new Uint8Array(keys)
    this.#queue = new Int32Array(keys)
  }

  /** Messages held back now, one at most per key. */
  get held(): number {
    return this.#heldCount
  }

  /**
   * Offers one message for `key`. Returns true if it was published now, false
   * if it is held for later (possibly replacing an older held one).
   */
  offer(key: number, messageType: number, payloadBytes: number, encode: PayloadEncoder): boolean {
    if (!(key >= 0 && key < this.keys && Number.isInteger(key))) {
      throw new WavesError('ERR_CONFLATION_KEY', `conflation key must be an integer from 0 to ${this.keys - 1}, got ${key}`, { key })
    }
    const sequencer = this.sequencer
    const ring = sequencer.ring
    ring.assertAccepts(payloadBytes, messageType)
    // Held messages go first, or a key could overtake its own older update.
    if (this.#heldCount === 0 || this.flush() === 0) {
      const sequence = sequencer.tryClaim(1)
      if (sequence >= 0) {
        sequencer.setHeader(sequence, payloadBytes, messageType)
        encode(ring.bytes, ring.payloadOffset(sequence), ring.byteBuffer)
        sequencer.publish(sequence)
        return true
      }
    }
    if (this.#isHeld[key] === 1) {
      Atomics.add(ring.big, CONFLATED_COUNT_BIG, 1n)
    } else {
      this.#isHeld[key] = 1
      this.#queue[(this.#queueHead + this.#heldCount) % this.keys] = key
      this.#heldCount++
    }
    this.#heldLength[key] = payloadBytes
    this.#heldType[key] = messageType
    encode(this.#heldBytes, key * this.#slotBytes, this.#heldByteBuffer)
    return false
  }

  offerBytes(key: number, messageType: number, payload: Uint8Array): boolean {
    return this.offer(key, messageType, payload.byteLength, (bytes, offset) => bytes.set(payload, offset))
  }

  /** Publishes held messages while the ring has room; returns how many are still held. */
  flush(): number {
    const sequencer = this.sequencer
    const ring = sequencer.ring
    let last = -1
    while (this.#heldCount > 0) {
      const sequence = sequencer.tryClaim(1)
      if (sequence < 0) break
      const key = this.#queue[this.#queueHead]!
      const length = this.#heldLength[key]!
      const start = key * this.#slotBytes
      sequencer.setHeader(sequence, length, this.#heldType[key]!)
      ring.bytes.set(this.#heldBytes.subarray(start, start + length), ring.payloadOffset(sequence))
      this.#isHeld[key] = 0
      this.#queueHead = (this.#queueHead + 1) % this.keys
      this.#heldCount--
      last = sequence
    }
    if (last >= 0) sequencer.publish(last)
    return this.#heldCount
  }
}
