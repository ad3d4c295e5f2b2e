/**
 * The baseline feed path: the same decode and the same consumer book as
 * feed-path-worker, but each LOBSTER message's level changes and trade
 * travel as one Float64Array through a MessagePort, as a Node engineer
 * would first connect two workers. In flight is bounded by a window, as a
 * real pipeline must be.
 *
 * One message: [tsNs, updateSequence, deltas, traded, then per delta side, price, size].
 * An empty array ends the stream.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { monotonicClock } from '../../src/clock/clock.js'
import { BookUpdate, OrderBook } from '../../src/market/book/index.js'
import { LobsterEvent, LobsterReplay, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'
import { Side } from '../../src/schemas/index.js'
import { StartLine } from '../harness/worker-run.js'
import type { FeedConsumerResult, FeedPathJob, FeedProducerResult } from './feed-path-worker.js'
import { bookEqualsRow, rowSide } from './lobster-sample.js'

type PostJob = Omit<FeedPathJob, 'sab'> & { port: MessagePort; flow: SharedArrayBuffer }

const WINDOW = 8192
const job = workerData as PostJob
const post = (message: unknown): void => parentPort!.postMessage(message)
const messages = readLobsterMessages(job.messageFile)
const rows = readLobsterBookRows(job.bookFile)

function produce(): FeedProducerResult {
  const flow = new Int32Array(job.flow)
  const replay = new LobsterReplay(messages, rows, { verify: false })
  const n = messages.count
  let updateSequence = 1
  let sent = 0
  let deltas = 0
  let trades = 0
  const send = (message: Float64Array): void => {
    for (let consumed = Atomics.load(flow, 0); sent - consumed >= WINDOW; consumed = Atomics.load(flow, 0)) Atomics.wait(flow, 0, consumed, 5)
    job.port.postMessage(message)
    sent++
  }
  post('ready')
  StartLine.wait(job.go)
  const startMs = performance.now()
  replay.seed()
  for (let pass = 0; pass < job.passes; pass++) {
    if (pass > 0) {
      updateSequence++
      const changes: number[] = []
      for (const side of [Side.Buy, Side.Sell]) {
        const seed = new Map(rowSide(rows, 0, side))
        for (const [p] of rowSide(rows, n - 1, side)) if (!seed.has(p)) changes.push(side, p, 0)
        for (const [p, s] of seed) changes.push(side, p, s)
      }
      deltas += changes.length / 3
      send(Float64Array.from([monotonicClock.nowNs(), updateSequence, changes.length / 3, 0, ...changes]))
      replay.seed()
    }
    for (let i = 1; i < n; i++) {
      const tsNs = monotonicClock.nowNs()
      replay.step(i)
      const changes = replay.changeCount
      const type = messages.eventType[i]!
      const traded = type === LobsterEvent.VisibleExecution || type === LobsterEvent.HiddenExecution ? 1 : 0
      if (changes + traded === 0) continue
      if (changes > 0) updateSequence++
      const message = new Float64Array(4 + changes * 3)
      message[0] = tsNs
      message[1] = updateSequence
      message[2] = changes
      message[3] = traded
      for (let k = 0; k < changes; k++) {
        message[4 + 3 * k] = replay.changeSide[k]!
        message[5 + 3 * k] = replay.changePriceTicks[k]!
        message[6 + 3 * k] = replay.changeSizeLots[k]!
      }
      deltas += changes
      trades += traded
      send(message)
    }
  }
  job.port.postMessage(new Float64Array(0))
  return { startMs, deltas, trades }
}

function consume(): Promise<FeedConsumerResult> {
  const flow = new Int32Array(job.flow)
  const book = new OrderBook({ maxLevels: rows.levels })
  const levels = (side: Side) => rowSide(rows, 0, side).map(([priceTicks, sizeLots]) => ({ priceTicks, sizeLots }))
  book.applySnapshot(levels(Side.Buy), levels(Side.Sell), 1)
  const samplesNs = new Float64Array(Math.ceil((job.passes * messages.count * 2) / job.sampleEvery) + 1)
  let samples = 0
  let received = 0
  let deltas = 0
  let trades = 0
  let notApplied = 0
  return new Promise((resolve) => {
    job.port.on('message', (message: Float64Array) => {
      if (message.length === 0) {
        job.port.close()
        resolve({ endMs: performance.now(), deltas, trades, notApplied, finalRowExact: bookEqualsRow(book, rows, messages.count - 1), samplesNs: samplesNs.slice(0, samples) })
        return
      }
      const changes = message[2]!
      for (let k = 0; k < changes; k++) {
        if (book.setLevel(message[4 + 3 * k] as Side, message[5 + 3 * k]!, message[6 + 3 * k]!, message[1]!) !== BookUpdate.Applied) notApplied++
        if (++deltas % job.sampleEvery === 0 && samples < samplesNs.length) samplesNs[samples++] = monotonicClock.nowNs() - message[0]!
      }
      trades += message[3]!
      Atomics.store(flow, 0, ++received)
      Atomics.notify(flow, 0)
    })
    post('ready')
  })
}

post(job.side === 'produce' ? produce() : await consume())
