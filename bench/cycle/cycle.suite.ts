/**
 * The cycle suite: what the step barrier costs, per full cycle of steps 2–9,
 * over the engine's eleven agents doing no work.
 *
 * ```
 *   main thread ──(cycle, step, generation) in a control SAB──▶ 11 agent threads
 *               ◀──ack + arrivals word, Atomics.waitAsync──────┘
 *   versus the same steps as comlink RPC calls, awaited per step.
 * ```
 *
 * Rows: `waves barrier` and `comlink barrier` (p50/p99/p99.9 µs per full
 * cycle, cycles back to back; the median of `--runs` runs taken in turns), and `waves sustained`: the smallest interval
 * whose cycles ran for the whole window with no overrun, as cycles/s.
 */
import { Worker } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { DEFAULT_AGENTS, type AgentRegistration } from '../../src/agents/registry.js'
import { Coordinator, type CoordinatorSettings } from '../../src/cycle/coordinator.js'
import { createDataPlane } from '../../src/cycle/data-plane.js'
import { CYCLE_STEPS } from '../../src/cycle/steps.js'
import { createBoards } from '../../src/boards/index.js'
import { comlinkEndpoint } from '../../src/runtime/comlink-endpoint.js'
import { compiledModuleUrl } from '../../src/runtime/package-root.js'
import { rootLogger } from '../../src/log/logger.js'
import { quietBackground } from '../../src/runtime/quiet-background.js'
import { failIfNot, latencyPercentiles, median, ratio, round, wants, type BenchDocument, type BenchOptions, type BenchRow } from '../harness/report.js'

const NOOP: AgentRegistration[] = DEFAULT_AGENTS.map((r) => ({ ...r, module: 'bench/cycle/noop-agent' }))

function settings(intervalMs: number): CoordinatorSettings {
  return {
    intervalMs,
    initDeadlineMs: 10_000,
    stepDeadlineMs: () => 1_000,
    backoff: { initialMs: 100, maxMs: 1_000, jitter: 0.2 },
    breaker: { maxCrashes: 3, windowMs: 60_000 },
    snapshotEveryMs: Infinity,
    agentConfig: () => ({ section: {}, engine: {} }),
  }
}

const noCompute = { run: () => Promise.reject(new Error('no compute pool in this bench')) }

async function runCoordinator(intervalMs: number, until: (c: Coordinator) => boolean): Promise<Coordinator> {
  // As the engine does when it starts, with its defaults.
  quietBackground({ idleBackgroundThreads: true, memoryReducer: false })
  const coordinator = new Coordinator(NOOP, createDataPlane(createBoards(), 0), noCompute, settings(intervalMs))
  await coordinator.start()
  while (!until(coordinator)) await new Promise((resolve) => setTimeout(resolve, 20))
  await coordinator.stop()
  return coordinator
}

/**
 * Cycles back to back (an interval of 1 µs, which every cycle overruns), each one's
 * duration recorded after `warmup` cycles: JIT tiering and start-up GC of
 * twelve isolates are not the steady state.
 */
async function wavesBarrier(warmup: number, cycles: number): Promise<number[]> {
  const durationsNs: number[] = []
  let warm = false
  // Counted when the target is reached, before stopping: stopping aborts the cycle in flight, which counts as failed.
  let failedCycles = -1
  // Back to back, every cycle overruns by design: its coordinator logs errors only, not a warning a second.
  const level = rootLogger.level
  rootLogger.level = 'error'
  const coordinator = await runCoordinator(0.001, (c) => {
    if (!warm && c.metrics.totalCycles >= warmup) {
      c.metrics.resetLatencies()
      warm = true
    }
    const done = c.metrics.totalCycles >= warmup + cycles
    if (done) failedCycles = c.metrics.failedCycles
    return done
  })
  rootLogger.level = level
  const m = coordinator.metrics
  failIfNot(failedCycles === 0, `waves barrier: ${failedCycles} failed cycles`)
  // The warm-up's end is seen between polls of the event loop: a loop that did not turn for the whole run would leave nothing measured.
  failIfNot(m.cycle.count >= cycles / 2, `waves barrier: ${m.cycle.count} cycles measured of ${cycles}`)
  // The coordinator keeps cycle durations in its own HDR histogram; read them back as percentiles.
  for (const q of [50, 99, 99.9]) durationsNs.push(m.cycle.percentileMs(q) * 1e6)
  return durationsNs
}

