import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { messageOf, WavesError } from '../errors/index.js'
import { childLogger, type Logger } from '../log/logger.js'
import { compiledModuleUrl } from '../runtime/package-root.js'
import type { TaskReply, TaskRequest } from './dispatch.js'
import { LatencyHistogram, type LatencySummary } from '../metrics/latency-histogram.js'
import { isTaskName, type TaskInput, type TaskName, type TaskOutput } from './tasks/index.js'

export interface ComputePoolOptions {
  /** Threads at most; default: all cores but one, which stays with the main thread. */
  maxThreads?: number
  /** A thread beyond the first retires after this long without a task; default 30 s. */
  idleTimeoutMs?: number
  /** Tasks that may wait for a thread; one more is refused with ERR_COMPUTE_QUEUE_FULL. Default 64. */
  maxQueue?: number
  /**
   * Run the pool's threads in the idle scheduling class (Linux, with the
   * Rust addon), so they only take a core the cycle leaves free. Default false.
   */
  idlePriority?: boolean
}

/** What each pool thread is started with. */
export interface ComputeThreadData {
  idlePriority: boolean
}

export interface RunOptions {
  /** Aborting drops a queued task, or terminates the thread of a running one (a replacement starts). */
  signal?: AbortSignal
}

/**
 * The one method agents need. Agents on other threads get an implementation
 * that forwards over the control plane: names are checked at run time and
 * every error is a WavesError whose context holds only strings and numbers,
 * so both sides of such a wrapper can treat it as data.
 */
export interface ComputeRunner {
  run<N extends TaskName>(name: N, input: TaskInput<N>, options?: RunOptions): Promise<TaskOutput<N>>
}

export interface ComputePoolStats {
  completed: number
  /** Admitted tasks that failed, were aborted, or were cut off by destroy(). */
  failed: number
  /** Refused before admission: closed pool, unknown task, full queue. */
  rejected: number
  queued: number
  /** Admitted and not waiting in the queue (includes tasks on their way to a thread). */
  running: number
  threads: number
  /** Run time of completed tasks on their thread (µs): excludes queueing and the hop between threads. */
  runTimeUs: LatencySummary
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000
// Inputs wait in memory until a thread is free, and a simulation that waited
// behind 64 others describes a market that has since moved: beyond that the
// caller should shed or retry with fresh data.
const DEFAULT_MAX_QUEUE = 64
// One thread stays up between bursts: the first task on a fresh thread pays
// for starting it, loading the task modules and a cold JIT (about 100 ms,
// against 8 ms warm for 2000 scenarios × 60 steps), while an idle piscina
// thread sleeps in Atomics.wait and costs no CPU, only its heap.
const MIN_THREADS = 1

/**
 * The heavy-compute pool: one per engine process, owned by the main thread,
 * running stateless CPU tasks (`tasks/index.ts`) on piscina threads off the
 * fast path.
 */
export class ComputePool implements ComputeRunner {
  readonly #piscina: Piscina<TaskRequest, TaskReply>
  readonly #capacity: number
  readonly #runTime = new LatencyHistogram()
  readonly #log: Logger
  #pending = 0
  #completed = 0
  #failed = 0
  #rejected = 0
  #destroyed: Promise<void> | undefined

