/**
 * The `waves tick-to-order` row: the fast path end to end, three threads.
 *
 * ```
 *   feed worker ── Quote, ts_ns = clock at publish ──[ market ring, 2 consumers ]──┬──▶ strategy worker
 *     one tick every ~80 µs (paced: latency, not throughput)                       │     VenueBooks (4 venues × 20 levels + the touch)
 *                                                                                  │     MeanReversion → PreTradeCheck → native Router
 *                                                                                  │     each child: Order, ts_ns = the tick's ──┐
 *                                                                                  │                                              ▼
 *                                                                                  │                          [ venue ring, uniform Order ]
 *                                                                                  │                                              │
 *                                                                                  └──▶ venue worker: books up to the order's tick ◀┘
 *                                                                                        MatchingEngine.submit → Acknowledged:
 *                                                                                        tick-to-order = clock now − order ts_ns
 *   postMessage tick-to-order: the same threads and stages, ticks and orders as posted objects
 * ```
 *
 * The market (see tick-to-order-market.ts): one instrument quoted alike on
 * four venues, the touch swinging 21 ticks each tick, mean reversion with
 * alpha 0.2, entryZ 0.5, warm-up 8, 12 lots, so that every tick after the
 * warm-up is an order of two or more children; pre-trade limits loose
 * enough that none refuses. A sample is taken when `submit` returns with the
 * Acknowledged report first, so it includes the venue's matching of the IOC.
 *
 * Each run starts new workers and first sends 5 000 ticks through the same
 * rings and stages untimed (cold code, first collections). The feed sleeps
 * 20 µs before each tick, which the kernel's timer slack makes about 80 µs:
 * strategy and venue are idle, often parked, when a tick lands, as between
 * real ticks. Each sim venue keeps its last 128 finished orders answerable
 * (see `FINISHED_ORDERS_KEPT`). Strategy and venue threads, in both
 * contenders, get the capped young generation the engine gives its agents
 * on this path (see low-pause-heap.ts).
 *
 * msgs/s is orders acknowledged per second of the run (set by the pacing);
 * percentiles come from every timed order of every run (the contenders run
 * in turns), through the HDR histogram. `waves tick-to-order sent` splits the waves row: the same
 * orders timed by the strategy thread as each is published on the venue
 * ring, before the venue hop and the sim venue's matching.
 * `waves tick-to-order sparse` sends its timed ticks 10 ms apart, as a
 * feed that ticks once a 10 ms cycle does (the engine's synthetic one):
 * strategy and venue stay parked that long between ticks, and wake and run
 * cold. `waves tick-to-order sparse kept warm` is the same with both
 * threads parked at most 1 ms and the strategy rehearsing its routing at
 * each wake, as `strategy_engine.keepWarmMs` keeps the engine's.
 * The run fails unless every tick reached the strategy, every order the
 * strategy sent reached the venue and was acknowledged, the ticks that
 * produced orders are the ticks the venue saw orders from, nothing was
 * refused, and every order filled in full (the two views of the books agree).
 */
import { MessageChannel, type ResourceLimits } from 'node:worker_threads'
import { lowPauseHeap } from '../../src/runtime/low-pause-heap.js'
import { quietBackground } from '../../src/runtime/quiet-background.js'
import { RingBuffer } from '../../src/ring/index.js'
import { MessageType, Order, Quote } from '../../src/schemas/index.js'
import { failIfNot, latencyPercentiles, median, ratio, wants, type BenchOptions, type BenchRow } from '../harness/report.js'
import { StartLine, startBenchWorker, type BenchWorker } from '../harness/worker-run.js'
import { STRATEGY_SETTINGS } from './tick-to-order-market.js'
import type { FeedResult, StrategyResult, TickToOrderJob, VenueResult } from './tick-to-order-worker.js'

const WORKER = 'bench/execution/tick-to-order-worker'
const POST_WORKER = 'bench/execution/post-message-tick-to-order-worker'
export const WAVES_ROW = 'waves tick-to-order'
export const POST_ROW = 'postMessage tick-to-order'
/** The engine's part of the waves row: from the tick to the order published on the venue ring, by the strategy thread. */
export const SENT_ROW = 'waves tick-to-order sent'
/** The waves row with its timed ticks 10 ms apart, as from a feed that ticks once a 10 ms cycle: strategy and venue parked until woken. */
export const SPARSE_ROW = 'waves tick-to-order sparse'
/** The same, the two threads kept warm as `strategy_engine.keepWarmMs` keeps the engine's (parked at most 1 ms, the strategy rehearsing). */
export const SPARSE_WARM_ROW = 'waves tick-to-order sparse kept warm'
const SPARSE_INTERVAL_MS = 10
const KEEP_WARM_MS = 1
/** What the feed asks to sleep before each tick; it wakes later (see the header). */
const TICK_INTERVAL_MS = 0.02
const WARM_UP_TICKS = 5_000
/** Room for every tick that brings no order (the warm-up) before the venue drains the market ring. */
const MARKET_RING_SLOTS = 4_096
/** A venue thread paused by a collection must not make the strategy drop orders: send fails on a full ring. */
const VENUE_RING_SLOTS = 16_384

