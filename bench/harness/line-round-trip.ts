import { round } from './report.js'
import { StartLine, startBenchWorker } from './worker-run.js'

/**
 * How long one cache line takes to go from this thread to another and back:
 * the two threads pass a counter through one shared word, each waiting for
 * the other's increment. Every row bound by moving lines between the cores
 * (the rings' throughput above all) moves with it, and on this project's
 * virtual machine it moves with where the host puts the two virtual cores:
 * ~100–150 ns in the machine's fast state, ~400 ns in its slow one, flipping
 * within seconds. The probe says which state a measurement ran in.
 */
export interface LineRoundTrip {
  /** Median over the chunks of the probe, in ns per round trip. */
  ns: number
}

export interface LineRoundTripJob {
  go: SharedArrayBuffer
  word: SharedArrayBuffer
  roundTrips: number
}

const CHUNKS = 5

/** Passes the counter `chunks × perChunk` times there and back and times each chunk. */
export async function probeLineRoundTrip(perChunk = 10_000): Promise<LineRoundTrip> {
  const start = new StartLine()
  const word = new SharedArrayBuffer(128)
  const counter = new Int32Array(word)
  const roundTrips = CHUNKS * perChunk
  const echo = startBenchWorker<number>('bench/harness/line-round-trip-worker', { go: start.sab, word, roundTrips } satisfies LineRoundTripJob)
  await echo.ready
  start.go()
  const chunkNs: number[] = []
  let sent = 0
  for (let c = 0; c < CHUNKS; c++) {
    const began = performance.now()
    for (let i = 0; i < perChunk; i++) {
      Atomics.store(counter, 0, ++sent)
      while (Atomics.load(counter, 0) === sent) {
        // the echo's increment is the answer
      }
      sent++
    }
    chunkNs.push(((performance.now() - began) * 1e6) / perChunk)
  }
  const echoed = await echo.result
  await echo.worker.terminate()
  if (echoed !== roundTrips || Atomics.load(counter, 0) !== 2 * roundTrips) {
    throw new Error(`line round trip probe: the echo answered ${echoed} of ${roundTrips} round trips`)
  }
  chunkNs.sort((a, b) => a - b)
  return { ns: round(chunkNs[Math.floor(CHUNKS / 2)]!, 0) }
}

export function describeLineRoundTrip(when: string, trip: LineRoundTrip): string {
  return `machine ${when}: a cache line went from one thread to another and back in ${trip.ns} ns (median of ${CHUNKS} chunks)`
}
