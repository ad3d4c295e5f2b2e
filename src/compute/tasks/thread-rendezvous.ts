import { threadId } from 'node:worker_threads'
import { monotonicClock } from '../../clock/clock.js'
import { WavesError } from '../../errors/index.js'

/**
 * A diagnostic task: shows how many tasks the pool really runs at once
 * without measuring time. Each call arrives at a shared counter and waits
 * until `parties` calls have arrived, so `complete: true` on every one of
 * `parties` calls proves they all ran at the same moment; `threadId` shows
 * where. A health check can use it to see that the pool has its threads.
 */
export interface ThreadRendezvousInput {
  /** Backed by a SharedArrayBuffer; cell 0 counts arrivals. Anyone may add to it to release the waiters. */
  arrivals: Int32Array
  parties: number
  /** Gives up after this long and answers `complete: false`. */
  timeoutMs: number
}

export interface ThreadRendezvousOutput {
  threadId: number
  /** This call's arrival number, from 1. */
  arrival: number
  complete: boolean
}

export function threadRendezvous(input: ThreadRendezvousInput): ThreadRendezvousOutput {
  const { arrivals, parties, timeoutMs } = input
  if (!(arrivals instanceof Int32Array) || !(arrivals.buffer instanceof SharedArrayBuffer) || arrivals.length < 1) {
    throw new WavesError('ERR_COMPUTE_INPUT', 'thread-rendezvous: arrivals must be an Int32Array over a SharedArrayBuffer', { field: 'arrivals' })
  }
  if (!(Number.isInteger(parties) && parties >= 1)) {
    throw new WavesError('ERR_COMPUTE_INPUT', `thread-rendezvous: parties must be an integer ≥ 1 (got ${parties})`, { field: 'parties', value: parties })
  }
  if (!(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
    throw new WavesError('ERR_COMPUTE_INPUT', `thread-rendezvous: timeoutMs must be ≥ 0 (got ${timeoutMs})`, { field: 'timeoutMs', value: timeoutMs })
  }
  const arrival = Atomics.add(arrivals, 0, 1) + 1
  Atomics.notify(arrivals, 0)
  const deadlineNs = monotonicClock.nowNs() + timeoutMs * 1e6
  for (;;) {
    const seen = Atomics.load(arrivals, 0)
    if (seen >= parties) return { threadId, arrival, complete: true }
    const leftMs = (deadlineNs - monotonicClock.nowNs()) / 1e6
    if (leftMs <= 0) return { threadId, arrival, complete: false }
    Atomics.wait(arrivals, 0, seen, leftMs)
  }
}