type Contender = 'waves' | 'postMessage'

interface TickToOrderRun {
  ordersPerSec: number
  samplesNs: Float64Array
  /** Tick to order on the venue ring (rings only). */
  sentNs: Float64Array | undefined
}

/** Strategy and venue run with the heap the engine gives the agents on this path; the feed with the default. */
function heapOf(role: 'venue' | 'strategy' | 'feed'): ResourceLimits | undefined {
  return role === 'feed' ? undefined : lowPauseHeap()
}

/** How the timed ticks of a sparse row come, and how its threads wait. */
type Sparse = Pick<TickToOrderJob, 'timedIntervalMs' | 'keepWarmMs'>

function startRing(ticks: number, go: SharedArrayBuffer, sparse: Sparse = {}): Array<BenchWorker<FeedResult | StrategyResult | VenueResult>> {
  const market = RingBuffer.create({ capacity: MARKET_RING_SLOTS, maxPayloadBytes: Quote.sizeOf(), uniformType: MessageType.Quote, consumers: 2 })
  const venue = RingBuffer.create({ capacity: VENUE_RING_SLOTS, maxPayloadBytes: Order.sizeOf(), uniformType: MessageType.Order })
  const base: Omit<TickToOrderJob, 'role'> = { market: market.sab, venue: venue.sab, go, ticks, intervalMs: TICK_INTERVAL_MS, warmUpTicks: WARM_UP_TICKS, ...sparse }
  // Consumers first: they are waiting on their rings before the feed can publish.
  return (['venue', 'strategy', 'feed'] as const).map((role) => startBenchWorker(WORKER, { ...base, role }, [], heapOf(role)))
}

function startPosted(ticks: number, go: SharedArrayBuffer): Array<BenchWorker<FeedResult | StrategyResult | VenueResult>> {
  const feedToStrategy = new MessageChannel()
  const feedToVenue = new MessageChannel()
  const strategyToVenue = new MessageChannel()
  const base = { go, ticks, intervalMs: TICK_INTERVAL_MS, warmUpTicks: WARM_UP_TICKS }
  const ports = {
    venue: [feedToVenue.port2, strategyToVenue.port2],
    strategy: [feedToStrategy.port2, strategyToVenue.port1],
    feed: [feedToStrategy.port1, feedToVenue.port1],
  }
  return (['venue', 'strategy', 'feed'] as const).map((role) => startBenchWorker(POST_WORKER, { ...base, role, ports: ports[role] }, ports[role], heapOf(role)))
}

async function tickToOrderRun(contender: Contender, ticks: number, name: string, sparse?: Sparse): Promise<TickToOrderRun> {
  const start = new StartLine()
  const workers = contender === 'waves' ? startRing(ticks, start.sab, sparse) : startPosted(ticks, start.sab)
  await Promise.all(workers.map((w) => w.ready))
  start.go()
  const results = await Promise.all(workers.map((w) => w.result))
  await Promise.all(workers.map((w) => w.worker.terminate()))
  const [venue, strategy, feed] = results as [VenueResult, StrategyResult, FeedResult]
  failIfNot(strategy.routerKind === 'native', `${name}: the strategy thread routed with the ${strategy.routerKind} router, not the addon`)
  const total = WARM_UP_TICKS + ticks
  failIfNot(feed.ticks === total, `${name}: the feed published ${feed.ticks} of ${total} ticks (the market ring filled)`)
  failIfNot(strategy.ticks === feed.ticks, `${name}: the strategy saw ${strategy.ticks} of ${feed.ticks} ticks`)
  failIfNot(Object.keys(strategy.misses).length === 0, `${name}: the fast path missed ${JSON.stringify(strategy.misses)}`)
  failIfNot(strategy.ticksWithOrders >= total - STRATEGY_SETTINGS.warmup, `${name}: only ${strategy.ticksWithOrders} of ${total} ticks produced orders`)
  failIfNot(strategy.sent >= 2 * strategy.ticksWithOrders, `${name}: ${strategy.sent} orders from ${strategy.ticksWithOrders} ticks, not split across venues`)
  failIfNot(venue.orders === strategy.sent, `${name}: the venue received ${venue.orders} of ${strategy.sent} orders`)
  failIfNot(venue.ticks === strategy.ticksWithOrders, `${name}: orders from ${venue.ticks} ticks reached the venue, ${strategy.ticksWithOrders} ticks produced orders`)
  failIfNot(venue.acknowledged === venue.orders, `${name}: the venue acknowledged ${venue.acknowledged} of ${venue.orders} orders`)
  failIfNot(venue.filled === venue.acknowledged, `${name}: ${venue.filled} of ${venue.acknowledged} orders filled in full: the venue's books and the strategy's differ`)
  failIfNot(venue.samplesNs.length >= 2 * ticks && venue.samplesNs.length < venue.acknowledged, `${name}: ${venue.samplesNs.length} orders timed of ${venue.acknowledged} acknowledged, for ${ticks} timed ticks`)
  failIfNot(strategy.sentNs === undefined || strategy.sentNs.length === venue.samplesNs.length, `${name}: ${strategy.sentNs?.length} orders timed as sent, ${venue.samplesNs.length} as acknowledged`)
  return { ordersPerSec: venue.samplesNs.length / ((venue.lastAckMs - venue.timedFromMs) / 1000), samplesNs: venue.samplesNs, sentNs: strategy.sentNs }
}

