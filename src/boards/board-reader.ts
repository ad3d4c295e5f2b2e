import { ByteBuffer } from 'flatbuffers'
import { WavesError } from '../errors/index.js'
import { COPY_LENGTH_WORD, COPY_VERSION_HI_WORD, COPY_VERSION_LO_WORD, PUBLISHED, joinVersion, sequenceIndex } from './board-layout.js'
import type { Board } from './board.js'

export interface BoardReaderOptions {
  /**
   * Attempts after the first before a read gives up with
   * `ERR_BOARD_CONTENDED`. Default 1000: each retry means the writer
   * published twice during the attempt before it, so running out means the
   * writer publishes faster than this reader reads.
   */
  maxRetries?: number
}

/** One version of a board, copied out. */
export interface BoardSnapshot {
  version: number
  /**
   * Holds the payload in its first `length` bytes: the `into` buffer itself
   * when one was given, else a new array of exactly `length` bytes.
   */
  bytes: Uint8Array
  length: number
}

/**
 * A payload is copied out in slices of 8 KiB, then 2 KiB, then 512 bytes,
 * each with `set` through a view of the board made the first time it is
 * needed, and the last few hundred bytes word by word: `subarray` for the
 * exact length would allocate on every read. A `set` costs about as much as
 * a loop over 20 words, so short tails loop; copying 64 KiB in 2 KiB slices
 * rather than 8 KiB ones was a quarter slower.
 */
const SLICE_SHIFTS = [13, 11, 9] as const

/**
 * A reader of a board, for any number of threads, each with its own
 * `BoardReader`. A reader never blocks the writer and never returns a torn
 * snapshot: bytes and version always come from one and the same publish.
 *
 * A read goes:
 *
 * 1. `Atomics.load` the published word: version v, so copy v & 1.
 * 2. `Atomics.load` that copy's sequence word. Odd: the writer is in the copy.
 * 3. `Atomics.load` the copy header's version. Its low 32 bits must equal
 *    the published word; if not, the writer has already refilled the copy
 *    with v + 2 and not yet published it, and taking that would let this
 *    reader's next read, still seeing v + 1 published, go back in time.
 * 4. Plain byte copy of the payload (`readCopy`), or `fn` over it in place (`readWith`).
 * 5. `Atomics.store` to a word of this reader's own, then `Atomics.load` the
 *    sequence word again. The same even value as in step 2 means no write to
 *    the copy overlapped step 4: the bytes are exactly version v's. The store
 *    is for weakly ordered CPUs: a seq-cst load does not keep the plain loads
 *    before it from completing after it; a seq-cst store does, and the load
 *    that follows cannot pass the store.
 *
 * Any failed check retries from step 1, so at the newest version. Only two
 * publishes during one attempt, the second at least begun, can fail it: publish v + 1 fills the other
 * copy, and only v + 2 comes back to copy v & 1. So a writer halfway through
 * a publish never holds a reader up: the reader reads the copy the writer is
 * not in. Every version returned is one the published word held at step 1,
 * so the versions one reader sees never go down.
 */
export class BoardReader {
  readonly board: Board
  readonly maxRetries: number
  readonly #words: Int32Array
  readonly #bytes: Uint8Array
  readonly #maxBytes: number
  readonly #header: readonly [number, number]
  readonly #payload: readonly [number, number]
  readonly #sequence: readonly [number, number]
  /** One view per copy for `readWith`, over the copy's payload, built once. */
  readonly #byteBuffers: readonly [ByteBuffer, ByteBuffer]
  /** Views of each copy's slices, per slice size, indexed by offset / size; made when first needed. */
  readonly #slices: readonly (readonly (Uint8Array | undefined)[][])[]
  /** Written only for its ordering effect; no other thread sees it. */
  readonly #fence = new Int32Array(new SharedArrayBuffer(4))
  /** Returned, refilled, by every `readCopy(into)`, which allocates nothing once its slice views exist. */
  readonly #snapshot: BoardSnapshot = { version: 0, bytes: new Uint8Array(0), length: 0 }
  /** The last `into` and its int32 view, when it is 4-aligned. */
  #into: Uint8Array | undefined
  #into32: Int32Array | undefined
  #retries = 0
  // Set by #begin for the attempt under way; callers copy them to locals at once, so `fn` may read too.
  #copy = 0
  #before = 0
  #attemptVersion = 0
  #attemptLength = 0

