/**
 * The three threads of the tick-to-order bench over rings, in one worker
 * script (the role comes in workerData):
 *
 * - feed: one Quote at a time into the market ring, paced, stamped with
 *   the shared clock as it is published;
 * - strategy: consumer 0 of the market ring; each tick runs the fast path,
 *   and each child order is written into the venue ring (a uniform Order
 *   ring) carrying the tick's timestamp, the tick's children published together;
 * - venue: consumer 1 of the market ring and the venue ring's consumer;
 *   before matching an order it brings its books up to that order's tick,
 *   then records tick-to-order on the acknowledgment.
 *
 * Strategy and venue wait with SpinThenParkWaitStrategy, as agent threads do.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { monotonicClock } from '../../src/clock/clock.js'
import { writeFastPathOrder } from '../../src/agents/strategy-engine/fast-path-trader.js'
import { createExecutor } from '../../src/native/index.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer, SpinThenParkWaitStrategy } from '../../src/ring/index.js'
import { MessageType, Order, Quote } from '../../src/schemas/index.js'
import { sleepMs } from '../harness/sleep-ms.js'
import { StartLine } from '../harness/worker-run.js'
import { ADVERSE_TICKS_PER_MS, INSTRUMENT_ID, VENUES, quoteOfTick, type TickQuote } from './tick-to-order-market.js'
import { StrategyStage, VenueStage, type VenueOrder } from './tick-to-order-stages.js'

export interface TickToOrderJob {
  role: 'feed' | 'strategy' | 'venue'
  market: SharedArrayBuffer
  venue: SharedArrayBuffer
  go: SharedArrayBuffer
  /** Ticks timed, after the warm-up's. */
  ticks: number
  /** The feed sleeps this long before each tick, so strategy and venue are idle when it lands. */
  intervalMs: number
  /** Before each timed tick instead, when given: ticks far apart, as a feed that ticks once a cycle. */
  timedIntervalMs?: number
  /**
   * Strategy and venue park at most this long, ms, and the strategy
   * rehearses its path at each time-out, as the engine's fast path does
   * with `strategy_engine.keepWarmMs`; absent or 0: they park until woken.
   */
  keepWarmMs?: number
  /**
   * Ticks first sent through the same threads, rings and stages untimed:
   * each run starts new workers, whose code is cold and whose first
   * collections are still to come.
   */
  warmUpTicks: number
}
export interface FeedResult {
  role: 'feed'
  startMs: number
  /** Ticks published, warm-up included: short of the job's only if the market ring filled. */
  ticks: number
}
export interface StrategyResult {
  role: 'strategy'
  routerKind: string
  ticks: number
  ticksWithOrders: number
  sent: number
  misses: Record<string, number>
  /** Tick to order published on the venue ring, per timed order; absent over postMessage. */
  sentNs?: Float64Array
}
export interface VenueResult {
  role: 'venue'
  orders: number
  acknowledged: number
  filled: number
  ticks: number
  timedFromMs: number
  lastAckMs: number
  samplesNs: Float64Array
}

const job = workerData as TickToOrderJob
const post = (message: unknown): void => parentPort!.postMessage(message)

/** How the strategy and venue threads wait for their next message: parked until woken, or kept warm (see `keepWarmMs`). */
function keptWarm(rehearse: () => void): SpinThenParkWaitStrategy {
  const everyMs = job.keepWarmMs ?? 0
  return everyMs > 0 ? new SpinThenParkWaitStrategy({ parkTimeoutMs: everyMs, whileParked: rehearse }) : new SpinThenParkWaitStrategy()
}

function feed(): FeedResult {
  const ring = RingBuffer.attach(job.market)
  const sequencer = new SingleProducerSequencer(ring, new SpinThenParkWaitStrategy())
  const bb = ring.byteBuffer
  const quote = new Quote()
  const q: TickQuote = { bidTicks: 0, bidLots: 0, askTicks: 0, askLots: 0 }
  post('ready')
  StartLine.wait(job.go)
  const startMs = performance.now()
  const total = job.warmUpTicks + job.ticks
  let ticks = 0
  for (; ticks < total; ticks++) {
    sleepMs(ticks < job.warmUpTicks ? job.intervalMs : (job.timedIntervalMs ?? job.intervalMs))
    // Never wait for room: a full ring means the venue stopped draining, and the run fails on the count.
    const s = sequencer.tryClaim(1)
    if (s < 0) break
    quoteOfTick(ticks, q)
    quote.__init(sequencer.setHeader(s, Quote.sizeOf(), MessageType.Quote), bb)
    quote.mutate_instrument_id(INSTRUMENT_ID)
    quote.mutate_venue_id(0)
    quote.mutate_bid_price_ticks(q.bidTicks)
    quote.mutate_bid_size_lots(q.bidLots)
    quote.mutate_ask_price_ticks(q.askTicks)
    quote.mutate_ask_size_lots(q.askLots)
    quote.mutate_venue_sequence(ticks + 1)
    quote.mutate_ts_ns(monotonicClock.nowNs())
    sequencer.publish(s)
  }
  ring.close()
  return { role: 'feed', startMs, ticks }
}

