import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Board, BoardReader, BoardWriter } from '../../src/boards/index.js'

/** Bytes that are a function of their version and length. */
function payload(version: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (version * 131 + i * 7 + (i >> 8)) & 255
  return bytes
}

type Op =
  | { kind: 'publish'; length: number }
  | { kind: 'readCopy'; into: 'none' | 'aligned' | 'unaligned' }
  /** A read in place during which the writer publishes `during` times. */
  | { kind: 'readWith'; during: number; lengths: number[] }
  | { kind: 'version' }

function opArbitrary(maxBytes: number): fc.Arbitrary<Op> {
  // Lengths over maxBytes too: they must be refused without touching the board.
  const length = fc.oneof(fc.integer({ min: 0, max: maxBytes }), fc.integer({ min: maxBytes + 1, max: maxBytes + 64 }))
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('publish' as const), length }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('readCopy' as const), into: fc.constantFrom('none' as const, 'aligned' as const, 'unaligned' as const) }) },
    {
      weight: 3,
      arbitrary: fc.integer({ min: 0, max: 3 }).chain((during) =>
        fc.record({
          kind: fc.constant('readWith' as const),
          during: fc.constant(during),
          lengths: fc.array(fc.integer({ min: 0, max: maxBytes }), { minLength: during, maxLength: during }),
        }),
      ),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'version' as const }) },
  )
}

describe('a board under random interleavings of publishes and reads', () => {
  it('always reads the newest version, whole, and retries exactly when two publishes overlap a read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }).chain((maxBytes) => fc.tuple(fc.constant(maxBytes), fc.array(opArbitrary(maxBytes), { maxLength: 60 }))),
        ([maxBytes, ops]) => {
          const board = Board.create({ maxBytes })
          const writer = new BoardWriter(board)
          const reader = new BoardReader(Board.attach(board.sab))
          const aligned = new Uint8Array(maxBytes)
          const unaligned = new Uint8Array(new ArrayBuffer(maxBytes + 3), 3)
          // The model: every payload published so far, version i + 1 at index i.
          const published: Uint8Array[] = []
          const publish = (length: number): void => {
            const version = published.length + 1
            const bytes = payload(version, length)
            if (length > maxBytes) {
              expect(() => writer.publish(bytes)).toThrow(expect.objectContaining({ code: 'ERR_BOARD_TOO_LARGE' }))
              return
            }
            expect(writer.publish(bytes)).toBe(version)
            published.push(bytes)
          }
          const newest = (): { version: number; bytes: Uint8Array } | undefined =>
            published.length === 0 ? undefined : { version: published.length, bytes: published[published.length - 1]! }

          for (const op of ops) {
            const retriesBefore = reader.retries
            switch (op.kind) {
              case 'publish':
                publish(op.length)
                break
              case 'version':
                expect(reader.version).toBe(published.length)
                break
              case 'readCopy': {
                const into = op.into === 'none' ? undefined : op.into === 'aligned' ? aligned : unaligned
                const snapshot = reader.readCopy(into)
                const want = newest()
                if (want === undefined) {
                  expect(snapshot).toBeUndefined()
                  break
                }
                expect(snapshot?.version).toBe(want.version)
                expect(snapshot?.length).toBe(want.bytes.length)
                expect(snapshot!.bytes.subarray(0, snapshot!.length)).toEqual(want.bytes)
                if (into !== undefined) expect(snapshot!.bytes).toBe(into)
                break
              }
              case 'readWith': {
                const atStart = newest()
                let runs = 0
                // readWith drops what a torn run throws: keep a failed expectation from vanishing with it.
                let failure: unknown
                const result = reader.readWith((bb, version) => {
                  runs++
                  if (runs === 1) {
                    try {
                      for (const length of op.lengths) publish(length)
                    } catch (err) {
                      failure ??= err
                    }
                  }
                  const length = published[version - 1]?.length ?? 0
                  return { version, bytes: bb.bytes().slice(0, length) }
                })
                if (failure !== undefined) throw failure
                if (atStart === undefined) {
                  expect([result, runs]).toEqual([undefined, 0])
                  break
                }
                // Publishes that went through during the read (an oversized one is refused).
                const overlapping = published.length - atStart.version
                const retried = overlapping >= 2 ? 1 : 0
                expect(reader.retries - retriesBefore).toBe(retried)
                expect(runs).toBe(1 + retried)
                const want = retried === 1 ? newest()! : atStart
                expect(result).toEqual(want)
                break
              }
            }
            if (op.kind !== 'readWith') expect(reader.retries).toBe(retriesBefore)
          }
          expect(writer.version).toBe(published.length)
        },
      ),
      { numRuns: 300 },
    )
  })

})
