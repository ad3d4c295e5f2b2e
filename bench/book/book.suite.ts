/**
 * The book suite: the LOBSTER sample (AAPL, ten levels, 999 messages)
 * replayed over and over.
 *
 * ```
 *   waves book       pre-parsed messages ──▶ LobsterReplay ──▶ OrderBook          (one thread)
 *   naive book       pre-parsed messages ──▶ Map per side, sorted when needed     (one thread)
 *   waves feed-path  producer worker: decode ──▶ BookDelta/Trade structs ──[ market ring ]──▶
 *                    consumer worker: OrderBook.applyDelta, as market_conditions will
 *   postMessage feed-path   the same decode and book, one Float64Array per message through a MessagePort
 * ```
 *
 * The book row's latency is one message in 16 timed on its own; a step
 * takes about a tenth of a microsecond, below the one latency histogram's
 * 1 µs resolution, so its percentiles read 1 until something is slow.
 * The feed path runs flat out (throughput; its latency is mostly time
 * queued in the ring) and paced at one message per 0.1 ms (`paced`: the
 * latency from decode to applied with an idle consumer to wake).
 *
 * Every pass starts from the first order-book row and must end on the last
 * one exactly (levels that enter the top ten from below come from the file,
 * as in the oracle test); the feed path's consumer must apply every delta
 * in sequence. A wrong book fails the run.
 */
