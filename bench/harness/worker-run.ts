import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads'
import { compiledModuleUrl } from '../../src/runtime/package-root.js'

/**
 * Start line for a benchmark's workers: each worker posts 'ready' once set
 * up, then waits on the go word; timing starts only when all are ready, so
 * thread start-up is never measured.
 */
export class StartLine {
  readonly sab = new SharedArrayBuffer(4)
  readonly #word = new Int32Array(this.sab)

  go(): void {
    Atomics.store(this.#word, 0, 1)
    Atomics.notify(this.#word, 0)
  }

  static wait(sab: SharedArrayBuffer): void {
    Atomics.wait(new Int32Array(sab), 0, 0)
  }
}

export interface BenchWorker<T> {
  worker: Worker
  ready: Promise<void>
  result: Promise<T>
}

/** Starts a compiled bench worker; `ready` resolves on its 'ready' message, `result` on the next. */
export function startBenchWorker<T>(modulePath: string, workerData: unknown, transferList: readonly TransferListItem[] = [], resourceLimits?: ResourceLimits): BenchWorker<T> {
  const worker = new Worker(compiledModuleUrl(modulePath), { workerData, transferList: [...transferList], ...(resourceLimits !== undefined && { resourceLimits }) })
  let onReady!: () => void
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  const result = new Promise<T>((resolve, reject) => {
    let answered = false
    worker.on('message', (message: unknown) => {
      if (message === 'ready') return onReady()
      answered = true
      resolve(message as T)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`${modulePath} exited with code ${code} before answering`))
    })
  })
  return { worker, ready, result }
}
