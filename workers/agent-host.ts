/**
 * The thread an agent lives in. It only hosts: loads the agent module,
 * serves the control plane (comlink: init, health, snapshot, stop) and
 * follows the step barrier. The agent's logic is in src/agents/.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import * as Comlink from 'comlink'
import type { AgentHostApi, AgentHostData } from '../src/cycle/agent-host-api.js'
import { runAgentHost } from '../src/cycle/agent-host.js'
import type { ComputeRunner } from '../src/compute/index.js'
import { comlinkEndpoint } from '../src/runtime/comlink-endpoint.js'

const data = workerData as AgentHostData & { computePort: MessagePort }
const remote = Comlink.wrap<{ run(task: string, input: unknown): Promise<unknown> }>(comlinkEndpoint(data.computePort))
const compute = { run: (task: string, input: unknown) => remote.run(task, input) } as ComputeRunner
const host: AgentHostApi = await runAgentHost(data, compute)
const api: AgentHostApi = {
  init: (config, restored) => host.init(config, restored),
  configure: (config) => host.configure(config),
  health: () => host.health(),
  snapshot: () => host.snapshot(),
  async stop() {
    const last = await host.stop()
    // Answer the caller first, then end the thread with a clean exit code.
    setImmediate(() => process.exit(0))
    return last
  },
}
Comlink.expose(api, comlinkEndpoint(parentPort!))