  constructor(board: Board, options: BoardReaderOptions = {}) {
    const maxRetries = options.maxRetries ?? 1000
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new WavesError('ERR_BOARD_CONFIG', `maxRetries must be a non-negative integer, got ${maxRetries}`, { maxRetries })
    }
    this.board = board
    this.maxRetries = maxRetries
    this.#words = board.words
    this.#bytes = board.bytes
    this.#maxBytes = board.maxBytes
    this.#header = [board.copyOffset(0) >> 2, board.copyOffset(1) >> 2]
    this.#payload = [board.payloadOffset(0), board.payloadOffset(1)]
    this.#sequence = [sequenceIndex(0), sequenceIndex(1)]
    const view = (copy: number): ByteBuffer => {
      const start = board.payloadOffset(copy)
      return new ByteBuffer(board.bytes.subarray(start, start + board.maxBytes))
    }
    this.#byteBuffers = [view(0), view(1)]
    this.#slices = [SLICE_SHIFTS.map(() => []), SLICE_SHIFTS.map(() => [])]
  }

  /** Retries so far, over every read of this reader. */
  get retries(): number {
    return this.#retries
  }

  /** The newest published version; 0 before the first publish. */
  get version(): number {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.#retry(attempt)
      if (!this.#begin()) continue
      const version = this.#attemptVersion
      if (this.#validate(this.#copy, this.#before)) return version
    }
  }

  /**
   * True when the board holds a version other than `version`: one
   * `Atomics.load`, for polling before a read. Exact while fewer than 2^32
   * versions separate the two.
   */
  changedSince(version: number): boolean {
    return Atomics.load(this.#words, PUBLISHED) !== (version | 0)
  }

  /**
   * Copies the newest version out; undefined before the first publish. With
   * `into` (at least the board's `maxBytes` long) the payload lands at its
   * start and the snapshot returned is this reader's one snapshot object,
   * refilled by the next read: nothing is allocated. Without it, a new
   * array and snapshot every time.
   */
  readCopy(into?: Uint8Array): BoardSnapshot | undefined {
    if (into !== undefined && into.length < this.#maxBytes) {
      throw new WavesError('ERR_BOARD_CONFIG', `a buffer to read this board into needs ${this.#maxBytes} bytes, got ${into.length}`, {
        length: into.length,
        maxBytes: this.#maxBytes,
      })
    }
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.#retry(attempt)
      if (!this.#begin()) continue
      const copy = this.#copy
      const before = this.#before
      const version = this.#attemptVersion
      const length = this.#attemptLength
      if (version === 0) {
        if (this.#validate(copy, before)) return undefined
        continue
      }
      if (into === undefined) {
        const start = this.#payload[copy]!
        const bytes = this.#bytes.slice(start, start + length)
        if (this.#validate(copy, before)) return { version, bytes, length }
        continue
      }
      this.#copyOut(copy, length, into)
      if (!this.#validate(copy, before)) continue
      const snapshot = this.#snapshot
      snapshot.version = version
      snapshot.bytes = into
      snapshot.length = length
      return snapshot
    }
  }

  /**
   * Runs `fn` over the newest version in place, with no copy, and returns
   * what it returns; undefined before the first publish. `bb` covers the
   * payload from position 0 (`Table.getRootAsTable(bb)` works as is) and is
   * `maxBytes` long.
   *
   * If a publish overlapped `fn`, its result is dropped and it runs again on
   * the newer version; so `fn` must have no side effects, and must be short:
   * one that takes as long as two publishes never completes, and the read
   * ends in `ERR_BOARD_CONTENDED`. A dropped run may have seen torn bytes:
   * loops over counts read from the payload should be bounded by
   * `bb.capacity()`. An exception it throws on torn bytes is dropped too;
   * one it throws on a whole version is passed on.
   */
  readWith<T>(fn: (bb: ByteBuffer, version: number) => T): T | undefined {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.#retry(attempt)
      if (!this.#begin()) continue
      const copy = this.#copy
      const before = this.#before
      const version = this.#attemptVersion
      if (version === 0) {
        if (this.#validate(copy, before)) return undefined
        continue
      }
      const bb = this.#byteBuffers[copy]!
      bb.setPosition(0)
      let result: T
      try {
        result = fn(bb, version)
      } catch (err) {
        if (this.#validate(copy, before)) throw err
        continue
      }
      if (this.#validate(copy, before)) return result
    }
  }

  /** Steps 1 to 3: false when this attempt cannot succeed. */
  #begin(): boolean {
    const words = this.#words
    const word = Atomics.load(words, PUBLISHED)
    const copy = word & 1
    const before = Atomics.load(words, this.#sequence[copy]!)
    if ((before & 1) !== 0) return false
    const header = this.#header[copy]!
    const lo = Atomics.load(words, header + COPY_VERSION_LO_WORD)
    if (lo !== word) return false
    this.#copy = copy
    this.#before = before
    this.#attemptVersion = joinVersion(lo, Atomics.load(words, header + COPY_VERSION_HI_WORD))
    this.#attemptLength = Atomics.load(words, header + COPY_LENGTH_WORD)
    return true
  }

  /** Step 5. */
  #validate(copy: number, before: number): boolean {
    Atomics.store(this.#fence, 0, before)
    return Atomics.load(this.#words, this.#sequence[copy]!) === before
  }

  #retry(attempt: number): void {
    if (attempt > this.maxRetries) {
      throw new WavesError(
        'ERR_BOARD_CONTENDED',
        `board read found no stable copy in ${this.maxRetries} retries: the writer publishes faster than this reader reads`,
        { maxRetries: this.maxRetries },
      )
    }
    this.#retries++
  }

  /** Copies `length` payload bytes of `copy` to the start of `into`; allocates only views not made before. */
  #copyOut(copy: number, length: number, into: Uint8Array): void {
    const base = this.#payload[copy]!
    const bytes = this.#bytes
    const slices = this.#slices[copy]!
    let at = 0
    for (let level = 0; level < SLICE_SHIFTS.length; level++) {
      const shift = SLICE_SHIFTS[level]!
      const size = 1 << shift
      const views = slices[level]!
      // at is a multiple of every larger slice size, so of this one: views line up across lengths.
      for (; at + size <= length; at += size) {
        let view = views[at >>> shift]
        if (view === undefined) {
          view = bytes.subarray(base + at, base + at + size)
          views[at >>> shift] = view
        }
        into.set(view, at)
      }
    }
    if (into !== this.#into) {
      this.#into = into
      this.#into32 = (into.byteOffset & 3) === 0 ? new Int32Array(into.buffer, into.byteOffset, into.length >> 2) : undefined
    }
    const into32 = this.#into32
    if (into32 !== undefined) {
      const words = this.#words
      // The payload starts 16-aligned: payload word w is board word from + w.
      const from = base >> 2
      const end = length >> 2
      for (let w = at >> 2; w < end; w++) into32[w] = words[from + w]!
      at = end << 2
    }
    for (; at < length; at++) into[at] = bytes[base + at]!
  }
}
