/**
 * Every byte of a board's SharedArrayBuffer has its home here.
 *
 * ```
 * line 0   config (written once by create, read-only after)
 * line 1   published version, low 32 bits          (writer writes, readers poll)
 * line 2   copy 0 sequence: odd while being written (writer writes)
 * line 3   copy 1 sequence                          (writer writes)
 * copy 0   [length][version lo][version hi][reserved] then maxBytes of payload
 * copy 1   the same
 * ```
 *
 * A board is double-buffered: version v lives in copy v & 1, so while the
 * writer fills the next version's copy, readers of the current one read the
 * other, untouched. Each copy starts on a line of its own (128 bytes, as in
 * the ring's layout) so the copy being written shares no line with the copy
 * being read, nor with the words readers poll.
 *
 * The published word holds only the low 32 bits of the version: enough to
 * pick the copy and to see that something changed. The full version (up to
 * 2^53) is in the copy's header, written inside the copy's sequence lock, so
 * a reader gets the version and the bytes of one and the same publish.
 */
import { LINE_BYTES } from '../ring/layout.js'

const WORDS_PER_LINE = LINE_BYTES / 4

export const BOARD_MAGIC = 0x424f5244 // "BORD"
export const BOARD_LAYOUT_VERSION = 1

/** Int32 word indices of the config line. */
export const BOARD_CONFIG = {
  magic: 0,
  version: 1,
  maxBytes: 2,
  copyBytes: 3,
} as const

export const PUBLISHED = 1 * WORDS_PER_LINE
const FIRST_SEQUENCE_LINE = 2
const FIRST_COPY_OFFSET = 4 * LINE_BYTES

/** Int32 index of the sequence word of copy 0 or 1. */
export function sequenceIndex(copy: number): number {
  return (FIRST_SEQUENCE_LINE + copy) * WORDS_PER_LINE
}

/** Copy header, in int32 words from the copy's start. */
export const COPY_LENGTH_WORD = 0
export const COPY_VERSION_LO_WORD = 1
export const COPY_VERSION_HI_WORD = 2
/** Payloads start 16 bytes in: 8-aligned, so Float64Array views and FlatBuffers doubles can address them. */
export const COPY_HEADER_BYTES = 16

export const MAX_BOARD_BYTES = 1 << 24

/** Bytes one copy takes, header included, rounded up to whole lines. */
export function copyBytesFor(maxBytes: number): number {
  return Math.ceil((COPY_HEADER_BYTES + maxBytes) / LINE_BYTES) * LINE_BYTES
}

export function copyOffset(copy: number, copyBytes: number): number {
  return FIRST_COPY_OFFSET + copy * copyBytes
}

export function boardTotalBytes(maxBytes: number): number {
  return FIRST_COPY_OFFSET + 2 * copyBytesFor(maxBytes)
}

const TWO_32 = 2 ** 32

/** The full version from a copy header's two words. */
export function joinVersion(lo: number, hi: number): number {
  return hi * TWO_32 + (lo >>> 0)
}

/** High word of a version below 2^53; the low word is `version | 0`. */
export function versionHi(version: number): number {
  return Math.floor(version / TWO_32)
}
