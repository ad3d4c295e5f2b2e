/**
 * Both ends of the feed path, in one worker script (the role comes in
 * workerData). The producer is the feed: it decodes LOBSTER messages into
 * L2 level changes and trades and writes them into the market ring as
 * BookDelta and Trade structs, each stamped with the shared clock when its
 * message was decoded. The consumer is market_conditions: it applies every
 * delta into its OrderBook, counts trades, and samples the time from decode
 * to applied.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { monotonicClock } from '../../src/clock/clock.js'
import { BookUpdate, OrderBook } from '../../src/market/book/index.js'
import { LobsterEvent, LobsterReplay, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer, SpinThenParkWaitStrategy } from '../../src/ring/index.js'
import { BookAction, BookDelta, MessageType, Side, Trade } from '../../src/schemas/index.js'
import { sleepMs } from '../harness/sleep-ms.js'
import { StartLine } from '../harness/worker-run.js'
import { bookEqualsRow, rowSide } from './lobster-sample.js'

export interface FeedPathJob {
  side: 'produce' | 'consume'
  sab: SharedArrayBuffer
  go: SharedArrayBuffer
  messageFile: string
  bookFile: string
  passes: number
  /** The consumer keeps one latency sample in this many deltas. */
  sampleEvery: number
  /** Paced run: the producer sleeps this long before each message, so the consumer goes idle between them. Absent: flat out. */
  intervalMs?: number
}
export interface FeedProducerResult {
  startMs: number
  deltas: number
  trades: number
}
export interface FeedConsumerResult {
  endMs: number
  deltas: number
  trades: number
  /** Deltas the book did not apply (stale, gap, refused, unknown level): must be 0. */
  notApplied: number
  finalRowExact: boolean
  samplesNs: Float64Array
}

const job = workerData as FeedPathJob
const post = (message: unknown): void => parentPort!.postMessage(message)
const messages = readLobsterMessages(job.messageFile)
const rows = readLobsterBookRows(job.bookFile)

function produce(): FeedProducerResult {
  const ring = RingBuffer.attach(job.sab)
  const sequencer = new SingleProducerSequencer(ring, new SpinThenParkWaitStrategy())
  const bb = ring.byteBuffer
  const delta = new BookDelta()
  const trade = new Trade()
  const replay = new LobsterReplay(messages, rows, { verify: false })
  const n = messages.count
  let updateSequence = 1
  let deltas = 0
  let trades = 0
  const writeDelta = (s: number, tsNs: number, side: Side, priceTicks: number, sizeLots: number): void => {
    delta.__init(sequencer.setHeader(s, BookDelta.sizeOf(), MessageType.BookDelta), bb)
    delta.mutate_ts_ns(tsNs)
    delta.mutate_instrument_id(0)
    delta.mutate_venue_id(1)
    delta.mutate_side(side)
    delta.mutate_action(sizeLots > 0 ? BookAction.Set : BookAction.Delete)
    delta.mutate_price_ticks(priceTicks)
    delta.mutate_size_lots(sizeLots)
    delta.mutate_venue_sequence(updateSequence)
    delta.mutate_first_venue_sequence(updateSequence)
    deltas++
  }
  const publishDelta = (tsNs: number, side: Side, priceTicks: number, sizeLots: number): void => {
    const s = sequencer.claim(1)
    writeDelta(s, tsNs, side, priceTicks, sizeLots)
    sequencer.publish(s)
  }
  post('ready')
  StartLine.wait(job.go)
  const startMs = performance.now()
  replay.seed()
  for (let pass = 0; pass < job.passes; pass++) {
    if (pass > 0) {
      // Back to the first row for the next pass, as one venue update of level changes.
      updateSequence++
      const tsNs = monotonicClock.nowNs()
      for (const side of [Side.Buy, Side.Sell]) {
        const seed = new Map(rowSide(rows, 0, side))
        for (const [p] of rowSide(rows, n - 1, side)) if (!seed.has(p)) publishDelta(tsNs, side, p, 0)
        for (const [p, s] of seed) publishDelta(tsNs, side, p, s)
      }
      replay.seed()
    }
    for (let i = 1; i < n; i++) {
      if (job.intervalMs !== undefined) sleepMs(job.intervalMs)
      const tsNs = monotonicClock.nowNs()
      replay.step(i)
      const changes = replay.changeCount
      const type = messages.eventType[i]!
      const traded = type === LobsterEvent.VisibleExecution || type === LobsterEvent.HiddenExecution ? 1 : 0
      if (changes + traded === 0) continue
      // One claim and one publish per message: its level changes and its trade go out together.
      const first = sequencer.claim(changes + traded)
      if (changes > 0) updateSequence++
      for (let k = 0; k < changes; k++) writeDelta(first + k, tsNs, replay.changeSide[k]!, replay.changePriceTicks[k]!, replay.changeSizeLots[k]!)
      if (traded === 1) {
        trade.__init(sequencer.setHeader(first + changes, Trade.sizeOf(), MessageType.Trade), bb)
        trade.mutate_ts_ns(tsNs)
        trade.mutate_instrument_id(0)
        trade.mutate_venue_id(1)
        // The resting order's side was hit: an execution of a sell order is a buyer's trade.
        trade.mutate_aggressor(messages.direction[i] === -1 ? Side.Buy : Side.Sell)
        trade.mutate_price_ticks(messages.priceTicks[i]!)
        trade.mutate_size_lots(messages.sizeLots[i]!)
        trade.mutate_venue_trade_id(i)
        trades++
      }
      sequencer.publish(first + changes + traded - 1)
    }
  }
  ring.close()
  return { startMs, deltas, trades }
}

function consume(): FeedConsumerResult {
  const ring = RingBuffer.attach(job.sab)
  const consumer = new RingConsumer(ring, 0)
  const strategy = new SpinThenParkWaitStrategy()
  const bb = ring.byteBuffer
  const delta = new BookDelta()
  const book = new OrderBook({ maxLevels: rows.levels })
  const levels = (side: Side) => rowSide(rows, 0, side).map(([priceTicks, sizeLots]) => ({ priceTicks, sizeLots }))
  book.applySnapshot(levels(Side.Buy), levels(Side.Sell), 1)
  const samplesNs = new Float64Array(Math.ceil((job.passes * messages.count * 2) / job.sampleEvery) + 1)
  let samples = 0
  let deltas = 0
  let trades = 0
  let notApplied = 0
  post('ready')
  for (;;) {
    const published = consumer.waitFor(strategy)
    if (published < consumer.next) break
    for (let s = consumer.next; s <= published; s++) {
      const offset = ring.payloadOffset(s)
      if (ring.messageType(s) === MessageType.Trade) {
        trades++
        continue
      }
      delta.__init(offset, bb)
      if (book.applyDelta(delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence()) !== BookUpdate.Applied) notApplied++
      if (++deltas % job.sampleEvery === 0 && samples < samplesNs.length) samplesNs[samples++] = monotonicClock.nowNs() - delta.tsNs()
    }
    consumer.release(published)
  }
  const endMs = performance.now()
  return { endMs, deltas, trades, notApplied, finalRowExact: bookEqualsRow(book, rows, messages.count - 1), samplesNs: samplesNs.slice(0, samples) }
}

post(job.side === 'produce' ? produce() : consume())