function concat(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.length
  }
  return all
}

/** The tick-to-order rows wanted in this run, and their ratios. */
export async function tickToOrderRows(options: BenchOptions): Promise<{ rows: BenchRow[]; ratios: Record<string, number> }> {
  const ticks = options.quick ? 4_000 : 40_000
  // As the engine does when it starts, with its defaults, for both contenders' threads.
  quietBackground({ idleBackgroundThreads: true, memoryReducer: false })
  const rows: BenchRow[] = []
  const p50 = new Map<string, number>()
  const p99 = new Map<string, number>()
  const sparseTicks = options.quick ? 150 : 600
  const contenders = (
    [
      [WAVES_ROW, 'waves', ticks, undefined],
      [POST_ROW, 'postMessage', ticks, undefined],
      [SPARSE_ROW, 'waves', sparseTicks, { timedIntervalMs: SPARSE_INTERVAL_MS }],
      [SPARSE_WARM_ROW, 'waves', sparseTicks, { timedIntervalMs: SPARSE_INTERVAL_MS, keepWarmMs: KEEP_WARM_MS }],
    ] as const
  ).filter(([name]) => wants(options, name))
  // In turns, so that a change in the machine during the suite falls on both.
  const runsOf = new Map<string, TickToOrderRun[]>(contenders.map(([name]) => [name, []]))
  for (let r = 0; r < options.runs; r++) {
    for (const [name, contender, n, sparse] of contenders) runsOf.get(name)!.push(await tickToOrderRun(contender, n, name, sparse))
  }
  for (const [name] of contenders) {
    const runs = runsOf.get(name)!
    const percentiles = latencyPercentiles(concat(runs.map((r) => r.samplesNs)))
    p50.set(name, percentiles.p50us!)
    p99.set(name, percentiles.p99us!)
    rows.push({ name, msgsPerSec: Math.round(median(runs.map((r) => r.ordersPerSec))), ...percentiles })
    const sent = runs.flatMap((r) => (r.sentNs === undefined ? [] : [r.sentNs]))
    if (name === WAVES_ROW && sent.length > 0) rows.push({ name: SENT_ROW, msgsPerSec: null, ...latencyPercentiles(concat(sent)) })
  }
  const ratios: Record<string, number> = {}
  const candidates: Record<string, number | undefined> = {
    [`${POST_ROW}/${WAVES_ROW} p50`]: ratio(p50.get(POST_ROW), p50.get(WAVES_ROW)),
    [`${POST_ROW}/${WAVES_ROW} p99`]: ratio(p99.get(POST_ROW), p99.get(WAVES_ROW)),
    [`${SPARSE_ROW}/${SPARSE_WARM_ROW} p50`]: ratio(p50.get(SPARSE_ROW), p50.get(SPARSE_WARM_ROW)),
    [`${SPARSE_ROW}/${SPARSE_WARM_ROW} p99`]: ratio(p99.get(SPARSE_ROW), p99.get(SPARSE_WARM_ROW)),
  }
  for (const [k, v] of Object.entries(candidates)) if (v !== undefined) ratios[k] = v
  return { rows, ratios }
}
