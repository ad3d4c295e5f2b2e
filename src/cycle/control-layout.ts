import { threadFutex } from '../runtime/futex.js'

/**
 * Every word of the control SharedArrayBuffer: the step barrier between the
 * coordinator (main thread) and the agent threads. All words are int32,
 * touched only through Atomics.
 *
 * ```
 * line 0        config: magic, agent count
 * line 1        arrivals: the last agent of a lone step to ack adds 1 and notifies (the coordinator waits here)
 * line 2        chain position: the step of the cycle's chain now running (the
 *               last agent of each step moves it on with compare-and-swap)
 * line 3        chain header: length, first generation, cycle, flags, the
 *               fail-closed agents, the coordinator's start time (float64)
 * lines 4–6     chain steps: step, peers, excused (late agents the coordinator let go)
 * line 7        chain step starts, µs after the cycle's start (+1: 0 is not yet)
 * line 8 + i    agent i (two lines): command generation, the command's cycle, step,
 *               flags, peers and chain position (whoever issues the command writes);
 *               doorbell (the agent waits on it; the issuer rings it with each
 *               command, and producers of the rings the agent reads on its fast
 *               path ring it when they publish); ack generation, ack status,
 *               step duration in µs for a lone step, and one such record per
 *               chain position (agent writes)
 * ```
 *
 * A lone step (step 1, at start and after a restart) goes through the
 * coordinator and the arrivals word. The steps of a cycle go through the
 * chain (see step-chain.ts): the coordinator writes the cycle's plan and
 * issues its first step; the last agent of each step issues the next; the
 * coordinator is woken once, when the last step ends, or when a deadline
 * passes and it lets a late agent go.
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

export const CHAIN_POSITION = 2 * CONTROL_LINE_WORDS
/** CHAIN_POSITION after the coordinator cut the cycle short (stop): no agent can advance it. */
export const CHAIN_ABORTED = -2

const CHAIN_HEADER = 3 * CONTROL_LINE_WORDS
export const CHAIN_LENGTH = CHAIN_HEADER + 0
export const CHAIN_FIRST_GENERATION = CHAIN_HEADER + 1
export const CHAIN_CYCLE = CHAIN_HEADER + 2
/** The flags of the commands still to be issued: the risk verdict is or-ed in when the risk step ends. */
export const CHAIN_FLAGS = CHAIN_HEADER + 3
export const CHAIN_FAIL_CLOSED_LO = CHAIN_HEADER + 4
export const CHAIN_FAIL_CLOSED_HI = CHAIN_HEADER + 5
/** In float64 units: the coordinator's clock when the chain started, ns. */
export const CHAIN_START_NS_F64 = (CHAIN_HEADER + 8) / 2

export const MAX_CHAIN_STEPS = 16
const CHAIN_STEP_WORDS = 5
const CHAIN_STEPS = 4 * CONTROL_LINE_WORDS
export const CHAIN_STEP = 0
export const CHAIN_STEP_PEERS_LO = 1
export const CHAIN_STEP_PEERS_HI = 2
export const CHAIN_STEP_EXCUSED_LO = 3
export const CHAIN_STEP_EXCUSED_HI = 4
const CHAIN_STARTS = 7 * CONTROL_LINE_WORDS

export function chainStepWord(position: number, field: number): number {
  return CHAIN_STEPS + position * CHAIN_STEP_WORDS + field
}

/** µs after the chain's start at which the step at `position` began, plus one (0: not begun). */
export function chainStartWord(position: number): number {
  return CHAIN_STARTS + position
}

const FIRST_AGENT_LINE = 8
const AGENT_LINES = 2

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
/** The chain position of the command, or -1 for a lone step. */
export const AGENT_COMMAND_CHAIN_POSITION = 7
export const AGENT_ACK_GENERATION = 8
export const AGENT_ACK_STATUS = 9
export const AGENT_ACK_DURATION_US = 10
/** Per chain position: ack generation, status, duration in µs. */
const AGENT_CHAIN_ACKS = 16
export const CHAIN_ACK_GENERATION = 0
export const CHAIN_ACK_STATUS = 1
export const CHAIN_ACK_DURATION_US = 2

export function chainAckWord(agentIndex: number, position: number, field: number): number {
  return agentWord(agentIndex, AGENT_CHAIN_ACKS + position * 3 + field)
}

/** Command flags. */
export const FLAG_RISK_VERDICT = 1 // every fail-closed agent approved this cycle in time
export const FLAG_SAFE_MODE = 2 // a breaker is open: no new orders

export const ACK_OK = 0
export const ACK_FAILED = 1

/** The command generation that tells an agent thread to leave its barrier loop. */
export const STOP_GENERATION = -1

export function agentWord(agentIndex: number, field: number): number {
  return (FIRST_AGENT_LINE + agentIndex * AGENT_LINES) * CONTROL_LINE_WORDS + field
}

export function controlBytes(agentCount: number): number {
  return (FIRST_AGENT_LINE + agentCount * AGENT_LINES) * CONTROL_LINE_WORDS * 4
}

/** Peers are a 64-bit mask. */
export const MAX_CONTROL_AGENTS = 64

/** Wakes agent `index`: bump its doorbell, then notify whoever waits on it. */
export function ringDoorbell(words: Int32Array, index: number): void {
  const word = agentWord(index, AGENT_DOORBELL)
  Atomics.add(words, word, 1)
  threadFutex().wake(words, word)
}
