import type { Clock } from '../clock/clock.js'
import { threadFutex } from '../runtime/futex.js'
import { CycleStep } from './steps.js'
import {
  AGENT_COMMAND_CHAIN_POSITION,
  AGENT_COMMAND_CYCLE,
  AGENT_COMMAND_FLAGS,
  AGENT_COMMAND_GENERATION,
  AGENT_COMMAND_PEERS_HI,
  AGENT_COMMAND_PEERS_LO,
  AGENT_COMMAND_STEP,
  ACK_OK,
  CHAIN_ACK_GENERATION,
  CHAIN_ACK_STATUS,
  CHAIN_CYCLE,
  CHAIN_FAIL_CLOSED_HI,
  CHAIN_FAIL_CLOSED_LO,
  CHAIN_FIRST_GENERATION,
  CHAIN_FLAGS,
  CHAIN_LENGTH,
  CHAIN_POSITION,
  CHAIN_START_NS_F64,
  CHAIN_STEP,
  CHAIN_STEP_EXCUSED_HI,
  CHAIN_STEP_EXCUSED_LO,
  CHAIN_STEP_PEERS_HI,
  CHAIN_STEP_PEERS_LO,
  FLAG_RISK_VERDICT,
  agentWord,
  chainAckWord,
  chainStartWord,
  chainStepWord,
  ringDoorbell,
} from './control-layout.js'

/**
 * The steps of one cycle, handed from agent to agent: the last agent of a
 * step to acknowledge issues the next step's commands itself, so a cycle
 * costs one wake-up per step rather than two (agents → coordinator →
 * agents), and the coordinator's thread sleeps through the cycle instead of
 * taking one of the cores the agents need. The coordinator still owns every
 * deadline: it lets a late agent go by setting its bit in the step's
 * `excused` mask, then advances the chain itself.
 *
 * Whoever finds a step complete moves the position on with compare-and-swap,
 * so of an agent and the coordinator finishing a step at once exactly one
 * issues the next step. Everything a command needs is written before its
 * generation, which is stored last; acks likewise.
 */

/** Whether agent `index` is in a 64-bit mask. */
function inMask(lo: number, hi: number, index: number): boolean {
  return index < 32 ? ((lo >>> index) & 1) === 1 : ((hi >>> (index - 32)) & 1) === 1
}

/** The agent acknowledged the step at `position` of the chain now in the buffer. */
export function chainAcked(words: Int32Array, index: number, position: number): boolean {
  return Atomics.load(words, chainAckWord(index, position, CHAIN_ACK_GENERATION)) === Atomics.load(words, CHAIN_FIRST_GENERATION) + position
}

export function chainExcused(words: Int32Array, index: number, position: number): boolean {
  return inMask(Atomics.load(words, chainStepWord(position, CHAIN_STEP_EXCUSED_LO)), Atomics.load(words, chainStepWord(position, CHAIN_STEP_EXCUSED_HI)), index)
}

/** The verdict of the risk step: every fail-closed agent acknowledged it in time and without error. */
function riskVerdict(words: Int32Array, position: number): boolean {
  const lo = Atomics.load(words, CHAIN_FAIL_CLOSED_LO)
  const hi = Atomics.load(words, CHAIN_FAIL_CLOSED_HI)
  for (let index = 0; index < 64; index++) {
    if (!inMask(lo, hi, index)) continue
    if (!chainAcked(words, index, position) || chainExcused(words, index, position)) return false
    if (Atomics.load(words, chainAckWord(index, position, CHAIN_ACK_STATUS)) !== ACK_OK) return false
  }
  return true
}

/** µs since the chain's start, plus one, for the start words (0 means not begun). */
function startStamp(starts: Float64Array, clock: Clock): number {
  return Math.min(0x7fffffff, Math.round((clock.nowNs() - (starts[CHAIN_START_NS_F64] ?? 0)) / 1000) + 1)
}

/** Writes the command of the step at `position` for each of its agents and rings them; an empty step is passed on at once. */
export function issueChainStep(words: Int32Array, starts: Float64Array, position: number, clock: Clock): void {
  const generation = Atomics.load(words, CHAIN_FIRST_GENERATION) + position
  const cycle = Atomics.load(words, CHAIN_CYCLE)
  const step = Atomics.load(words, chainStepWord(position, CHAIN_STEP))
  const flags = Atomics.load(words, CHAIN_FLAGS)
  const lo = Atomics.load(words, chainStepWord(position, CHAIN_STEP_PEERS_LO))
  const hi = Atomics.load(words, chainStepWord(position, CHAIN_STEP_PEERS_HI))
  if (lo === 0 && hi === 0) {
    advanceChain(words, starts, position, clock)
    return
  }
  for (let index = 0; index < 64; index++) {
    if (!inMask(lo, hi, index)) continue
    Atomics.store(words, agentWord(index, AGENT_COMMAND_PEERS_LO), lo)
    Atomics.store(words, agentWord(index, AGENT_COMMAND_PEERS_HI), hi)
    Atomics.store(words, agentWord(index, AGENT_COMMAND_CYCLE), cycle)
    Atomics.store(words, agentWord(index, AGENT_COMMAND_STEP), step)
    Atomics.store(words, agentWord(index, AGENT_COMMAND_FLAGS), flags)
    Atomics.store(words, agentWord(index, AGENT_COMMAND_CHAIN_POSITION), position)
    Atomics.store(words, agentWord(index, AGENT_COMMAND_GENERATION), generation)
    ringDoorbell(words, index)
  }
}

/**
 * Moves the chain past `position` if that step is complete (each of its
 * agents acknowledged or was excused) and nobody has yet: then issues the
 * next step, or wakes the coordinator after the last. True if this call
 * moved it.
 */
export function advanceChain(words: Int32Array, starts: Float64Array, position: number, clock: Clock): boolean {
  if (Atomics.load(words, CHAIN_POSITION) !== position) return false
  const lo = Atomics.load(words, chainStepWord(position, CHAIN_STEP_PEERS_LO))
  const hi = Atomics.load(words, chainStepWord(position, CHAIN_STEP_PEERS_HI))
  for (let index = 0; index < 64; index++) {
    if (inMask(lo, hi, index) && !chainAcked(words, index, position) && !chainExcused(words, index, position)) return false
  }
  const next = position + 1
  // Written before the swap by every contender: they all read the clock within a few µs of the step's end.
  Atomics.store(words, chainStartWord(next), startStamp(starts, clock))
  if (Atomics.compareExchange(words, CHAIN_POSITION, position, next) !== position) return false
  if (Atomics.load(words, chainStepWord(position, CHAIN_STEP)) === CycleStep.EvaluateRisk && riskVerdict(words, position)) {
    Atomics.or(words, CHAIN_FLAGS, FLAG_RISK_VERDICT)
  }
  const length = Atomics.load(words, CHAIN_LENGTH)
  if (next >= length) {
    threadFutex().wake(words, CHAIN_POSITION)
  } else {
    issueChainStep(words, starts, next, clock)
    // The coordinator wakes while the last step runs and watches for its
    // end, rather than being woken after it (see StepBarrier.runCycle).
    if (next === length - 1) threadFutex().wake(words, CHAIN_POSITION)
  }
  return true
}
