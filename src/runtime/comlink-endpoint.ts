import type { Endpoint } from 'comlink'
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs'
import type { MessagePort, Worker } from 'node:worker_threads'

/** comlink endpoint over a worker_threads MessagePort or Worker: the one way the control plane talks. */
export function comlinkEndpoint(port: MessagePort | Worker): Endpoint {
  return nodeEndpoint(port as never)
}
