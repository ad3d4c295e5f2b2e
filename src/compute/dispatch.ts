import { monotonicClock } from '../clock/clock.js'
import { isWavesError, messageOf, type WavesErrorCode } from '../errors/index.js'
import { isTaskName, tasks } from './tasks/index.js'

/** What the pool posts to a thread: a task name and its input. */
export interface TaskRequest {
  name: string
  input: unknown
}

/**
 * What a thread posts back. A failure is a value, not a throw: a thrown error
 * crosses threads by structured clone, which keeps its message but drops the
 * `code` and `context` the caller needs.
 */
export type TaskReply =
  | { ok: true; output: unknown; runNs: number }
  | { ok: false; code: WavesErrorCode | null; message: string; runNs: number }

/** Runs one request on the calling thread: the whole job of a pool thread. */
export function executeTask(request: TaskRequest): TaskReply {
  const start = monotonicClock.nowNs()
  if (!isTaskName(request.name)) {
    return { ok: false, code: 'ERR_COMPUTE_UNKNOWN_TASK', message: `no compute task named '${String(request.name)}'`, runNs: 0 }
  }
  const task = tasks[request.name] as (input: unknown) => unknown
  try {
    const output = task(request.input)
    return { ok: true, output, runNs: monotonicClock.nowNs() - start }
  } catch (err) {
    const message = messageOf(err)
    return { ok: false, code: isWavesError(err) ? err.code : null, message, runNs: monotonicClock.nowNs() - start }
  }
}
