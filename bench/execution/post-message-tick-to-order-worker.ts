/**
 * The baseline tick-to-order: the same three threads and the same stages as
 * tick-to-order-worker, connected the way a Node engineer would first
 * connect them. The feed posts each tick as an object to the venue, then to
 * the strategy; the strategy posts each child order as an object to the
 * venue. Strategy and venue wake on the event loop.
 *
 * Two ports do not keep order between each other, so the venue holds an
 * order whose tick has not reached it yet until it has: its books never run
 * ahead of or behind the tick the order came from. `null` ends a stream.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import type { FastPathOrder } from '../../src/agents/strategy-engine/fast-path-trader.js'
import { monotonicClock } from '../../src/clock/clock.js'
import { createExecutor } from '../../src/native/index.js'
import { sleepMs } from '../harness/sleep-ms.js'
import { StartLine } from '../harness/worker-run.js'
import { ADVERSE_TICKS_PER_MS, VENUES, quoteOfTick, type TickQuote } from './tick-to-order-market.js'
import { StrategyStage, VenueStage } from './tick-to-order-stages.js'
import type { FeedResult, StrategyResult, TickToOrderJob, VenueResult } from './tick-to-order-worker.js'

export type PostTickToOrderJob = Omit<TickToOrderJob, 'market' | 'venue'> & {
  /** feed: to the strategy, then to the venue; strategy: from the feed, to the venue; venue: from the feed, from the strategy. */
  ports: MessagePort[]
}

type PostedTick = TickQuote & { tsNs: number }

const job = workerData as PostTickToOrderJob
const post = (message: unknown): void => parentPort!.postMessage(message)

function feed(): void {
  const [toStrategy, toVenue] = job.ports as [MessagePort, MessagePort]
  const q: TickQuote = { bidTicks: 0, bidLots: 0, askTicks: 0, askLots: 0 }
  post('ready')
  StartLine.wait(job.go)
  const startMs = performance.now()
  const total = job.warmUpTicks + job.ticks
  for (let k = 0; k < total; k++) {
    sleepMs(job.intervalMs)
    quoteOfTick(k, q)
    const tick: PostedTick = { ...q, tsNs: monotonicClock.nowNs() }
    toVenue.postMessage(tick)
    toStrategy.postMessage(tick)
  }
  toVenue.postMessage(null)
  toStrategy.postMessage(null)
  const result: FeedResult = { role: 'feed', startMs, ticks: total }
  post(result)
}

function strategy(): void {
  const [fromFeed, toVenue] = job.ports as [MessagePort, MessagePort]
  const executor = createExecutor()
  const stage = new StrategyStage(executor.createRouter({ adverseTicksPerMs: ADVERSE_TICKS_PER_MS }), (o: FastPathOrder) => {
    toVenue.postMessage(o)
    return true
  })
  fromFeed.on('message', (tick: PostedTick | null) => {
    if (tick !== null) {
      stage.onTick(tick, tick.tsNs)
      return
    }
    toVenue.postMessage(null)
    const t = stage.trader
    const result: StrategyResult = { role: 'strategy', routerKind: executor.kind, ticks: stage.ticks, ticksWithOrders: stage.ticksWithOrders, sent: t.sent, misses: { ...t.misses } }
    post(result)
    fromFeed.close()
  })
  post('ready')
}

function venue(): void {
  const [fromFeed, fromStrategy] = job.ports as [MessagePort, MessagePort]
  const stage = new VenueStage(job.ticks * VENUES, job.warmUpTicks)
  const ticks: PostedTick[] = []
  let applied = 0
  const held: FastPathOrder[] = []
  let ordersEnded = false
  const latestTickTsNs = (): number => (ticks.length > 0 ? ticks[ticks.length - 1]!.tsNs : -Infinity)
  const match = (o: FastPathOrder): void => {
    for (; applied < ticks.length && ticks[applied]!.tsNs <= o.tickTsNs; applied++) stage.applyTick(ticks[applied]!, ticks[applied]!.tsNs)
    stage.submit(o)
  }
  const finishIfDone = (): void => {
    if (!ordersEnded || held.length > 0) return
    const { orders, acknowledged, filled, ticks: orderTicks, lastAckMs } = stage
    const result: VenueResult = { role: 'venue', orders, acknowledged, filled, ticks: orderTicks, lastAckMs, timedFromMs: stage.timedFromMs, samplesNs: stage.samplesNs() }
    post(result)
    fromFeed.close()
    fromStrategy.close()
  }
  fromFeed.on('message', (tick: PostedTick | null) => {
    if (tick === null) return
    ticks.push(tick)
    while (held.length > 0 && held[0]!.tickTsNs <= tick.tsNs) match(held.shift()!)
    finishIfDone()
  })
  fromStrategy.on('message', (o: FastPathOrder | null) => {
    if (o === null) ordersEnded = true
    else if (held.length === 0 && o.tickTsNs <= latestTickTsNs()) match(o)
    else held.push(o)
    finishIfDone()
  })
  post('ready')
}

if (job.role === 'feed') feed()
else if (job.role === 'strategy') strategy()
else venue()
