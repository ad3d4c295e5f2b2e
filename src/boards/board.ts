import { WavesError } from '../errors/index.js'
import {
  BOARD_CONFIG,
  BOARD_LAYOUT_VERSION,
  BOARD_MAGIC,
  COPY_HEADER_BYTES,
  MAX_BOARD_BYTES,
  boardTotalBytes,
  copyBytesFor,
  copyOffset,
} from './board-layout.js'

export interface BoardOptions {
  /** Largest payload, in bytes, the board holds; each of its two copies has room for it. */
  maxBytes: number
}

/**
 * Storage of a board over a SharedArrayBuffer: its two copies and the words
 * that guard them. It holds no per-thread state, so every thread builds its
 * own `Board` over the same buffer with `Board.attach(sab)`, then a
 * `BoardWriter` (one thread) or `BoardReader`s (any number) over it.
 */
export class Board {
  readonly sab: SharedArrayBuffer
  /** Int32 view of the whole buffer: config, published version, sequences and copy headers. */
  readonly words: Int32Array
  readonly bytes: Uint8Array
  readonly maxBytes: number
  /** Bytes between the start of copy 0 and of copy 1. */
  readonly copyBytes: number

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab
    this.words = new Int32Array(sab)
    this.bytes = new Uint8Array(sab)
    this.maxBytes = this.words[BOARD_CONFIG.maxBytes]!
    this.copyBytes = this.words[BOARD_CONFIG.copyBytes]!
  }

  static create(options: BoardOptions): Board {
    const { maxBytes } = options
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_BOARD_BYTES) {
      throw new WavesError('ERR_BOARD_CONFIG', `maxBytes must be an integer from 1 to ${MAX_BOARD_BYTES}, got ${maxBytes}`, { ...options })
    }
    const sab = new SharedArrayBuffer(boardTotalBytes(maxBytes))
    const words = new Int32Array(sab)
    words[BOARD_CONFIG.magic] = BOARD_MAGIC
    words[BOARD_CONFIG.version] = BOARD_LAYOUT_VERSION
    words[BOARD_CONFIG.maxBytes] = maxBytes
    words[BOARD_CONFIG.copyBytes] = copyBytesFor(maxBytes)
    // Everything else starts at zero: version 0, nothing published, both copies idle.
    return new Board(sab)
  }

  /** Another thread's view of a board made by `create`. */
  static attach(sab: SharedArrayBuffer): Board {
    const words = new Int32Array(sab, 0, Math.min(4, sab.byteLength >> 2))
    if (words[BOARD_CONFIG.magic] !== BOARD_MAGIC || words[BOARD_CONFIG.version] !== BOARD_LAYOUT_VERSION) {
      throw new WavesError('ERR_BOARD_LAYOUT', 'buffer is not a waves board of this layout version', {
        magic: words[BOARD_CONFIG.magic],
        version: words[BOARD_CONFIG.version],
        expectedVersion: BOARD_LAYOUT_VERSION,
      })
    }
    const maxBytes = words[BOARD_CONFIG.maxBytes]!
    const expected = maxBytes >= 1 && maxBytes <= MAX_BOARD_BYTES ? boardTotalBytes(maxBytes) : Number.NaN
    if (sab.byteLength !== expected || words[BOARD_CONFIG.copyBytes] !== copyBytesFor(maxBytes)) {
      throw new WavesError('ERR_BOARD_LAYOUT', `board buffer is ${sab.byteLength} bytes, its header says ${expected}`, {
        byteLength: sab.byteLength,
        expected,
        maxBytes,
      })
    }
    return new Board(sab)
  }

  /** Byte offset of copy 0 or 1's header. */
  copyOffset(copy: number): number {
    return copyOffset(copy, this.copyBytes)
  }

  /** Byte offset of copy 0 or 1's payload. */
  payloadOffset(copy: number): number {
    return copyOffset(copy, this.copyBytes) + COPY_HEADER_BYTES
  }
}
