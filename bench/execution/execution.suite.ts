/**
 * The execution suite: one routing decision, in the Rust addon and in its
 * TypeScript fallback, on one thread.
 *
 * ```
 *   route ticket: parent order + 8 venues × 50 levels, one Float64Array
 *        │ one call
 *        ├──▶ waves router native ── N-API ──▶ Rust router (k-way merge) ──▶ plan in the ticket
 *        └──▶ fallback router ────────────────▶ TS Router (same algorithm) ─▶ plan in the ticket
 * ```
 *
 * Rows: `waves router native` and `fallback router` (decisions/s, median of
 * three runs per `--runs`, taken in turns, and p50/p99/p99.9 µs per
 * decision, each timed alone);
 * `waves addon call` (the cost of one trivial call across the boundary,
 * `addonVersion()`, a function with no arguments returning a short string:
 * calls/s, and per-call percentiles of 1 000-call batches, since one call
 * is below the clock's resolution).
 * Both routers must write the same plans bit for bit, or the run fails.
 * `waves tick-to-order` and its postMessage baseline: tick-to-order.ts;
 * the same span inside the whole running engine, `waves engine
 * tick-to-order`: engine-tick-to-order.ts.
 */
import { createExecutor, fallbackFunctions, findAddonFile, findPackageRoot, requireAddon, type Router } from '../../src/native/index.js'
import { monotonicClock } from '../../src/clock/clock.js'
import { failIfNot, median, ratio, round, wants, type BenchDocument, type BenchOptions, type BenchRow } from '../harness/report.js'
import { ADVERSE_TICKS_PER_MS, routerDecisions, type RouterDecision } from './router-decisions.js'
import { engineTickToOrderRows } from './engine-tick-to-order.js'
import { tickToOrderRows } from './tick-to-order.js'

const DISTINCT_DECISIONS = 256
const ADDON_CALL_BATCH = 1_000

/**
 * Exact percentiles of samples in nanoseconds, in microseconds. The shared
 * latency histogram floors at 1 µs, and a native decision is about that
 * size, so these rows sort their samples instead.
 */
function percentilesUs(samplesNs: Float64Array): Pick<BenchRow, 'p50us' | 'p99us' | 'p999us'> {
  const sorted = samplesNs.slice().sort()
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))]! / 1000)
  return { p50us: at(50), p99us: at(99), p999us: at(99.9) }
}

/** Both contenders must write the same plan for every decision, bit for bit. */
function checkAgreement(native: Router, fallback: Router, decisions: RouterDecision[]): void {
  decisions.forEach((d, i) => {
    const children = native.route(d)
    const a = new BigUint64Array(d.plan.slice().buffer)
    d.plan.fill(0)
    failIfNot(children === fallback.route(d), `decision ${i}: the child counts differ`)
    failIfNot(children > 0 && d.plan[0]! > 0, `decision ${i}: nothing routed`)
    const b = new BigUint64Array(d.plan.slice().buffer)
    for (let k = 0; k < 3 + 5 * children; k++) failIfNot(a[k] === b[k], `decision ${i}: plans differ at plan[${k}]`)
  })
}

/** Decisions per second over `count` decisions; the filled lots summed as a check. */
function throughput(router: Router, decisions: RouterDecision[], count: number): { perSec: number; filledLots: number } {
  let filledLots = 0
  const startNs = monotonicClock.nowNs()
  for (let i = 0; i < count; i++) {
    const d = decisions[i % decisions.length]!
    router.route(d)
    filledLots += d.plan[0]!
  }
  return { perSec: count / ((monotonicClock.nowNs() - startNs) / 1e9), filledLots }
}

/** The lots `count` decisions fill, going round the decisions from the first as `throughput` does. */
function lotsFilledOver(filledPerDecision: readonly number[], count: number): number {
  const laps = Math.floor(count / filledPerDecision.length)
  const rest = count % filledPerDecision.length
  return filledPerDecision.reduce((sum, lots, i) => sum + lots * (laps + (i < rest ? 1 : 0)), 0)
}

function latencies(router: Router, decisions: RouterDecision[], count: number): Float64Array {
  const samplesNs = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const d = decisions[i % decisions.length]!
    const startNs = monotonicClock.nowNs()
    router.route(d)
    samplesNs[i] = monotonicClock.nowNs() - startNs
  }
  return samplesNs
}

