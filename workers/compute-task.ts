/**
 * Thread entry of the compute pool: piscina calls the default export with
 * each `{ name, input }` it is given. Everything it does lives in
 * src/compute/dispatch.ts so that it can be run and tested in-process too.
 */
import { workerData } from 'piscina'
import { executeTask } from '../src/compute/dispatch.js'
import type { ComputeThreadData } from '../src/compute/compute-pool.js'
import { idleCallingThread } from '../src/runtime/quiet-background.js'

if ((workerData as ComputeThreadData | undefined)?.idlePriority === true) idleCallingThread()

export default executeTask
