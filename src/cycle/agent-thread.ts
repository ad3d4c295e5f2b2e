import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { WavesError } from '../errors/index.js'
import type { ComputeRunner, TaskName } from '../compute/index.js'
import { comlinkEndpoint } from '../runtime/comlink-endpoint.js'
import { compiledModuleUrl } from '../runtime/package-root.js'
import type { AgentHostApi, AgentHostData, AgentHostHealth } from './agent-host-api.js'

/** Rejects with ERR_AGENT_TIMEOUT when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, context: Record<string, unknown>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WavesError('ERR_AGENT_TIMEOUT', `${what} took longer than ${ms} ms`, { ...context, ms })), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * The coordinator's handle on one agent thread: starts the worker, talks to
 * it over comlink, serves it the compute pool, and reports an unexpected end
 * of the thread as a crash, once.
 */
export class AgentThread {
  readonly name: string
  readonly worker: Worker
  readonly api: Comlink.Remote<AgentHostApi>
  readonly exited: Promise<number>
  readonly #computePort: MessagePort
  #stopping = false

  constructor(data: AgentHostData, compute: ComputeRunner, onCrash: (reason: string) => void, resourceLimits?: ResourceLimits) {
    this.name = data.name
    const { port1, port2 } = new MessageChannel()
    this.#computePort = port1
    // The pool checks task names and inputs itself: they arrive from another thread as data.
    Comlink.expose({ run: (task: string, input: unknown) => compute.run(task as TaskName, input as never) }, comlinkEndpoint(port1))
    this.worker = new Worker(compiledModuleUrl('workers/agent-host'), {
      workerData: { ...data, computePort: port2 },
      transferList: [port2],
      name: `waves:${data.name}`,
      ...(resourceLimits !== undefined && { resourceLimits }),
    })
    this.api = Comlink.wrap<AgentHostApi>(comlinkEndpoint(this.worker))
    let lastError: Error | undefined
    this.worker.on('error', (err) => {
      lastError = err
    })
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.#computePort.close()
        this.api[Comlink.releaseProxy]()
        if (!this.#stopping) onCrash(lastError ? `threw: ${lastError.message}` : `exited with code ${code}`)
        resolve(code)
      })
    })
  }

  /**
   * Asks the agent to stop and returns its last health; terminates the
   * thread if it does not stop within `timeoutMs`, and then has no health to return.
   */
  async stop(timeoutMs: number): Promise<AgentHostHealth | undefined> {
    this.#stopping = true
    try {
      const last = await withTimeout(this.api.stop(), timeoutMs, `stopping agent ${this.name}`, { agent: this.name })
      await withTimeout(this.exited, timeoutMs, `agent ${this.name} thread exit`, { agent: this.name })
      return last
    } catch {
      await this.worker.terminate()
      return undefined
    }
  }

  /** Ends the thread now, without a crash report. */
  async terminate(): Promise<void> {
    this.#stopping = true
    await this.worker.terminate()
  }
}