function readTick(quote: Quote, q: TickQuote): TickQuote {
  q.bidTicks = quote.bidPriceTicks()
  q.bidLots = quote.bidSizeLots()
  q.askTicks = quote.askPriceTicks()
  q.askLots = quote.askSizeLots()
  return q
}

function strategy(): StrategyResult {
  const executor = createExecutor()
  const market = RingBuffer.attach(job.market)
  const ticks = new RingConsumer(market, 0)
  const venueRing = RingBuffer.attach(job.venue)
  const orders = new SingleProducerSequencer(venueRing, new SpinThenParkWaitStrategy())
  // Kept warm: the strategy's rehearsal routes the books of the last tick (stage is set before any wait).
  const wait = keptWarm(() => stage.rehearse())
  const quote = new Quote()
  const order = new Order()
  const q: TickQuote = { bidTicks: 0, bidLots: 0, askTicks: 0, askLots: 0 }
  // When each timed order is on the venue ring, from its tick: the engine's part of tick-to-order, without the venue's.
  const sentNs = new Float64Array(job.ticks * VENUES)
  let timedSent = 0
  // A tick's children are written one by one and published together, so the
  // venue is woken once per tick, as the engine's adapters are (the fast path
  // rings their doorbell once after the tick's orders are on its ring).
  let firstChild = -1
  let lastChild = -1
  let timedTickNs = -1
  const stage: StrategyStage = new StrategyStage(executor.createRouter({ adverseTicksPerMs: ADVERSE_TICKS_PER_MS }), (o) => {
    const s = orders.tryClaim(1)
    if (s < 0) return false
    writeFastPathOrder(order.__init(orders.setHeader(s, Order.sizeOf(), MessageType.Order), venueRing.byteBuffer), o, 0)
    if (firstChild < 0) firstChild = s
    lastChild = s
    if (stage.ticksWithOrders >= job.warmUpTicks) timedTickNs = o.tickTsNs
    return true
  })
  const publishChildren = (): void => {
    if (lastChild < 0) return
    orders.publish(lastChild)
    if (timedTickNs >= 0) {
      const sent = monotonicClock.nowNs() - timedTickNs
      for (let s = firstChild; s <= lastChild && timedSent < sentNs.length; s++) sentNs[timedSent++] = sent
    }
    firstChild = lastChild = timedTickNs = -1
  }
  post('ready')
  for (;;) {
    const published = ticks.waitFor(wait)
    if (published < ticks.next) break
    for (let s = ticks.next; s <= published; s++) {
      quote.__init(market.payloadOffset(s), market.byteBuffer)
      stage.onTick(readTick(quote, q), quote.tsNs())
      publishChildren()
    }
    ticks.release(published)
  }
  venueRing.close()
  const t = stage.trader
  return { role: 'strategy', routerKind: executor.kind, ticks: stage.ticks, ticksWithOrders: stage.ticksWithOrders, sent: t.sent, misses: { ...t.misses }, sentNs: sentNs.slice(0, timedSent) }
}

function venue(): VenueResult {
  const market = RingBuffer.attach(job.market)
  const ticks = new RingConsumer(market, 1)
  const venueRing = RingBuffer.attach(job.venue)
  const orders = new RingConsumer(venueRing, 0)
  // Kept warm, the venue thread only wakes, as the engine's adapters do with nothing on their rings.
  const wait = keptWarm(() => {})
  const quote = new Quote()
  const order = new Order()
  const q: TickQuote = { bidTicks: 0, bidLots: 0, askTicks: 0, askLots: 0 }
  const o: VenueOrder = { clientOrderId: 0, venueId: 0, side: 0, priceTicks: 0, sizeLots: 0, tickTsNs: 0 }
  const stage = new VenueStage(job.ticks * VENUES, job.warmUpTicks)
  // The venue's books follow the feed up to the tick an order came from, never past it.
  const catchUpTo = (tickTsNs: number): void => {
    const first = ticks.next
    const published = ticks.published
    let s = first
    for (; s <= published; s++) {
      quote.__init(market.payloadOffset(s), market.byteBuffer)
      const tsNs = quote.tsNs()
      if (tsNs > tickTsNs) break
      stage.applyTick(readTick(quote, q), tsNs)
    }
    if (s > first) ticks.release(s - 1)
  }
  post('ready')
  for (;;) {
    const published = orders.waitFor(wait)
    if (published < orders.next) break
    for (let s = orders.next; s <= published; s++) {
      order.__init(venueRing.payloadOffset(s), venueRing.byteBuffer)
      o.tickTsNs = order.tsNs()
      o.clientOrderId = order.clientOrderId()
      o.venueId = order.venueId()
      o.side = order.side()
      o.priceTicks = order.priceTicks()
      o.sizeLots = order.sizeLots()
      catchUpTo(o.tickTsNs)
      stage.submit(o)
    }
    orders.release(published)
  }
  const { orders: n, acknowledged, filled, ticks: orderTicks, lastAckMs } = stage
  return { role: 'venue', orders: n, acknowledged, filled, ticks: orderTicks, lastAckMs, timedFromMs: stage.timedFromMs, samplesNs: stage.samplesNs() }
}

post(job.role === 'feed' ? feed() : job.role === 'strategy' ? strategy() : venue())