import { MessageChannel } from 'node:worker_threads'
import { monotonicClock } from '../../src/clock/clock.js'
import { LobsterReplay, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'
import { RingBuffer } from '../../src/ring/index.js'
import { largestStructBytes, MessageType } from '../../src/schemas/index.js'
import { failIfNot, latencyPercentiles, median, ratio, wants, type BenchDocument, type BenchOptions, type BenchRow } from '../harness/report.js'
import { StartLine, startBenchWorker } from '../harness/worker-run.js'
import type { FeedConsumerResult, FeedPathJob, FeedProducerResult } from './feed-path-worker.js'
import { bookEqualsRow, lobsterSampleFiles } from './lobster-sample.js'
import { NaiveBook } from './naive-book.js'

const WORKER = 'bench/book/feed-path-worker'
const POST_WORKER = 'bench/book/post-message-feed-worker'
// The oracle test's figures: a pass that differs from them is not the replay it claims to be.
const SEED_FILLS_PER_PASS = 318
// One message in this many is timed on its own for the latency percentiles.
const TIMED_EVERY = 16

function bookRun(replay: LobsterReplay, passes: number): number {
  const n = replay.messages.count
  const startNs = monotonicClock.nowNs()
  for (let pass = 0; pass < passes; pass++) {
    replay.seed()
    for (let i = 1; i < n; i++) replay.step(i)
  }
  return (passes * (n - 1)) / ((monotonicClock.nowNs() - startNs) / 1e9)
}

function bookLatency(replay: LobsterReplay, passes: number): Float64Array {
  const n = replay.messages.count
  const samples = new Float64Array(Math.floor((passes * (n - 1)) / TIMED_EVERY) + 1)
  let taken = 0
  for (let pass = 0; pass < passes; pass++) {
    replay.seed()
    for (let i = 1; i < n; i++) {
      if (i % TIMED_EVERY !== 0) {
        replay.step(i)
        continue
      }
      const t0 = performance.now()
      replay.step(i)
      samples[taken++] = (performance.now() - t0) * 1e6
    }
  }
  return samples.subarray(0, taken)
}

function naiveRun(book: NaiveBook, files: { m: ReturnType<typeof readLobsterMessages>; r: ReturnType<typeof readLobsterBookRows> }, passes: number): number {
  const n = files.m.count
  const startNs = monotonicClock.nowNs()
  for (let pass = 0; pass < passes; pass++) {
    book.seed(files.r)
    for (let i = 1; i < n; i++) book.apply(files.m, files.r, i)
  }
  return (passes * (n - 1)) / ((monotonicClock.nowNs() - startNs) / 1e9)
}

async function feedPathRun(passes: number, messagesPerPass: number, intervalMs?: number, contender: 'waves' | 'postMessage' = 'waves'): Promise<{ msgsPerSec: number; samplesNs: Float64Array }> {
  const ring = RingBuffer.create({ capacity: 16_384, maxPayloadBytes: largestStructBytes([MessageType.BookDelta, MessageType.Trade]) })
  const start = new StartLine()
  const pacing = intervalMs === undefined ? { sampleEvery: 8 } : { sampleEvery: 1, intervalMs }
  const base: Omit<FeedPathJob, 'side'> = { sab: ring.sab, go: start.sab, ...lobsterSampleFiles(), passes, ...pacing }
  let consumer, producer
  if (contender === 'waves') {
    consumer = startBenchWorker<FeedConsumerResult>(WORKER, { ...base, side: 'consume' })
    producer = startBenchWorker<FeedProducerResult>(WORKER, { ...base, side: 'produce' })
  } else {
    const { port1, port2 } = new MessageChannel()
    const flow = new SharedArrayBuffer(4)
    consumer = startBenchWorker<FeedConsumerResult>(POST_WORKER, { ...base, side: 'consume', port: port1, flow }, [port1])
    producer = startBenchWorker<FeedProducerResult>(POST_WORKER, { ...base, side: 'produce', port: port2, flow }, [port2])
  }
  await Promise.all([consumer.ready, producer.ready])
  start.go()
  const [produced, consumed] = await Promise.all([producer.result, consumer.result])
  await Promise.all([producer.worker.terminate(), consumer.worker.terminate()])
  failIfNot(consumed.deltas === produced.deltas && consumed.trades === produced.trades, `feed path: ${consumed.deltas}/${produced.deltas} deltas, ${consumed.trades}/${produced.trades} trades`)
  failIfNot(consumed.notApplied === 0, `feed path: ${consumed.notApplied} deltas not applied in sequence`)
  failIfNot(consumed.finalRowExact, 'feed path: the consumer book does not end on the last order-book row')
  return { msgsPerSec: (passes * (messagesPerPass - 1)) / ((consumed.endMs - produced.startMs) / 1000), samplesNs: consumed.samplesNs }
}

export async function bookSuite(options: BenchOptions): Promise<BenchDocument> {
  const files = lobsterSampleFiles()
  const m = readLobsterMessages(files.messageFile)
  const r = readLobsterBookRows(files.bookFile)
  const rows: BenchRow[] = []
  const rate = new Map<string, number>()
  // About ten million messages a run, a twentieth with --quick.
  const passes = options.quick ? 500 : 10_000

  if (wants(options, 'waves book')) {
    const oracle = new LobsterReplay(m, r)
    const counts = oracle.run()
    failIfNot(counts.rowsExact === m.count - 1 && counts.seedFills === SEED_FILLS_PER_PASS, `waves book: the oracle replay matched ${counts.rowsExact} rows with ${counts.seedFills} fills`)
    const replay = new LobsterReplay(m, r, { verify: false })
    bookRun(replay, Math.ceil(passes / 10)) // warm-up: compiled before it is timed
    const runs: number[] = []
    for (let k = 0; k < options.runs; k++) runs.push(bookRun(replay, passes))
    const samples = bookLatency(replay, Math.ceil(passes / 4))
    const total = Math.ceil(passes / 10) + options.runs * passes + Math.ceil(passes / 4)
    failIfNot(replay.counts.seedFills === total * SEED_FILLS_PER_PASS && replay.counts.unknownLevels === 0, `waves book: ${replay.counts.seedFills} fills, ${replay.counts.unknownLevels} unknown levels over ${total} passes`)
    failIfNot(bookEqualsRow(replay.book, r, m.count - 1), 'waves book: the book does not end on the last order-book row')
    rate.set('waves book', median(runs))
    rows.push({ name: 'waves book', msgsPerSec: Math.round(median(runs)), ...latencyPercentiles(samples) })
  }

  if (wants(options, 'naive book')) {
    const naive = new NaiveBook(r.levels)
    const naivePasses = Math.ceil(passes / 10)
    naiveRun(naive, { m, r }, Math.ceil(naivePasses / 10))
    const runs: number[] = []
    for (let k = 0; k < options.runs; k++) runs.push(naiveRun(naive, { m, r }, naivePasses))
    failIfNot(naive.equalsRow(r, m.count - 1), 'naive book: the book does not end on the last order-book row')
    rate.set('naive book', median(runs))
    rows.push({ name: 'naive book', msgsPerSec: Math.round(median(runs)), p50us: null, p99us: null, p999us: null })
  }

  if (wants(options, 'waves feed-path')) {
    const feedPasses = Math.ceil(passes / 2)
    await feedPathRun(Math.ceil(feedPasses / 20), m.count) // warm-up
    const runs: Array<{ msgsPerSec: number; samplesNs: Float64Array }> = []
    for (let k = 0; k < options.runs; k++) runs.push(await feedPathRun(feedPasses, m.count))
    const mid = [...runs].sort((a, b) => a.msgsPerSec - b.msgsPerSec)[Math.floor(runs.length / 2)]!
    rate.set('waves feed-path', mid.msgsPerSec)
    rows.push({ name: 'waves feed-path', msgsPerSec: Math.round(mid.msgsPerSec), ...latencyPercentiles(mid.samplesNs) })
  }

  if (wants(options, 'postMessage feed-path')) {
    const postPasses = Math.ceil(passes / 10)
    const runs: Array<{ msgsPerSec: number; samplesNs: Float64Array }> = []
    for (let k = 0; k < options.runs; k++) runs.push(await feedPathRun(postPasses, m.count, undefined, 'postMessage'))
    const mid = [...runs].sort((a, b) => a.msgsPerSec - b.msgsPerSec)[Math.floor(runs.length / 2)]!
    rate.set('postMessage feed-path', mid.msgsPerSec)
    rows.push({ name: 'postMessage feed-path', msgsPerSec: Math.round(mid.msgsPerSec), ...latencyPercentiles(mid.samplesNs) })
  }

  if (wants(options, 'waves feed-path paced')) {
    // One message every 0.1 ms: the consumer goes idle between them, so this is decode to applied without a queue.
    const paced = await feedPathRun(options.quick ? 1 : 3, m.count, 0.1)
    rows.push({ name: 'waves feed-path paced', msgsPerSec: null, ...latencyPercentiles(paced.samplesNs) })
  }

  const ratios: Record<string, number> = {}
  const bookVsNaive = ratio(rate.get('waves book'), rate.get('naive book'))
  if (bookVsNaive !== undefined) ratios['waves book/naive book'] = bookVsNaive
  const feedVsPost = ratio(rate.get('waves feed-path'), rate.get('postMessage feed-path'))
  if (feedVsPost !== undefined) ratios['waves feed-path/postMessage feed-path'] = feedVsPost
  return { suite: 'book', rows, ratios }
}
