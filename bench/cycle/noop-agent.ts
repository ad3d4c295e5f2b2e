/** An agent that does nothing in its steps: what is left is the barrier's own cost. */
import type { Agent } from '../../src/agents/agent.js'

export default function createNoopAgent(): Agent {
  return {
    init() {},
    step() {},
  }
}
