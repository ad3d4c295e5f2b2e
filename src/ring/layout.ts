/**
 * Every byte of a ring's SharedArrayBuffer has its home here.
 *
 * ```
 * line 0   config (written once by create, read-only after)
 * line 1   producer cursor: last published sequence          (producer writes)
 * line 2   consumer waiters: consumers parked on the cursor  (consumers write)
 * line 3   producer waiters: 1 while the producer is parked  (producer writes)
 * line 4   status: closed flag
 * line 5   conflated counter (BigInt64)
 * line 6+  one consumer cursor per line: last released sequence
 * slots    capacity × slotBytes, each [length:int32][type:int32][payload],
 *          or, in a uniform ring, [payload] alone
 * ```
 *
 * A uniform ring carries one message type of one size (its config line says
 * which), so its slots need no header: a 64-byte struct takes exactly one
 * cache line, and publishing it writes nothing but the struct.
 *
 * A line is 128 bytes, not 64: x86 fetches cache lines in adjacent pairs, so
 * two hot words 64 bytes apart still share traffic. Every mutable word sits
 * alone on its line, so the producer and each consumer write to lines nobody
 * else writes.
 *
 * Cursors are int32 words (Atomics.wait only works on Int32Array) holding the
 * low 32 bits of a sequence. Each thread keeps the full sequence as a double
 * and rebuilds it from the word with `widenSequence`, which is exact while
 * the two are less than 2^31 apart: always between a producer and its
 * consumers, since capacity ≤ 2^24. A thread attaching widens near the ring's
 * start sequence, so threads attach before the ring has carried 2^31 messages.
 */
export const LINE_BYTES = 128
const WORDS_PER_LINE = LINE_BYTES / 4

export const MAGIC = 0x57415645 // "WAVE"
export const LAYOUT_VERSION = 1

/** Int32 word indices of the config line. */
export const CONFIG = {
  magic: 0,
  version: 1,
  capacity: 2,
  slotBytes: 3,
  maxPayloadBytes: 4,
  consumerCount: 5,
  /** The one message type of a uniform ring; 0 for a ring of mixed messages. */
  uniformType: 6,
} as const
/** Float64 index of the sequence the ring started at (config line, bytes 32..39). */
export const START_SEQUENCE_F64 = 4

export const PRODUCER_CURSOR = 1 * WORDS_PER_LINE
export const CONSUMER_WAITERS = 2 * WORDS_PER_LINE
export const PRODUCER_WAITERS = 3 * WORDS_PER_LINE
export const CLOSED = 4 * WORDS_PER_LINE
/** Index in a BigInt64Array view (8-byte words). */
export const CONFLATED_COUNT_BIG = (5 * LINE_BYTES) / 8
const FIRST_CONSUMER_LINE = 6

export function consumerCursorIndex(consumer: number): number {
  return (FIRST_CONSUMER_LINE + consumer) * WORDS_PER_LINE
}

/** Slot header: the payload's byte length, then its message type id. */
export const SLOT_HEADER_BYTES = 8
export const SLOT_LENGTH_WORD = 0
export const SLOT_TYPE_WORD = 1

export const MAX_CAPACITY = 1 << 24
export const MAX_CONSUMERS = 64

export function headerBytes(consumerCount: number): number {
  return (FIRST_CONSUMER_LINE + consumerCount) * LINE_BYTES
}

/** Payloads start 8-byte aligned so Float64Array and FlatBuffers doubles can address them. */
export function slotBytesFor(maxPayloadBytes: number, uniform: boolean): number {
  return (uniform ? 0 : SLOT_HEADER_BYTES) + Math.ceil(maxPayloadBytes / 8) * 8
}

export function totalBytes(capacity: number, maxPayloadBytes: number, consumerCount: number, uniform: boolean): number {
  return headerBytes(consumerCount) + capacity * slotBytesFor(maxPayloadBytes, uniform)
}

/** Full sequence nearest `near` whose low 32 bits are `word`. */
export function widenSequence(word: number, near: number): number {
  return near + ((word - near) | 0)
}
