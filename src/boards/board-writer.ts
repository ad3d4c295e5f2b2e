import type { Builder } from 'flatbuffers'
import { WavesError } from '../errors/index.js'
import {
  COPY_LENGTH_WORD,
  COPY_VERSION_HI_WORD,
  COPY_VERSION_LO_WORD,
  PUBLISHED,
  joinVersion,
  sequenceIndex,
  versionHi,
} from './board-layout.js'
import type { Board } from './board.js'

/**
 * The one writer of a board. Publishing never waits: not for readers, not
 * for anything. Readers that overlap a publish retry on their side.
 *
 * A publish of version v = current + 1 fills copy v & 1, the copy the
 * current version does not point at, in four steps:
 *
 * 1. `Atomics.store` the copy's sequence word to an odd value: the copy is
 *    being written. Then an `Atomics.load` of it, which on weakly ordered
 *    CPUs keeps the plain payload stores after it from becoming visible
 *    before the odd value (a seq-cst store orders what precedes it, not what
 *    follows; a seq-cst load orders what follows, and cannot pass that store).
 * 2. `Atomics.store` the length and the full version into the copy's header;
 *    copy the payload with one plain byte copy.
 * 3. `Atomics.store` the sequence word to the next, even value: the copy is
 *    whole. Everything of step 2 is ordered before it.
 * 4. `Atomics.store` the published word to v. A reader whose `Atomics.load`
 *    sees v also sees the even sequence of step 3 or a later value.
 *
 * Single-thread state (the version, the published word last stored) lives in
 * plain fields. A writer built over a board that already has versions
 * carries on from the published one, so a restarted writer thread just
 * attaches and publishes; a sequence word a crashed writer left odd goes on
 * to the next odd value. Two writers would corrupt a copy, so a writer that
 * finds a published word it did not store refuses to publish
 * (`ERR_BOARD_WRITER`): the older of two writers stops at its next publish.
 */
export class BoardWriter {
  readonly board: Board
  readonly #words: Int32Array
  readonly #bytes: Uint8Array
  readonly #maxBytes: number
  /** Int32 index of each copy's header, and byte offset of its payload. */
  readonly #header: readonly [number, number]
  readonly #payload: readonly [number, number]
  #version: number
  /** The published word as this writer last stored it: anything else means a second writer. */
  #word: number

  constructor(board: Board) {
    this.board = board
    this.#words = board.words
    this.#bytes = board.bytes
    this.#maxBytes = board.maxBytes
    this.#header = [board.copyOffset(0) >> 2, board.copyOffset(1) >> 2]
    this.#payload = [board.payloadOffset(0), board.payloadOffset(1)]
    this.#word = Atomics.load(this.#words, PUBLISHED)
    const header = this.#header[this.#word & 1]!
    this.#version = joinVersion(Atomics.load(this.#words, header + COPY_VERSION_LO_WORD), Atomics.load(this.#words, header + COPY_VERSION_HI_WORD))
  }

  /** The version last published on this board; 0 before the first publish. */
  get version(): number {
    return this.#version
  }

  /**
   * Publishes `payload` as the board's next version and returns that version.
   * A payload larger than the board's `maxBytes` throws `ERR_BOARD_TOO_LARGE`
   * and leaves the board as it was: never truncated.
   */
  publish(payload: Uint8Array): number {
    const length = payload.byteLength
    if (length > this.#maxBytes) {
      throw new WavesError('ERR_BOARD_TOO_LARGE', `board payload of ${length} bytes does not fit this board's ${this.#maxBytes} bytes`, {
        length,
        maxBytes: this.#maxBytes,
      })
    }
    const words = this.#words
    const seen = Atomics.load(words, PUBLISHED)
    if (seen !== this.#word) {
      throw new WavesError('ERR_BOARD_WRITER', 'another writer published on this board: a board has one writer', {
        published: seen,
        expected: this.#word,
      })
    }
    const version = this.#version + 1
    const copy = version & 1
    const sequence = sequenceIndex(copy)
    const current = Atomics.load(words, sequence)
    const writing = ((current & 1) === 0 ? current + 1 : current + 2) | 0
    Atomics.store(words, sequence, writing)
    Atomics.load(words, sequence)
    const header = this.#header[copy]!
    Atomics.store(words, header + COPY_LENGTH_WORD, length)
    Atomics.store(words, header + COPY_VERSION_LO_WORD, version | 0)
    Atomics.store(words, header + COPY_VERSION_HI_WORD, versionHi(version))
    this.#bytes.set(payload, this.#payload[copy]!)
    Atomics.store(words, sequence, (writing + 1) | 0)
    const word = version | 0
    Atomics.store(words, PUBLISHED, word)
    this.#word = word
    this.#version = version
    return version
  }

  /** Publishes the FlatBuffer a builder holds; call `builder.finish(root)` first. */
  publishBuilder(builder: Builder): number {
    return this.publish(builder.asUint8Array())
  }
}
