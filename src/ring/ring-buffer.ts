import { ByteBuffer } from 'flatbuffers'
import { WavesError } from '../errors/index.js'
import { cursorWord, keepSequenceHint } from './cursor.js'
import {
  CLOSED,
  CONFIG,
  CONFLATED_COUNT_BIG,
  LAYOUT_VERSION,
  MAGIC,
  MAX_CAPACITY,
  MAX_CONSUMERS,
  PRODUCER_CURSOR,
  SLOT_HEADER_BYTES,
  START_SEQUENCE_F64,
  consumerCursorIndex,
  headerBytes,
  slotBytesFor,
  totalBytes,
} from './layout.js'

export interface RingOptions {
  /** Number of slots; a power of two from 2 to 2^24. */
  capacity: number
  /** Largest payload in bytes the ring carries; every slot has room for it. */
  maxPayloadBytes: number
  /** Consumers that each see every message (multicast); default 1. */
  consumers?: number
  /**
   * Make the ring uniform: every message is of this type (a positive id) and
   * `maxPayloadBytes` long, and slots carry no header. Default: mixed.
   */
  uniformType?: number
  /**
   * First sequence the ring hands out; default 0. Any integer below 2^53:
   * tests start near 2^31 and 2^32 to cross the cursor words' wrap-around.
   */
  startSequence?: number
}

/**
 * Storage of a single-producer ring over a SharedArrayBuffer: the slots, the
 * index mask, and typed views shared by the producer and consumers. It holds
 * no per-thread state, so every thread builds its own `RingBuffer` over the
 * same buffer with `RingBuffer.attach(sab)`.
 */
