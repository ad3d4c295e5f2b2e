import { readdirSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { childLogger, type Logger } from '../log/logger.js'
import { loadExecutor } from '../native/index.js'
import type { Executor } from '../native/index.js'

/**
 * Keeps the process's background work from stalling the cycle.
 *
 * On two cores with a dozen threads, what holds up a step is rarely the
 * step: it is an agent woken for it waiting in the run queue, for up to a
 * 4 ms scheduler tick, behind something that was already running. Measured
 * over 10 ms cycles of no-op agents, two things did that:
 * - V8's memory reducer: an agent doing little looks idle to it, so every
 *   few seconds it runs heap-shrinking full collections, in several agent
 *   threads at once, each pausing its thread 2–9 ms;
 * - Node's and V8's background threads (parallel scavenge and concurrent
 *   marking helpers, compiler threads): at normal priority they hold a core
 *   for 3–12 ms, and a woken agent waits behind them.
 * With both left as they are, 10 ms cycles overran every few seconds (p99
 * 4–6 ms); either remedy alone halved that; both together ran 60 s with no
 * overrun (p99 1.8 ms, max 6 ms).
 */
export interface BackgroundSettings {
  /** Move the process's threads other than the main thread, as found now, to the idle scheduling class. */
  readonly idleBackgroundThreads: boolean
  /** Keep V8's memory reducer in isolates created from now on (agent threads). */
  readonly memoryReducer: boolean
}

export interface QuietOutcome {
  /** Threads moved to the idle class by this call. */
  readonly idledThreads: number
  /** Why no thread was moved, when none could be. */
  readonly skipped?: string
}

let reducerOff = false
let threadsDone = false

/**
 * Applies `settings` to this process when its first engine starts, before
 * any agent or compute thread exists: the threads moved are Node's own (and
 * any the embedding program started before). Later engines in the same
 * process move none, since threads of an engine still running would be
 * among them. The reducer flag is process-wide: once off, it stays off.
 */
export function quietBackground(
  settings: BackgroundSettings,
  log: Pick<Logger, 'info' | 'warn'> = childLogger({ component: 'runtime' }),
  executor: Executor = loadExecutor(),
): QuietOutcome {
  if (!settings.memoryReducer && !reducerOff) {
    // Read by V8 when it sets up an isolate's heap: it holds for every worker started after this.
    setFlagsFromString('--no-memory-reducer')
    reducerOff = true
  }
  if (!settings.idleBackgroundThreads) return { idledThreads: 0, skipped: 'cycle.idleBackgroundThreads is false' }
  if (threadsDone) return { idledThreads: 0, skipped: 'done at the first engine start in this process' }
  threadsDone = true
  const idle = idleClassOf(executor)
  if (typeof idle === 'string') {
    log.warn({ reason: idle }, 'background threads keep their priority: an agent may wait behind them for a scheduler tick')
    return { idledThreads: 0, skipped: idle }
  }
  let threads: string[]
  try {
    threads = readdirSync('/proc/self/task')
  } catch (err) {
    // A /proc that hides tasks (some sandboxes) costs the engine its quiet, not its start.
    log.warn({ err }, 'background threads keep their priority: the thread list could not be read')
    return { idledThreads: 0, skipped: 'the thread list could not be read' }
  }
  let moved = 0
  let refused = 0 // ended meanwhile, or the system said no
  for (const name of threads) {
    const tid = Number(name)
    // The main thread (its tid is the pid) runs the coordinator: it keeps its priority.
    if (tid === process.pid) continue
    if (idle(tid)) moved++
    else refused++
  }
  log.info({ threads: moved, refused }, 'background threads moved to idle priority')
  return { idledThreads: moved }
}

/**
 * Moves the calling thread to the idle scheduling class: for threads whose
 * work is never awaited inside a step (the compute pool's), so that an agent
 * woken for its step preempts them at once instead of queueing behind
 * milliseconds of simulation. Their work still runs on any core the cycle
 * leaves free. Measured over 15 s of 10 ms cycles of the embedded default:
 * with the scenario simulation at normal priority 190–210 cycles of 1 500
 * had a late agent; with a simulation too small to matter, 47.
 */
export function idleCallingThread(
  log: Pick<Logger, 'warn'> = childLogger({ component: 'runtime' }),
  executor: Executor = loadExecutor(),
): boolean {
  const idle = idleClassOf(executor)
  if (typeof idle !== 'string' && idle(0)) return true
  const reason = typeof idle === 'string' ? idle : 'the system refused'
  log.warn({ reason }, 'thread keeps its priority: an agent may wait behind it for a scheduler tick')
  return false
}

/** How this process moves a thread (0: the calling one) to the idle class, or why it cannot. */
function idleClassOf(executor: Executor): ((tid: number) => boolean) | string {
  if (process.platform !== 'linux') return `scheduling classes are Linux's (this is ${process.platform})`
  return executor.kind === 'native' ? (tid) => executor.setThreadIdlePriority(tid) : 'no Rust addon'
}
