import { ByteBuffer } from 'flatbuffers'
import { describe, expect, it } from 'vitest'
import { Board, BoardReader, BoardWriter } from '../../src/boards/index.js'
import { COPY_VERSION_HI_WORD, COPY_VERSION_LO_WORD, PUBLISHED, boardTotalBytes, sequenceIndex } from '../../src/boards/board-layout.js'
import { isWavesError } from '../../src/errors/index.js'
import { RingBuffer } from '../../src/ring/index.js'

/** Bytes that are a function of their version and length. */
function payload(version: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (version * 31 + i * 7) & 255
  return bytes
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (err) {
    if (isWavesError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected a WavesError')
}

function setup(maxBytes = 256, maxRetries?: number) {
  const board = Board.create({ maxBytes })
  const writer = new BoardWriter(board)
  const reader = new BoardReader(Board.attach(board.sab), maxRetries === undefined ? {} : { maxRetries })
  return { board, writer, reader }
}

describe('Board', () => {
  it('rejects a size it cannot hold', () => {
    for (const maxBytes of [0, -1, 1.5, 2 ** 24 + 1, Number.NaN]) {
      expect(errorOf(() => Board.create({ maxBytes }))).toEqual({
        code: 'ERR_BOARD_CONFIG',
        message: `maxBytes must be an integer from 1 to 16777216, got ${maxBytes}`,
      })
    }
  })

  it('attaches only to a board of this layout, of the size its header says', () => {
    const ring = RingBuffer.create({ capacity: 2, maxPayloadBytes: 64 })
    expect(errorOf(() => Board.attach(ring.sab))).toEqual({ code: 'ERR_BOARD_LAYOUT', message: 'buffer is not a waves board of this layout version' })
    expect(errorOf(() => Board.attach(new SharedArrayBuffer(2)))).toEqual({
      code: 'ERR_BOARD_LAYOUT',
      message: 'buffer is not a waves board of this layout version',
    })

    const board = Board.create({ maxBytes: 100 })
    const longer = new SharedArrayBuffer(board.sab.byteLength + 128)
    new Uint8Array(longer).set(board.bytes)
    expect(errorOf(() => Board.attach(longer))).toEqual({
      code: 'ERR_BOARD_LAYOUT',
      message: `board buffer is ${board.sab.byteLength + 128} bytes, its header says ${board.sab.byteLength}`,
    })
    expect(Board.attach(board.sab).maxBytes).toBe(100)
    // Config line, published line, two sequence lines, then two copies of 16 + 100 bytes rounded to a line.
    expect(board.sab.byteLength).toBe(boardTotalBytes(100))
    expect(boardTotalBytes(100)).toBe(4 * 128 + 2 * 128)
  })

  it('keeps the published word, the sequence words and the copies on lines of their own', () => {
    const board = Board.create({ maxBytes: 1000 })
    const lines = [PUBLISHED * 4, sequenceIndex(0) * 4, sequenceIndex(1) * 4, board.copyOffset(0), board.copyOffset(1)].map((b) => b / 128)
    expect(lines.every(Number.isInteger)).toBe(true)
    expect(new Set(lines).size).toBe(5)
    expect(board.copyOffset(1) - board.copyOffset(0)).toBeGreaterThanOrEqual(16 + 1000)
    expect(board.payloadOffset(0) % 8).toBe(0)
  })
})

describe('BoardWriter and BoardReader', () => {
  it('read nothing before the first publish', () => {
    const { writer, reader } = setup()
    let called = false
    expect(reader.readCopy()).toBeUndefined()
    expect(reader.readCopy(new Uint8Array(256))).toBeUndefined()
    expect(
      reader.readWith(() => {
        called = true
      }),
    ).toBeUndefined()
    expect(called).toBe(false)
    expect(reader.version).toBe(0)
    expect(writer.version).toBe(0)
    expect(reader.changedSince(0)).toBe(false)
  })

  it('number versions 1, 2, 3… and read the newest, whole', () => {
    const { writer, reader } = setup()
    for (let version = 1; version <= 5; version++) {
      const bytes = payload(version, 10 + version * 20)
      expect(writer.publish(bytes)).toBe(version)
      expect(writer.version).toBe(version)
      expect(reader.version).toBe(version)
      expect(reader.changedSince(version - 1)).toBe(true)
      expect(reader.changedSince(version)).toBe(false)
      const fresh = reader.readCopy()!
      expect(fresh).toEqual({ version, bytes, length: bytes.length })
      const inPlace = reader.readWith((bb, v) => ({ v, bytes: bb.bytes().slice(0, bytes.length), capacity: bb.capacity() }))
      expect(inPlace).toEqual({ v: version, bytes, capacity: 256 })
    }
    expect(reader.retries).toBe(0)
  })

  it('refuse a payload over maxBytes, whole, and leave the board as it was', () => {
    const { writer, reader } = setup(64)
    writer.publish(payload(1, 64))
    expect(errorOf(() => writer.publish(new Uint8Array(65)))).toEqual({
      code: 'ERR_BOARD_TOO_LARGE',
      message: "board payload of 65 bytes does not fit this board's 64 bytes",
    })
    expect(writer.version).toBe(1)
    expect(reader.readCopy()).toEqual({ version: 1, bytes: payload(1, 64), length: 64 })
    expect(writer.publish(new Uint8Array(0))).toBe(2)
    expect(reader.readCopy()).toEqual({ version: 2, bytes: new Uint8Array(0), length: 0 })
  })

  it('copy into a caller buffer with no new objects: the same snapshot, bytes is the buffer', () => {
    const { writer, reader } = setup(5000)
    const into = new Uint8Array(5000)
    // Lengths around the 2048-byte slices and the 4-byte words the copy is made of.
    for (const length of [0, 1, 3, 4, 5, 2047, 2048, 2049, 4096, 4099, 5000]) {
      const version = writer.publish(payload(length, length))
      const snapshot = reader.readCopy(into)!
      expect(snapshot).toBe(reader.readCopy(into))
      expect(snapshot.bytes).toBe(into)
      expect([snapshot.version, snapshot.length]).toEqual([version, length])
      expect(into.subarray(0, length)).toEqual(payload(length, length))
    }
    // An into buffer that is not 4-aligned is copied byte by byte, to the same result.
    const odd = new Uint8Array(new ArrayBuffer(5001), 1)
    writer.publish(payload(9, 4099))
    expect(reader.readCopy(odd)!.bytes.subarray(0, 4099)).toEqual(payload(9, 4099))
    expect(errorOf(() => reader.readCopy(new Uint8Array(4999)))).toEqual({
      code: 'ERR_BOARD_CONFIG',
      message: 'a buffer to read this board into needs 5000 bytes, got 4999',
    })
  })

  it('give FlatBuffers a view of the payload from position 0, even after fn moved it', () => {
    const { writer, reader } = setup()
    writer.publish(payload(1, 16))
    reader.readWith((bb) => bb.setPosition(12))
    expect(reader.readWith((bb: ByteBuffer) => bb.position())).toBe(0)
  })

  it('make a reader retry only when two publishes overlap its read', () => {
    const { writer, reader } = setup()
    writer.publish(payload(1, 8))
    const runs: number[] = []
    const oneOverlap = reader.readWith((_bb, version) => {
      runs.push(version)
      // v + 1 fills the other copy: this read is untouched.
      if (runs.length === 1) writer.publish(payload(2, 8))
      return version
    })
    expect([oneOverlap, runs, reader.retries]).toEqual([1, [1], 0])

    runs.length = 0
    const twoOverlap = reader.readWith((bb, version) => {
      runs.push(version)
      // v + 1, then v + 2 back into the copy being read: that run is dropped.
      if (runs.length === 1) {
        writer.publish(payload(3, 8))
        writer.publish(payload(4, 8))
      }
      return { version, bytes: bb.bytes().slice(0, 8) }
    })
    expect(runs).toEqual([2, 4])
    expect(twoOverlap).toEqual({ version: 4, bytes: payload(4, 8) })
    expect(reader.retries).toBe(1)
  })

  it('drop an exception thrown on torn bytes, and pass on one thrown on a whole version', () => {
    const { writer, reader } = setup()
    writer.publish(payload(1, 8))
    let runs = 0
    const result = reader.readWith((_bb, version) => {
      if (++runs === 1) {
        writer.publish(payload(2, 8))
        writer.publish(payload(3, 8))
        throw new RangeError('garbage offset')
      }
      return version
    })
    expect([result, runs]).toEqual([3, 2])
    expect(() =>
      reader.readWith(() => {
        throw new RangeError('a bug in fn')
      }),
    ).toThrow('a bug in fn')
  })

  it('never return a copy refilled but not yet published, and give up after maxRetries', () => {
    const { board, writer, reader } = setup(256, 5)
    writer.publish(payload(1, 8))
    writer.publish(payload(2, 8))
    writer.publish(payload(3, 8))
    // As if the writer had filled copy 1 with version 3 and not yet stored the published word:
    // taking version 3 now would let the next read, seeing 2 published, go back.
    Atomics.store(board.words, PUBLISHED, 1)
    const contended = {
      code: 'ERR_BOARD_CONTENDED',
      message: 'board read found no stable copy in 5 retries: the writer publishes faster than this reader reads',
    }
    expect(errorOf(() => reader.readCopy())).toEqual(contended)
    expect(reader.retries).toBe(5)
    Atomics.store(board.words, PUBLISHED, 3)
    expect(reader.readCopy()!.version).toBe(3)

    // A copy whose sequence word is odd is being written: also retried, never read.
    const sequence = sequenceIndex(1)
    Atomics.add(board.words, sequence, 1)
    expect(errorOf(() => reader.readWith(() => 0))).toEqual(contended)
    expect(errorOf(() => reader.version)).toEqual(contended)
    Atomics.sub(board.words, sequence, 1)
    expect(reader.readWith((_bb, version) => version)).toBe(3)
  })

  it('let a restarted writer carry on, past a copy its predecessor left half written', () => {
    const { board, writer, reader } = setup()
    writer.publish(payload(1, 8))
    writer.publish(payload(2, 8))
    // The writer died inside publish 3: copy 1's sequence word is left odd.
    Atomics.add(board.words, sequenceIndex(1), 1)
    expect(reader.readCopy()!.version).toBe(2)

    const next = new BoardWriter(Board.attach(board.sab))
    expect(next.version).toBe(2)
    expect(next.publish(payload(3, 8))).toBe(3)
    expect(Atomics.load(board.words, sequenceIndex(1)) % 2).toBe(0)
    expect(reader.readCopy()).toEqual({ version: 3, bytes: payload(3, 8), length: 8 })
  })

  it('refuse a second writer', () => {
    const { board, writer } = setup()
    const second = new BoardWriter(Board.attach(board.sab))
    writer.publish(payload(1, 8))
    expect(errorOf(() => second.publish(payload(1, 8)))).toEqual({
      code: 'ERR_BOARD_WRITER',
      message: 'another writer published on this board: a board has one writer',
    })
    expect(writer.publish(payload(2, 8))).toBe(2)
  })

  it('carry versions past 2^32, where the published word wraps to 0', () => {
    const { board, writer } = setup()
    writer.publish(payload(1, 8))
    // Stand the board at version 2^32 - 1, in copy 1, as 2^32 - 2 publishes more would.
    const header = board.copyOffset(1) >> 2
    Atomics.store(board.words, header + COPY_VERSION_LO_WORD, -1)
    Atomics.store(board.words, header + COPY_VERSION_HI_WORD, 0)
    Atomics.store(board.words, PUBLISHED, -1)
    const next = new BoardWriter(board)
    const reader = new BoardReader(board)
    expect(next.version).toBe(2 ** 32 - 1)
    expect(reader.version).toBe(2 ** 32 - 1)
    expect(next.publish(payload(2, 8))).toBe(2 ** 32)
    expect(Atomics.load(board.words, PUBLISHED)).toBe(0)
    expect(reader.readCopy()).toEqual({ version: 2 ** 32, bytes: payload(2, 8), length: 8 })
    expect(reader.changedSince(2 ** 32 - 1)).toBe(true)
    expect(next.publish(payload(3, 8))).toBe(2 ** 32 + 1)
    expect(reader.readWith((_bb, version) => version)).toBe(2 ** 32 + 1)
  })

  it('reject a negative or fractional maxRetries', () => {
    const board = Board.create({ maxBytes: 8 })
    expect(errorOf(() => new BoardReader(board, { maxRetries: -1 }))).toEqual({
      code: 'ERR_BOARD_CONFIG',
      message: 'maxRetries must be a non-negative integer, got -1',
    })
  })
})