export class RingBuffer {
  readonly sab: SharedArrayBuffer
  /** Int32 view of the whole buffer: cursors, flags and slot headers. */
  readonly words: Int32Array
  readonly bytes: Uint8Array
  /** Float64 view of the whole buffer, for 8-aligned payload fields. */
  readonly f64: Float64Array
  readonly big: BigInt64Array
  /** FlatBuffers view of the whole buffer: structs are read in place at `payloadOffset(seq)`. */
  readonly byteBuffer: ByteBuffer
  readonly capacity: number
  readonly mask: number
  readonly slotBytes: number
  readonly maxPayloadBytes: number
  readonly consumerCount: number
  readonly slotsOffset: number
  /** First sequence of this ring: attaching threads widen cursor words near it. */
  readonly startSequence: number
  /** The one message type of a uniform ring, 0 for mixed. */
  readonly uniformType: number
  /** Bytes before a slot's payload: 8 in a mixed ring, 0 in a uniform one. */
  readonly slotHeaderBytes: number

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab
    this.words = new Int32Array(sab)
    this.bytes = new Uint8Array(sab)
    this.f64 = new Float64Array(sab, 0, Math.floor(sab.byteLength / 8))
    this.big = new BigInt64Array(sab, 0, Math.floor(sab.byteLength / 8))
    this.byteBuffer = new ByteBuffer(this.bytes)
    this.capacity = this.words[CONFIG.capacity]!
    this.mask = this.capacity - 1
    this.slotBytes = this.words[CONFIG.slotBytes]!
    this.maxPayloadBytes = this.words[CONFIG.maxPayloadBytes]!
    this.consumerCount = this.words[CONFIG.consumerCount]!
    this.slotsOffset = headerBytes(this.consumerCount)
    this.startSequence = this.f64[START_SEQUENCE_F64]!
    this.uniformType = this.words[CONFIG.uniformType]!
    this.slotHeaderBytes = this.uniformType === 0 ? SLOT_HEADER_BYTES : 0
  }

  static create(options: RingOptions): RingBuffer {
    const { capacity, maxPayloadBytes } = options
    const consumers = options.consumers ?? 1
    const startSequence = options.startSequence ?? 0
    const uniformType = options.uniformType ?? 0
    const problems: string[] = []
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
      problems.push(`capacity must be a power of two from 2 to ${MAX_CAPACITY}, got ${capacity}`)
    }
    if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 1 || maxPayloadBytes > 1 << 20) {
      problems.push(`maxPayloadBytes must be an integer from 1 to ${1 << 20}, got ${maxPayloadBytes}`)
    }
    if (!Number.isInteger(consumers) || consumers < 1 || consumers > MAX_CONSUMERS) {
      problems.push(`consumers must be an integer from 1 to ${MAX_CONSUMERS}, got ${consumers}`)
    }
    if (!Number.isSafeInteger(startSequence) || startSequence < 0) {
      problems.push(`startSequence must be a non-negative safe integer, got ${startSequence}`)
    }
    if (!Number.isInteger(uniformType) || uniformType < 0 || uniformType > 0xffff) {
      problems.push(`uniformType must be a message type id from 1 to 65535, got ${uniformType}`)
    }
    if (problems.length > 0) {
      throw new WavesError('ERR_RING_CONFIG', `invalid ring options: ${problems.join('; ')}`, { ...options })
    }
    const sab = new SharedArrayBuffer(totalBytes(capacity, maxPayloadBytes, consumers, uniformType !== 0))
    const words = new Int32Array(sab)
    words[CONFIG.magic] = MAGIC
    words[CONFIG.version] = LAYOUT_VERSION
    words[CONFIG.capacity] = capacity
    words[CONFIG.slotBytes] = slotBytesFor(maxPayloadBytes, uniformType !== 0)
    words[CONFIG.uniformType] = uniformType
    words[CONFIG.maxPayloadBytes] = maxPayloadBytes
    words[CONFIG.consumerCount] = consumers
    new Float64Array(sab, 0, START_SEQUENCE_F64 + 1)[START_SEQUENCE_F64] = startSequence
    // Nothing is published or released yet: every cursor stands one before the start.
    const before = cursorWord(startSequence - 1)
    const f64 = new Float64Array(sab, 0, headerBytes(consumers) / 8)
    for (const index of [PRODUCER_CURSOR, ...Array.from({ length: consumers }, (_, c) => consumerCursorIndex(c))]) {
      words[index] = before
      keepSequenceHint(f64, index, startSequence - 1)
    }
    return new RingBuffer(sab)
  }

  /** Another thread's view of a ring made by `create`. */
  static attach(sab: SharedArrayBuffer): RingBuffer {
    const words = new Int32Array(sab, 0, Math.min(8, sab.byteLength >> 2))
    if (words[CONFIG.magic] !== MAGIC || words[CONFIG.version] !== LAYOUT_VERSION) {
      throw new WavesError('ERR_RING_LAYOUT', 'buffer is not a waves ring of this layout version', {
        magic: words[CONFIG.magic],
        version: words[CONFIG.version],
        expectedVersion: LAYOUT_VERSION,
      })
    }
    const ring = new RingBuffer(sab)
    const expected = totalBytes(ring.capacity, ring.maxPayloadBytes, ring.consumerCount, ring.uniformType !== 0)
    if (sab.byteLength !== expected) {
      throw new WavesError('ERR_RING_LAYOUT', `ring buffer is ${sab.byteLength} bytes, its header says ${expected}`, {
        byteLength: sab.byteLength,
        expected,
      })
    }
    return ring
  }

  /** Byte offset of the slot that holds `sequence`. */
  slotOffset(sequence: number): number {
    // `&` takes the sequence modulo 2^32 first; capacity divides 2^32, so
    // this is the sequence modulo capacity for every sequence up to 2^53.
    return this.slotsOffset + (sequence & this.mask) * this.slotBytes
  }

  payloadOffset(sequence: number): number {
    return this.slotOffset(sequence) + this.slotHeaderBytes
  }

  payloadLength(sequence: number): number {
    return this.uniformType !== 0 ? this.maxPayloadBytes : this.words[this.slotOffset(sequence) >> 2]!
  }

  messageType(sequence: number): number {
    return this.uniformType !== 0 ? this.uniformType : this.words[(this.slotOffset(sequence) >> 2) + 1]!
  }

  /**
   * Throws unless this ring takes a message of this size and type: never
   * truncate, and a uniform ring only its own type at its own size.
   */
  assertAccepts(payloadBytes: number, messageType: number): void {
    if (this.uniformType !== 0 && (messageType !== this.uniformType || payloadBytes !== this.maxPayloadBytes)) {
      throw new WavesError(
        'ERR_MESSAGE_NOT_UNIFORM',
        `this ring carries only ${this.maxPayloadBytes}-byte messages of type ${this.uniformType}, got ${payloadBytes} bytes of type ${messageType}`,
        { payloadBytes, messageType, uniformType: this.uniformType },
      )
    }
    if (payloadBytes >= 0 && payloadBytes <= this.maxPayloadBytes) return
    throw new WavesError(
      'ERR_MESSAGE_TOO_LARGE',
      `message of ${payloadBytes} bytes (type ${messageType}) does not fit this ring's ${this.maxPayloadBytes}-byte slots`,
      { payloadBytes, messageType, maxPayloadBytes: this.maxPayloadBytes },
    )
  }

  /** Ends the ring: parked producers and consumers wake, consumers drain what was published. */
  close(): void {
    Atomics.store(this.words, CLOSED, 1)
    Atomics.notify(this.words, PRODUCER_CURSOR)
    for (let c = 0; c < this.consumerCount; c++) Atomics.notify(this.words, consumerCursorIndex(c))
  }

  get closed(): boolean {
    return Atomics.load(this.words, CLOSED) !== 0
  }

  /** Messages a conflating publisher replaced before any consumer could see them. */
  get conflatedCount(): number {
    return Number(Atomics.load(this.big, CONFLATED_COUNT_BIG))
  }
}
