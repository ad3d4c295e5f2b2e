/** The far end of the line round trip probe: answers each odd count with the next even one. */
import { parentPort, workerData } from 'node:worker_threads'
import type { LineRoundTripJob } from './line-round-trip.js'
import { StartLine } from './worker-run.js'

const job = workerData as LineRoundTripJob
const counter = new Int32Array(job.word)
parentPort!.postMessage('ready')
StartLine.wait(job.go)
let answered = 0
for (let expected = 1; answered < job.roundTrips; expected += 2) {
  while (Atomics.load(counter, 0) !== expected) {
    // waiting for the prober's count
  }
  Atomics.store(counter, 0, expected + 1)
  answered++
}
parentPort!.postMessage(answered)
