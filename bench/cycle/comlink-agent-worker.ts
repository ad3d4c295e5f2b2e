/** The same no-op agent behind a comlink RPC endpoint: the RPC barrier's contender. */
import { parentPort } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { comlinkEndpoint } from '../../src/runtime/comlink-endpoint.js'

let steps = 0
Comlink.expose(
  {
    step(_cycle: number, _step: number): number {
      return ++steps
    },
  },
  comlinkEndpoint(parentPort!),
)
