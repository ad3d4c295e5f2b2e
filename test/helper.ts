import { Worker } from 'node:worker_threads'
import { compiledModuleUrl } from '../src/runtime/package-root.js'

/**
 * Runs a compiled worker script (path from the package root, no extension)
 * and resolves with the first message it posts. Rejects if it throws or
 * exits without answering.
 */
export function runWorker<T>(modulePath: string, workerData: unknown): { result: Promise<T>; worker: Worker } {
  const worker = new Worker(compiledModuleUrl(modulePath), { workerData })
  const result = new Promise<T>((resolve, reject) => {
    let answered = false
    worker.once('message', (message: T) => {
      answered = true
      resolve(message)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`${modulePath} exited with code ${code} before answering`))
    })
  })
  return { result, worker }
}
