import { describe, expect, it } from 'vitest'
import { Board } from '../../src/boards/index.js'
import { runWorker } from '../helper.js'
import { largestPatternBytes } from '../fixtures/boards/board-payload.js'
import { CONTROL_BYTES, STOP, type BoardJob, type ReaderOutcome, type WriterOutcome } from '../fixtures/boards/board-job.js'

/**
 * Real threads, real SharedArrayBuffer: one writer publishing as fast as it
 * can, three readers reading as fast as they can with readCopy (into a
 * buffer and fresh) and readWith. Each reader tallies its outcomes: read and
 * retried are acceptable; torn (a snapshot whose contents disagree with its
 * version) and wentBack (a version lower than one already seen) are
 * forbidden and must be zero.
 */
const WORKER = 'test/fixtures/boards/board-worker'
const LONG = process.env['WAVES_STRESS'] === 'long'
const DURATION_MS = LONG ? 20_000 : 1_500
const READERS = 3

async function hammer(maxValues: number): Promise<{ writer: WriterOutcome; readers: ReaderOutcome[] }> {
  const board = Board.create({ maxBytes: largestPatternBytes(maxValues) })
  const control = new SharedArrayBuffer(CONTROL_BYTES)
  const readers = Array.from({ length: READERS }, () =>
    runWorker<ReaderOutcome>(WORKER, { role: 'read', sab: board.sab, control, maxValues } satisfies BoardJob),
  )
  const writer = runWorker<WriterOutcome>(WORKER, {
    role: 'write',
    sab: board.sab,
    control,
    readers: READERS,
    maxValues,
    durationMs: DURATION_MS,
  } satisfies BoardJob)
  try {
    const [writerOutcome, ...readerOutcomes] = await Promise.all([writer.result, ...readers.map((r) => r.result)])
    return { writer: writerOutcome, readers: readerOutcomes }
  } finally {
    // A thread that threw must not leave the others spinning past the test.
    Atomics.store(new Int32Array(control), STOP, 1)
    await Promise.all([writer, ...readers].map((w) => w.worker.terminate()))
  }
}

function report(label: string, writer: WriterOutcome, readers: ReaderOutcome[]): void {
  const perSecond = (n: number, ms: number): number => Math.round((n / ms) * 1000)
  const lines = readers.map((r, i) => {
    const { copyInto, copyFresh, inPlace } = r.byMethod
    const methods = `into ${copyInto}, fresh ${copyFresh}, in place ${inPlace}`
    return `  reader ${i}: ${r.read} reads (${perSecond(r.read, r.elapsedMs)}/s; ${methods}), ${r.retried} retried, ${r.empty} empty`
  })
  console.log(`${label}: writer published ${writer.published} (${perSecond(writer.published, writer.elapsedMs)}/s)\n${lines.join('\n')}`)
}

function expectClean(writer: WriterOutcome, readers: ReaderOutcome[], minPublished: number): void {
  for (const r of readers) {
    expect({ torn: r.torn, wentBack: r.wentBack }).toEqual({ torn: 0, wentBack: 0 })
    expect(r.read).toBeGreaterThan(0)
    expect(r.lastVersion).toBeLessThanOrEqual(writer.lastVersion)
  }
  // Readers never hold the writer up: it keeps publishing while they hammer.
  expect(writer.published).toBeGreaterThanOrEqual(minPublished)
  expect(writer.lastVersion).toBe(writer.published)
}

describe('board between threads', () => {
  it('gives three hammering readers whole snapshots of small boards, never torn, never going back', async () => {
    const { writer, readers } = await hammer(64)
    report('small board', writer, readers)
    expectClean(writer, readers, 10_000)
  })

  it('does the same with boards of up to 32 KiB, where reads are long enough to overlap publishes', async () => {
    const { writer, readers } = await hammer(4096)
    report('large board', writer, readers)
    expectClean(writer, readers, 2_000)
  })
})