async function comlinkBarrier(warmup: number, cycles: number): Promise<Float64Array> {
  const workers = NOOP.map(() => new Worker(compiledModuleUrl('bench/cycle/comlink-agent-worker')))
  const remotes = workers.map((w) => Comlink.wrap<{ step(cycle: number, step: number): number }>(comlinkEndpoint(w)))
  const participants = CYCLE_STEPS.map((step) => NOOP.flatMap((r, i) => (r.steps.includes(step) ? [i] : [])))
  const expectedPerAgent = NOOP.map((r) => r.steps.filter((s) => CYCLE_STEPS.includes(s)).length * (cycles + warmup))
  const durationsNs = new Float64Array(cycles)
  let last: number[] = []
  for (let cycle = -warmup; cycle < cycles; cycle++) {
    const start = performance.now()
    for (let s = 0; s < CYCLE_STEPS.length; s++) {
      last = await Promise.all(participants[s]!.map((i) => remotes[i]!.step(cycle, CYCLE_STEPS[s]!)))
    }
    if (cycle >= 0) durationsNs[cycle] = (performance.now() - start) * 1e6
  }
  const counts = await Promise.all(remotes.map((r) => r.step(-1, 0)))
  failIfNot(
    counts.every((c, i) => c === expectedPerAgent[i]! + 1) && last.length > 0,
    'comlink barrier: an agent did not run every step',
  )
  await Promise.all(workers.map((w) => w.terminate()))
  return durationsNs
}

/**
 * The smallest interval, from 10 ms up, whose cycles all finished in time for
 * the whole window, after a warm-up (start-up and JIT are not the steady
 * state the figure is about).
 */
async function sustained(windowMs: number, warmup: number): Promise<{ intervalMs: number; cycles: number }> {
  for (const intervalMs of [10, 12, 15, 20, 25, 30, 40, 50]) {
    let windowStartMs = Infinity
    let baseline = 0
    let counted = 0
    let cause = ''
    await runCoordinator(intervalMs, (c) => {
      if (windowStartMs === Infinity) {
        // Overruns while warming up are not the steady state: the window starts after them.
        if (c.metrics.totalCycles < warmup) return false
        windowStartMs = performance.now()
        baseline = c.metrics.overruns
      }
      counted = c.metrics.totalCycles - warmup
      return c.metrics.overruns > baseline || performance.now() - windowStartMs >= windowMs
    }).then((c) => {
      if (c.metrics.overruns > baseline) counted = -1
      cause = JSON.stringify(c.metrics.lastOverrun)
    })
    if (counted >= 0) return { intervalMs, cycles: counted }
    process.stderr.write(`cycle: ${intervalMs} ms overran within the window (${cause}); trying longer\n`)
  }
  return { intervalMs: Infinity, cycles: 0 }
}

export async function cycleSuite(options: BenchOptions): Promise<BenchDocument> {
  const cycles = options.quick ? 300 : 5000
  const warmup = options.quick ? 300 : 4000
  const rows: BenchRow[] = []
  const p99 = new Map<string, number>()
  // Each barrier `runs` times, in turns (waves, comlink, waves, …), each row the median run of its
  // contender at each percentile: a change in the machine during the suite falls on both.
  const runs: Record<'waves' | 'comlink', number[][]> = { waves: [], comlink: [] }
  for (let r = 0; r < options.runs; r++) {
    if (wants(options, 'waves barrier')) runs.waves.push((await wavesBarrier(warmup, cycles)).map((ns) => ns / 1000))
    if (wants(options, 'comlink barrier')) {
      const percentiles = latencyPercentiles(await comlinkBarrier(warmup, cycles))
      runs.comlink.push([percentiles.p50us!, percentiles.p99us!, percentiles.p999us!])
    }
  }
  for (const contender of ['waves', 'comlink'] as const) {
    if (runs[contender].length === 0) continue
    const [p50us, p99us, p999us] = [0, 1, 2].map((q) => round(median(runs[contender].map((run) => run[q]!))))
    rows.push({ name: `${contender} barrier`, msgsPerSec: null, p50us: p50us!, p99us: p99us!, p999us: p999us! })
    p99.set(contender, p99us!)
    process.stderr.write(`cycle: ${contender} barrier p50/p99 µs by run: ${runs[contender].map((run) => `${round(run[0]!, 0)}/${round(run[1]!, 0)}`).join(', ')}\n`)
  }
  if (wants(options, 'waves sustained')) {
    const result = await sustained(options.quick ? 5_000 : 60_000, options.quick ? 300 : 2_000)
    rows.push({ name: `waves sustained`, msgsPerSec: Number.isFinite(result.intervalMs) ? 1000 / result.intervalMs : 0, p50us: null, p99us: null, p999us: null })
    process.stderr.write(`cycle: sustained ${result.intervalMs} ms for ${result.cycles} cycles with no overrun\n`)
  }
  const ratios: Record<string, number> = {}
  const barrierRatio = ratio(p99.get('comlink'), p99.get('waves'))
  if (barrierRatio !== undefined) ratios['comlink/waves barrier p99'] = barrierRatio
  const p50s = new Map(rows.map((r) => [r.name, r.p50us ?? undefined]))
  const p50Ratio = ratio(p50s.get('comlink barrier'), p50s.get('waves barrier'))
  if (p50Ratio !== undefined) ratios['comlink/waves barrier p50'] = p50Ratio
  return { suite: 'cycle', rows, ratios }
}
