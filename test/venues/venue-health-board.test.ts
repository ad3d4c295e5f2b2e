import { describe, expect, it } from 'vitest'
import { isWavesError } from '../../src/errors/index.js'
import { RouterInput } from '../../src/native/router-input.js'
import { VenueBooks } from '../../src/market/book/index.js'
import { BookAction, Side } from '../../src/schemas/index.js'
import { VenueDownReason, VenueHealthBoard, VenueHealthWriter, VenueState } from '../../src/venues/health/index.js'
import { groupOffset } from '../../src/venues/health/venue-health-layout.js'
import { runWorker } from '../helper.js'
import { CONTROL_BYTES, STOP, type ReaderOutcome, type VenueHealthJob, type WriterOutcome } from '../fixtures/venues/venue-health-job.js'

const WORKER = 'test/fixtures/venues/venue-health-worker'
const DURATION_MS = process.env['WAVES_STRESS'] === 'long' ? 20_000 : 1_500

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

describe('venue health board', () => {
  it('starts with every venue up, and a whole group written is read back whole, since-ns exact past 2^32', () => {
    const board = VenueHealthBoard.create(3)
    const other = VenueHealthBoard.attach(board.sab)
    expect(other.venues).toBe(3)
    expect([1, 2, 3].map((v) => other.routable(v))).toEqual([true, true, true])
    const sinceNs = 2 ** 52 + 7
    new VenueHealthWriter(board).publish(2, { state: VenueState.Down, reason: VenueDownReason.RateLimited, consecutiveFailures: 4, changes: 9, sinceNs })
    expect(other.routable(2)).toBe(false)
    expect(other.state(2)).toBe(VenueState.Down)
    expect(other.read(2)).toEqual({ state: VenueState.Down, reason: VenueDownReason.RateLimited, consecutiveFailures: 4, changes: 9, sinceNs })
    expect(other.routable(1) && other.routable(3)).toBe(true)
  })

  it('refuses a buffer that is not a board of this layout, and venue ids outside it', () => {
    expect(isWavesError(thrown(() => VenueHealthBoard.attach(new SharedArrayBuffer(64))), 'ERR_VENUE_HEALTH_LAYOUT')).toBe(true)
    const board = VenueHealthBoard.create(2)
    const otherVersion = new SharedArrayBuffer(board.sab.byteLength)
    new Int32Array(otherVersion).set(board.words)
    new Int32Array(otherVersion)[1] = 99
    expect(isWavesError(thrown(() => VenueHealthBoard.attach(otherVersion)), 'ERR_VENUE_HEALTH_LAYOUT')).toBe(true)
    expect(isWavesError(thrown(() => board.read(3)), 'ERR_VENUE_HEALTH_LAYOUT')).toBe(true)
    expect(isWavesError(thrown(() => new VenueHealthWriter(board).publish(0, board.read(1))), 'ERR_VENUE_HEALTH_LAYOUT')).toBe(true)
  })

  it('reports a group its writer died inside, and the next writer heals it', () => {
    const board = VenueHealthBoard.create(1)
    // A writer stopped between making the sequence odd and making it even again.
    Atomics.store(board.words, groupOffset(1), 5)
    expect(isWavesError(thrown(() => board.read(1)), 'ERR_VENUE_HEALTH_LAYOUT')).toBe(true)
    new VenueHealthWriter(board).publish(1, { state: VenueState.HalfOpen, reason: VenueDownReason.Timeout, consecutiveFailures: 1, changes: 2, sinceNs: 3 })
    expect(board.read(1)).toEqual({ state: VenueState.HalfOpen, reason: VenueDownReason.Timeout, consecutiveFailures: 1, changes: 2, sinceNs: 3 })
    expect(Atomics.load(board.words, groupOffset(1)) % 2).toBe(0)
  })

  it('gives the router no levels of a venue that is down, so the parent goes to the others', () => {
    const books = new VenueBooks(1, 2)
    books.apply(0, 1, Side.Sell, BookAction.Set, 100, 5, 0)
    books.apply(0, 2, Side.Sell, BookAction.Set, 101, 7, 0)
    const input = new RouterInput(2, { takerBps: 0, makerBps: 0 })
    const board = VenueHealthBoard.create(2)
    const laidOut = (): number[] => Array.from(input.ticket.levels.subarray(0, 2 * input.layOut(books, 0, Side.Buy, 3, undefined, board)))
    expect(laidOut()).toEqual([100, 5, 101, 7])
    new VenueHealthWriter(board).publish(1, { state: VenueState.Down, reason: VenueDownReason.Operator, consecutiveFailures: 0, changes: 1, sinceNs: 1 })
    expect(laidOut()).toEqual([101, 7])
    expect(Array.from(input.ticket.venueLevelEnds)).toEqual([0, 1])
    new VenueHealthWriter(board).publish(1, { state: VenueState.HalfOpen, reason: VenueDownReason.Operator, consecutiveFailures: 0, changes: 2, sinceNs: 2 })
    expect(laidOut()).toEqual([101, 7])
  })

  it('between threads: a writer publishing flat out never shows two readers a torn group or one going back', async () => {
    const board = VenueHealthBoard.create(4)
    const control = new SharedArrayBuffer(CONTROL_BYTES)
    const readers = [0, 1].map(() => runWorker<ReaderOutcome>(WORKER, { role: 'read', board: board.sab, control } satisfies VenueHealthJob))
    const writer = runWorker<WriterOutcome>(WORKER, { role: 'write', board: board.sab, control, readers: readers.length, durationMs: DURATION_MS } satisfies VenueHealthJob)
    try {
      const [w, ...rs] = await Promise.all([writer.result, ...readers.map((r) => r.result)])
      console.log(`venue health board: ${w.published.join('/')} publishes per venue; readers ${rs.map((r) => `${r.read} whole + ${r.routableReads} routing reads`).join(', ')}`)
      for (const r of rs) {
        expect({ torn: r.torn, wentBack: r.wentBack, badStates: r.badStates }).toEqual({ torn: 0, wentBack: 0, badStates: 0 })
        expect(r.read).toBeGreaterThan(1_000)
        r.lastChanges.forEach((c, v) => expect(c).toBeLessThanOrEqual(w.published[v]!))
      }
      expect(Math.min(...w.published)).toBeGreaterThan(10_000)
      // What the writer left is what a reader sees once it is done.
      w.published.forEach((k, v) => expect(board.read(v + 1).changes).toBe(k))
    } finally {
      Atomics.store(new Int32Array(control), STOP, 1)
      await Promise.all([writer, ...readers].map((x) => x.worker.terminate()))
    }
  })
})