function addonCallRow(options: BenchOptions): BenchRow {
  const root = findPackageRoot()
  const path = root === undefined ? undefined : findAddonFile(root)
  failIfNot(path !== undefined, 'the addon is not built: npm run build:native')
  const addon = requireAddon(path)
  const version = addon.addonVersion()
  const batches = options.quick ? 500 : 5_000
  const perCallNs = new Float64Array(batches)
  let same = 0
  for (let b = 0; b < batches; b++) {
    const startNs = monotonicClock.nowNs()
    for (let i = 0; i < ADDON_CALL_BATCH; i++) if (addon.addonVersion() === version) same++
    perCallNs[b] = (monotonicClock.nowNs() - startNs) / ADDON_CALL_BATCH
  }
  failIfNot(same === batches * ADDON_CALL_BATCH, `addon call: ${same} of ${batches * ADDON_CALL_BATCH} calls answered ${version}`)
  const totalNs = perCallNs.reduce((a, b) => a + b, 0) * ADDON_CALL_BATCH
  return { name: 'waves addon call', msgsPerSec: Math.round((batches * ADDON_CALL_BATCH) / (totalNs / 1e9)), ...percentilesUs(perCallNs) }
}

export async function executionSuite(options: BenchOptions): Promise<BenchDocument> {
  const executor = createExecutor()
  failIfNot(executor.kind === 'native', `the addon did not load: ${executor.kind === 'fallback' ? executor.reason : ''}`)
  const contenders: Array<[string, Router]> = [
    ['waves router native', executor.createRouter({ adverseTicksPerMs: ADVERSE_TICKS_PER_MS })],
    ['fallback router', fallbackFunctions.createRouter({ adverseTicksPerMs: ADVERSE_TICKS_PER_MS })],
  ]
  const decisions = routerDecisions(DISTINCT_DECISIONS)
  checkAgreement(contenders[0]![1], contenders[1]![1], decisions)

  // Decisions per run: the twin takes ~4× as long per decision, so it runs
  // a quarter as many, and each run of either lasts about as long.
  const counts = new Map([
    ['waves router native', options.quick ? 20_000 : 200_000],
    ['fallback router', options.quick ? 5_000 : 50_000],
  ])
  const samples = options.quick ? 5_000 : 100_000
  // What each decision fills, from a plain pass over the same decisions: a run's filled lots must add up to it.
  const filledPerDecision = decisions.map((d) => {
    contenders[1]![1].route(d)
    return d.plan[0]!
  })
  const expectedLots = (count: number): number => lotsFilledOver(filledPerDecision, count)
  const rows: BenchRow[] = []
  const rate = new Map<string, number>()
  const p50 = new Map<string, number>()
  const wanted = contenders.filter(([name]) => wants(options, name))
  // Warm-up: the fallback's JIT tiers and the addon's first calls are not the steady state.
  for (const [, router] of wanted) throughput(router, decisions, 20_000)
  // Three runs of each per `--runs`, in turns, so a change in the
  // machine's speed during the suite (this one's changes within minutes)
  // reaches both contenders alike rather than one of them.
  const runs = new Map<string, number[]>(wanted.map(([name]) => [name, []]))
  for (let r = 0; r < 3 * options.runs; r++) {
    for (const [name, router] of wanted) {
      const count = counts.get(name)!
      const run = throughput(router, decisions, count)
      failIfNot(run.filledLots === expectedLots(count), `${name}: filled ${run.filledLots} lots, expected ${expectedLots(count)}`)
      runs.get(name)!.push(run.perSec)
    }
  }
  for (const [name, router] of wanted) {
    const percentiles = percentilesUs(latencies(router, decisions, samples))
    rate.set(name, median(runs.get(name)!))
    p50.set(name, percentiles.p50us!)
    rows.push({ name, msgsPerSec: Math.round(median(runs.get(name)!)), ...percentiles })
  }

  if (wants(options, 'waves addon call')) rows.push(addonCallRow(options))

  // waves tick-to-order: the fast path end to end over three threads, with
  // the same path over postMessage beside it (see tick-to-order.ts).
  const tickToOrder = await tickToOrderRows(options)
  rows.push(...tickToOrder.rows)
  // The same span inside the running engine, its cycle sharing the cores (see engine-tick-to-order.ts).
  const engine = await engineTickToOrderRows(options, tickToOrder.rows)
  rows.push(...engine.rows)

  const candidates: Record<string, number | undefined> = {
    'waves router native/fallback decisions': ratio(rate.get('waves router native'), rate.get('fallback router')),
    'fallback/waves router native p50': ratio(p50.get('fallback router'), p50.get('waves router native')),
  }
  const ratios: Record<string, number> = {}
  for (const [k, v] of Object.entries(candidates)) if (v !== undefined) ratios[k] = v
  Object.assign(ratios, tickToOrder.ratios, engine.ratios)
  return { suite: 'execution', rows, ratios }
}
