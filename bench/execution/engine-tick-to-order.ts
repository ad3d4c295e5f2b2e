/**
 * The `waves engine tick-to-order` rows: the span `waves tick-to-order`
 * measures, timed inside the whole engine as it runs.
 *
 * ```
 *   TradingEngineCycle, embedded default, 10 ms cycles, strategy_engine.fastPath
 *     data_feeds (synthetic market, each sense step) ──[ market ring ]──▶ strategy_engine (fast path)
 *     ──[ fast ring ]──▶ adapters (sim venues, no modeled latency) ──▶ first answer on the fill ring
 *   all eleven agents in their threads, the cycle running its nine steps meanwhile
 * ```
 *
 * `waves tick-to-order` gives the path three threads of its own on an idle
 * machine; here it shares the two cores with the cycle's other eight
 * agents and the coordinator, and its quotes come in the sense step, when
 * the cycle is busiest. Percentiles come from the engine's own HDR
 * histograms (adapters `tickToAckHistogram`, strategy_engine
 * `tickToOrderHistogram`), taken after a warm-up and again at the end, so
 * the rows hold only what the window recorded. The sim venues answer at
 * once (`adapters.simOrderLatencyUs` 0), as the bench's venue does, so the
 * span is the engine's, not a modeled network's. msgs/s is orders
 * answered per second of the window.
 */
import { TradingEngineCycle } from '../../src/cycle/trading-engine-cycle.js'
import { timerSleep } from '../../src/feeds/replay-pacer.js'
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js'
import { failIfNot, ratio, round, wants, type BenchOptions, type BenchRow } from '../harness/report.js'
import { SENT_ROW, WAVES_ROW } from './tick-to-order.js'

export const ENGINE_ROW = 'waves engine tick-to-order'
export const ENGINE_SENT_ROW = 'waves engine tick-to-order sent'
const CYCLE_INTERVAL_MS = 10
/** Orders a window must hold for its percentiles to mean anything. */
const MIN_ORDERS = 100

interface FastPathHistograms {
  /** Tick to the venue's first answer (adapters). */
  ack: LatencyHistogram
  /** Tick to the order on the fast ring (strategy_engine), read before the answers. */
  sent: LatencyHistogram
  /** Orders the strategy sent while the answers were read: they may count on one side only. */
  sentMeanwhile: number
}

/**
 * Both agents' histograms, one after the other: the strategy's, the
 * adapters', then the strategy's again to learn how many orders went out
 * in between.
 */
async function histograms(engine: TradingEngineCycle): Promise<FastPathHistograms> {
  const sentNow = async (): Promise<LatencyHistogram> => {
    const sent = ((await engine.agentHealth('strategy_engine')).detail as { tickToOrderHistogram?: string } | undefined)?.tickToOrderHistogram
    failIfNot(sent !== undefined, `${ENGINE_ROW}: the strategy's health has no tick-to-order histogram (fast path off?)`)
    return LatencyHistogram.decode(sent)
  }
  const sent = await sentNow()
  const ack = ((await engine.agentHealth('adapters')).detail as { tickToAckHistogram?: string } | undefined)?.tickToAckHistogram
  failIfNot(ack !== undefined, `${ENGINE_ROW}: the adapters' health has no tick-to-ack histogram`)
  const sentAfter = await sentNow()
  return { ack: LatencyHistogram.decode(ack), sent, sentMeanwhile: sentAfter.count - sent.count }
}

function row(name: string, window: LatencyHistogram, msgsPerSec: number | null): BenchRow {
  const s = window.summary()
  return { name, msgsPerSec, p50us: round(s.p50), p99us: round(s.p99), p999us: round(s.p999) }
}

/** The engine rows, and how they compare with the three-thread rows of the same run when those ran. */
export async function engineTickToOrderRows(options: BenchOptions, replica: readonly BenchRow[]): Promise<{ rows: BenchRow[]; ratios: Record<string, number> }> {
  if (!wants(options, ENGINE_ROW)) return { rows: [], ratios: {} }
  const warmUpMs = options.quick ? 3_000 : 10_000
  const windowMs = options.quick ? 10_000 : 60_000
  const engine = new TradingEngineCycle({
    cycle: { intervalMs: CYCLE_INTERVAL_MS },
    strategy_engine: { fastPath: true },
    adapters: { simOrderLatencyUs: 0 },
  })
  let before: FastPathHistograms
  let after: FastPathHistograms
  try {
    await engine.startCycle()
    await timerSleep(warmUpMs)
    before = await histograms(engine)
    await timerSleep(windowMs)
    after = await histograms(engine)
  } finally {
    await engine.stopCycle()
  }
  const ack = after.ack.since(before.ack)
  const sent = after.sent.since(before.sent)
  failIfNot(ack.count >= MIN_ORDERS, `${ENGINE_ROW}: ${ack.count} orders answered in ${windowMs / 1000} s, fewer than ${MIN_ORDERS}`)
  // The two agents' histograms are read one after the other at each end of
  // the window, so an order sent while they were read, or in flight then
  // (at most a cycle's quotes' children: one per instrument and venue), counts
  // on one side only. Beyond those, 1% would mean orders lost.
  const { instruments, venues } = engine.config.data_feeds
  const inDoubt = before.sentMeanwhile + after.sentMeanwhile + 2 * instruments.length * venues.length
  failIfNot(
    Math.abs(sent.count - ack.count) <= Math.max(0.01 * ack.count, inDoubt),
    `${ENGINE_ROW}: ${sent.count} orders sent, ${ack.count} answered (${inDoubt} could count on one side only)`,
  )
  const ackRow = row(ENGINE_ROW, ack, Math.round(ack.count / (windowMs / 1000)))
  const sentRow = row(ENGINE_SENT_ROW, sent, null)

  const ratios: Record<string, number> = {}
  for (const [engineRow, replicaName] of [[ackRow, WAVES_ROW], [sentRow, SENT_ROW]] as const) {
    const replicaRow = replica.find((r) => r.name === replicaName)
    for (const q of ['p50us', 'p99us'] as const) {
      const v = ratio(engineRow[q] ?? undefined, replicaRow?.[q] ?? undefined)
      if (v !== undefined) ratios[`${engineRow.name}/${replicaName} ${q.slice(0, 3)}`] = v
    }
  }
  return { rows: [ackRow, sentRow], ratios }
}
