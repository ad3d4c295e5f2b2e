/**
 * Every word of the control SharedArrayBuffer: the step barrier between the
 * coordinator (main thread) and the agent threads. All words are int32,
 * touched only through Atomics.
 *
 * ```
 * line 0        config: magic, agent count
 * line 1        arrivals: the last agent of a step to ack adds 1 and notifies (the coordinator waits here)
 * line 2 + i    agent i: command generation, the command's cycle, step, flags and
 *               peers (coordinator writes); doorbell (the agent waits on it; the
 *               coordinator rings it with each command, and producers of the
 *               rings the agent reads on its fast path ring it when they
 *               publish); ack generation, ack status, step duration in µs
 *               (agent writes)
 * ```
 *
 * Each agent has its own command, so an agent that is late never reads a
 * command meant for others. The coordinator writes cycle, step and flags,
 * then the command generation, then notifies: an agent that sees the new
 * generation sees the rest. The agent writes status and duration, then its
 * ack generation, then looks at its peers' acks: the one that finds every
 * peer done bumps arrivals and notifies, so a step wakes the coordinator
 * once, not once per agent. Stores and loads are seq-cst, so of two agents
 * acking at once at least one sees the other's ack: the wake is never lost.
 * A coordinator that sees an ack sees its status. A late ack carries an old
 * generation and is ignored.
 */
export const CONTROL_LINE_WORDS = 32 // 128 bytes
export const CONTROL_MAGIC = 0x57435943 // "WCYC"

export const CONFIG_MAGIC = 0
export const CONFIG_AGENT_COUNT = 1
export const ARRIVALS = 1 * CONTROL_LINE_WORDS

const FIRST_AGENT_LINE = 2

/** Word offsets within an agent's line. */
export const AGENT_COMMAND_GENERATION = 0
export const AGENT_COMMAND_CYCLE = 1
export const AGENT_COMMAND_STEP = 2
export const AGENT_COMMAND_FLAGS = 3
/** Which agent slots share this command (bits 0–31, 32–63): the last of them to ack wakes the coordinator. */
export const AGENT_COMMAND_PEERS_LO = 4
export const AGENT_COMMAND_PEERS_HI = 5
/** Bumped and notified for every reason the agent should look up: a command, or new data on a fast-path ring. */
export const AGENT_DOORBELL = 6
export const AGENT_ACK_GENERATION = 8
export const AGENT_ACK_STATUS = 9
export const AGENT_ACK_DURATION_US = 10

/** Command flags. */
export const FLAG_RISK_VERDICT = 1 // every fail-closed agent approved this cycle in time
export const FLAG_SAFE_MODE = 2 // a breaker is open: no new orders

export const ACK_OK = 0
export const ACK_FAILED = 1

/** The command generation that tells an agent thread to leave its barrier loop. */
export const STOP_GENERATION = -1

export function agentWord(agentIndex: number, field: number): number {
  return (FIRST_AGENT_LINE + agentIndex) * CONTROL_LINE_WORDS + field
}

export function controlBytes(agentCount: number): number {
  return (FIRST_AGENT_LINE + agentCount) * CONTROL_LINE_WORDS * 4
}

/** Peers are a 64-bit mask. */
export const MAX_CONTROL_AGENTS = 64

/** Wakes agent `index`: bump its doorbell, then notify whoever waits on it. */
export function ringDoorbell(words: Int32Array, index: number): void {
  const word = agentWord(index, AGENT_DOORBELL)
  Atomics.add(words, word, 1)
  Atomics.notify(words, word)
}
