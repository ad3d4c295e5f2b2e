/**
 * Every byte of a ring's SharedArrayBuffer has its home here.
 *
 * ```
 * line 0   config (written once by create, read-only after)
 * line 1   producer cursor: last published sequence          (producer writes)
 * line 2   status: closed flag
 * line 3   conflated counter (BigInt64)
 * line 4+  one consumer cursor per line: last released sequence
 * slots    capacity × slotBytes, each [length:int32][type:int32][payload],
 *          or, in a uniform ring, [payload] alone
 * ```
 *
 * A cursor word also carries the flag of a thread parked on it (see
 * `cursor.ts`), so a ring needs no separate counts of waiters.
 *
 * A uniform ring carries one message type of one size (its config line says
 * which), so its slots need no header: a 64-byte struct takes exactly one
 * cache line, and publishing it writes nothing but the struct.
 *
 * A line is 128 bytes, not 64: x86 fetches cache lines in adjacent pairs, so
 * two hot words 64 bytes apart still share traffic. Every mutable word sits
 * alone on its line, so the producer and each consumer write to lines nobody
 * else writes.
 */
export const LINE_BYTES = 128
const WORDS_PER_LINE = LINE_BYTES / 4

export const MAGIC = 0x57415645 // "WAVE"
export const LAYOUT_VERSION = 2

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
export const CLOSED = 2 * WORDS_PER_LINE
/** Index in a BigInt64Array view (8-byte words). */
export const CONFLATED_COUNT_BIG = (3 * LINE_BYTES) / 8
const FIRST_CONSUMER_LINE = 4

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