  constructor(options: ComputePoolOptions = {}) {
    const maxThreads = options.maxThreads ?? Math.max(1, availableParallelism() - 1)
    const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE
    requireConfig('maxThreads', maxThreads, Number.isInteger(maxThreads) && maxThreads >= 1)
    requireConfig('idleTimeoutMs', idleTimeoutMs, idleTimeoutMs >= 0)
    requireConfig('maxQueue', maxQueue, Number.isInteger(maxQueue) && maxQueue >= 0)
    // Admission is counted here rather than by piscina's maxQueue, whose bound
    // grows with threads still starting and ignores tasks that carry a signal.
    this.#capacity = maxThreads + maxQueue
    this.#log = childLogger({ component: 'compute-pool' })
    this.#piscina = new Piscina<TaskRequest, TaskReply>({
      filename: fileURLToPath(compiledModuleUrl('workers/compute-task')),
      minThreads: Math.min(MIN_THREADS, maxThreads),
      maxThreads,
      idleTimeout: idleTimeoutMs,
      recordTiming: false,
      workerData: { idlePriority: options.idlePriority ?? false } satisfies ComputeThreadData,
    })
    // A thread that dies with no task on it is reported here; unhandled, the event would kill the process.
    this.#piscina.on('error', (err: unknown) => this.#log.error({ err }, 'compute thread failed outside a task'))
    this.#log.info({ maxThreads, maxQueue, idleTimeoutMs, idlePriority: options.idlePriority ?? false }, 'compute pool started')
  }

  async run<N extends TaskName>(name: N, input: TaskInput<N>, options: RunOptions = {}): Promise<TaskOutput<N>> {
    if (this.#destroyed !== undefined) throw this.#refuse('ERR_COMPUTE_CLOSED', `compute pool is destroyed: cannot run '${String(name)}'`, name)
    if (!isTaskName(name)) throw this.#refuse('ERR_COMPUTE_UNKNOWN_TASK', `no compute task named '${String(name)}'`, name)
    if (this.#pending >= this.#capacity) {
      throw this.#refuse('ERR_COMPUTE_QUEUE_FULL', `compute pool is full (${this.#pending} tasks admitted, capacity ${this.#capacity}): '${name}' refused`, name)
    }
    this.#pending++
    let reply: TaskReply
    try {
      reply = await this.#piscina.run({ name, input }, options.signal === undefined ? {} : { signal: options.signal })
    } catch (err) {
      this.#failed++
      throw this.#translate(name, err)
    } finally {
      this.#pending--
    }
    if (!reply.ok) {
      this.#failed++
      const code = reply.code === 'ERR_COMPUTE_UNKNOWN_TASK' ? reply.code : 'ERR_COMPUTE_TASK_FAILED'
      throw new WavesError(code, `compute task '${name}' failed: ${reply.message}`, { task: name, cause: reply.message, causeCode: reply.code })
    }
    this.#completed++
    this.#runTime.recordNs(reply.runNs)
    return reply.output as TaskOutput<N>
  }

  stats(): ComputePoolStats {
    const queued = Math.min(this.#pending, this.#piscina.queueSize)
    return {
      completed: this.#completed,
      failed: this.#failed,
      rejected: this.#rejected,
      queued,
      running: this.#pending - queued,
      threads: this.#piscina.threads.length,
      runTimeUs: this.#runTime.summary(),
    }
  }

  /** Ends every thread; queued and running tasks reject with ERR_COMPUTE_CLOSED. Idempotent. */
  destroy(): Promise<void> {
    this.#destroyed ??= this.#piscina.destroy().then(() => {
      this.#log.info({ completed: this.#completed, failed: this.#failed }, 'compute pool destroyed')
    })
    return this.#destroyed
  }

  #refuse(code: 'ERR_COMPUTE_CLOSED' | 'ERR_COMPUTE_UNKNOWN_TASK' | 'ERR_COMPUTE_QUEUE_FULL', message: string, name: unknown): WavesError {
    this.#rejected++
    return new WavesError(code, message, { task: String(name), pending: this.#pending, capacity: this.#capacity })
  }

  #translate(name: TaskName, err: unknown): WavesError {
    const message = messageOf(err)
    if (err instanceof Error && err.name === 'AbortError') {
      return new WavesError('ERR_COMPUTE_ABORTED', `compute task '${name}' aborted`, { task: name, cause: message }, { cause: err })
    }
    if (this.#destroyed !== undefined) {
      return new WavesError('ERR_COMPUTE_CLOSED', `compute pool destroyed while '${name}' was queued or running`, { task: name, cause: message }, { cause: err })
    }
    // The thread itself died (out of memory, a native crash): piscina has already replaced it.
    return new WavesError('ERR_COMPUTE_TASK_FAILED', `compute task '${name}' failed: ${message}`, { task: name, cause: message }, { cause: err })
  }
}

function requireConfig(field: string, value: number, ok: boolean): void {
  if (!ok) throw new WavesError('ERR_COMPUTE_CONFIG', `compute pool: ${field} is invalid (got ${value})`, { field, value })
}
