import { WavesError } from '../errors/index.js'
import { monotonicClock, type Clock } from '../clock/clock.js'
import { threadFutex } from '../runtime/futex.js'
import { waitAsyncKeepingAlive } from '../runtime/wait-async.js'
import type { CycleStep } from './steps.js'
import { advanceChain, chainAcked, chainExcused, issueChainStep } from './step-chain.js'
import {
  ACK_OK,
  AGENT_COMMAND_CHAIN_POSITION,
  CHAIN_ABORTED,
  CHAIN_ACK_DURATION_US,
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
  MAX_CHAIN_STEPS,
  chainAckWord,
  chainStartWord,
  chainStepWord,
  AGENT_ACK_DURATION_US,
  AGENT_ACK_GENERATION,
  AGENT_ACK_STATUS,
  AGENT_COMMAND_CYCLE,
  AGENT_COMMAND_FLAGS,
  AGENT_COMMAND_GENERATION,
  AGENT_COMMAND_PEERS_HI,
  AGENT_COMMAND_PEERS_LO,
  AGENT_COMMAND_STEP,
  ARRIVALS,
  CONFIG_AGENT_COUNT,
  CONFIG_MAGIC,
  CONTROL_MAGIC,
  MAX_CONTROL_AGENTS,
  STOP_GENERATION,
  agentWord,
  ringDoorbell,
  controlBytes,
} from './control-layout.js'

export interface BarrierParticipant {
  /** The agent's slot in the control buffer. */
  index: number
  /** How long the coordinator waits for this agent in this step. */
  deadlineMs: number
}

/** One step of a cycle's chain and the agents that take part in it. */
export interface ChainStep {
  step: CycleStep
  participants: readonly BarrierParticipant[]
}

/** What happened to each participant of one step. */
export interface StepOutcome {
  /** Agent slots that acknowledged in time, with their reported step durations in µs. */
  acked: Array<{ index: number; ok: boolean; durationUs: number }>
  /** Agent slots that missed their deadline. */
  late: number[]
  /** Agent slots still working, within their deadline, when stop cut the step short. */
  cut: number[]
  /** Wall time of the whole step on the coordinator, in ns. */
  elapsedNs: number
}

/**
 * The coordinator's side of the step barrier. Not RPC: it writes each
 * participant's command into the control buffer and notifies it; each agent
 * works, acknowledges, and bumps the arrivals word; the coordinator waits on
 * arrivals until every participant has acknowledged or missed its deadline:
 * spinning for the first `spinBudgetMs` (measured: a no-work step then takes
 * ~30 µs rather than ~45), sleeping on the futex (src/runtime/futex.ts) up to `blockBudgetMs`,
 * then with `Atomics.waitAsync`, so a long step never holds the event loop.
 * The spin costs at most 0.8 ms of one core per cycle.
 */
export class StepBarrier {
  readonly sab: SharedArrayBuffer
  readonly #words: Int32Array
  /** The same buffer as float64: the chain's start time. */
  readonly #float64: Float64Array
  readonly #clock: Clock
  /**
   * How long a step may block the main thread on the futex before the
   * rest of the wait goes to `Atomics.waitAsync`, leaving the event loop free.
   */
  readonly blockBudgetMs: number
  /** How long a step may spin on the arrivals word before it blocks. */
  readonly spinBudgetMs: number
  readonly #futex = threadFutex()
  #generation = 0
  #aborting = false

  constructor(agentCount: number, clock: Clock = monotonicClock, blockBudgetMs = 1, spinBudgetMs = 0.1) {
    this.spinBudgetMs = spinBudgetMs
    if (agentCount > MAX_CONTROL_AGENTS) {
      throw new WavesError('ERR_CONTROL_LAYOUT', `the control buffer holds at most ${MAX_CONTROL_AGENTS} agents, got ${agentCount}`, { agentCount })
    }
    this.blockBudgetMs = blockBudgetMs
    this.sab = new SharedArrayBuffer(controlBytes(agentCount))
    this.#words = new Int32Array(this.sab)
    this.#float64 = new Float64Array(this.sab)
    this.#words[CONFIG_MAGIC] = CONTROL_MAGIC
    this.#words[CONFIG_AGENT_COUNT] = agentCount
    this.#clock = clock
  }

  /** `count` consecutive command generations: positive, wrapping within int32; STOP_GENERATION (-1) is never one. */
  #reserveGenerations(count: number): number {
    if (this.#generation + count >= 0x7fffffff) this.#generation = 0
    const first = this.#generation + 1
    this.#generation += count
    return first
  }

  /** Runs one step across `participants` and resolves when each has acknowledged or is late. */
  async run(cycle: number, step: CycleStep, flags: number, participants: readonly BarrierParticipant[]): Promise<StepOutcome> {
    const words = this.#words
    const generation = this.#reserveGenerations(1)
    const startNs = this.#clock.nowNs()
    const peersLo = participantMask(participants, 0)
    const peersHi = participantMask(participants, 32)
    for (const p of participants) {
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_PEERS_LO), peersLo)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_PEERS_HI), peersHi)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_CYCLE), cycle)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_STEP), step)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_FLAGS), flags)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_CHAIN_POSITION), -1)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_GENERATION), generation)
      ringDoorbell(words, p.index)
    }

    const outcome: StepOutcome = { acked: [], late: [], cut: [], elapsedNs: 0 }
    let pending = participants.slice()
    for (;;) {
      // Read arrivals before looking at acks: an ack after the look changes
      // arrivals, so the wait below returns at once instead of missing it.
      const arrivals = Atomics.load(words, ARRIVALS)
      const nowNs = this.#clock.nowNs()
      const stillPending: BarrierParticipant[] = []
      let nextDeadlineNs = Infinity
      for (const p of pending) {
        if (Atomics.load(words, agentWord(p.index, AGENT_ACK_GENERATION)) === generation) {
          outcome.acked.push({
            index: p.index,
            ok: Atomics.load(words, agentWord(p.index, AGENT_ACK_STATUS)) === ACK_OK,
            durationUs: Atomics.load(words, agentWord(p.index, AGENT_ACK_DURATION_US)),
          })
          continue
        }
        const deadlineNs = startNs + p.deadlineMs * 1e6
        if (nowNs >= deadlineNs) {
          outcome.late.push(p.index)
          continue
        }
        stillPending.push(p)
        if (deadlineNs < nextDeadlineNs) nextDeadlineNs = deadlineNs
      }
      pending = stillPending
      if (pending.length === 0) break
      if (this.#aborting) {
        outcome.cut.push(...pending.map((p) => p.index))
        break
      }
      const remainingMs = Math.max(0, (nextDeadlineNs - nowNs) / 1e6)
      const blockedMs = (nowNs - startNs) / 1e6
      if (blockedMs < this.spinBudgetMs) {
        // Watch the word for the first stretch of the step: agents with
        // little to do answer within tens of microseconds, sooner than a
        // sleeping thread can be woken.
        while (Atomics.load(words, ARRIVALS) === arrivals && (this.#clock.nowNs() - startNs) / 1e6 < this.spinBudgetMs) {
          // spin
        }
      } else if (blockedMs < this.blockBudgetMs) {
        // Most steps end within a fraction of a millisecond: a futex wake is
        // several times faster than a task on the event loop.
        this.#futex.sleep(words, ARRIVALS, arrivals, Math.min(remainingMs, this.blockBudgetMs - blockedMs))
      } else {
        await waitAsyncKeepingAlive(words, ARRIVALS, arrivals, remainingMs)
      }
    }
    outcome.elapsedNs = this.#clock.nowNs() - startNs
    return outcome
  }

  /**
   * Runs a cycle's steps in order as one chain (see step-chain.ts) and
   * resolves with the outcome of each step that began. `flags` go with every
   * command; the risk verdict is added from the step after EvaluateRisk when
   * each of `failClosed` acknowledged it in time and without error.
   */
  async runCycle(cycle: number, steps: readonly ChainStep[], flags: number, failClosed: readonly number[]): Promise<StepOutcome[]> {
    if (steps.length > MAX_CHAIN_STEPS) {
      throw new WavesError('ERR_CONTROL_LAYOUT', `a cycle holds at most ${MAX_CHAIN_STEPS} steps, got ${steps.length}`, { steps: steps.length })
    }
    const words = this.#words
    const first = this.#reserveGenerations(steps.length)
    const startNs = this.#clock.nowNs()
    this.#float64[CHAIN_START_NS_F64] = startNs
    Atomics.store(words, CHAIN_LENGTH, steps.length)
    Atomics.store(words, CHAIN_FIRST_GENERATION, first)
    Atomics.store(words, CHAIN_CYCLE, cycle)
    Atomics.store(words, CHAIN_FLAGS, flags)
    Atomics.store(words, CHAIN_FAIL_CLOSED_LO, maskOf(failClosed, 0))
    Atomics.store(words, CHAIN_FAIL_CLOSED_HI, maskOf(failClosed, 32))
    for (let position = 0; position < steps.length; position++) {
      const s = steps[position]!
      Atomics.store(words, chainStepWord(position, CHAIN_STEP), s.step)
      Atomics.store(words, chainStepWord(position, CHAIN_STEP_PEERS_LO), participantMask(s.participants, 0))
      Atomics.store(words, chainStepWord(position, CHAIN_STEP_PEERS_HI), participantMask(s.participants, 32))
      Atomics.store(words, chainStepWord(position, CHAIN_STEP_EXCUSED_LO), 0)
      Atomics.store(words, chainStepWord(position, CHAIN_STEP_EXCUSED_HI), 0)
      Atomics.store(words, chainStartWord(position + 1), 0)
    }
    Atomics.store(words, chainStartWord(0), 1)
    Atomics.store(words, CHAIN_POSITION, 0)
    if (steps.length > 0) issueChainStep(words, this.#float64, 0, this.#clock)

    // For each position, the shortest deadline of the steps after it.
    const laterDeadlineMs = new Array<number>(steps.length)
    for (let position = steps.length - 1, shortest = Infinity; position >= 0; position--) {
      laterDeadlineMs[position] = shortest
      shortest = Math.min(shortest, shortestDeadlineMs(steps[position]!))
    }
    const scheduleNs = cycleSchedule(steps, startNs)
    let observed = -1
    let observedAtNs = startNs
    let watchedLastStep = false
    for (;;) {
      const position = Atomics.load(words, CHAIN_POSITION)
      if (position >= steps.length || position < 0) break
      if (this.#aborting) {
        Atomics.store(words, CHAIN_POSITION, CHAIN_ABORTED)
        break
      }
      const nowNs = this.#clock.nowNs()
      if (position !== observed) {
        observed = position
        observedAtNs = nowNs
      }
      const stamp = Atomics.load(words, chainStartWord(position))
      const stepStartNs = stamp > 0 ? startNs + (stamp - 1) * 1000 : observedAtNs
      let excused = false
      let pending = false
      let nextDeadlineNs = Infinity
      for (const p of steps[position]!.participants) {
        if (chainAcked(words, p.index, position) || chainExcused(words, p.index, position)) continue
        const deadlineNs = stepDeadlineNs(stepStartNs, scheduleNs[position]!, p.deadlineMs)
        if (nowNs >= deadlineNs) {
          // Let it go: the step completes without it, and its ack, when it comes, counts for nothing.
          Atomics.or(words, chainStepWord(position, p.index < 32 ? CHAIN_STEP_EXCUSED_LO : CHAIN_STEP_EXCUSED_HI), 1 << p.index % 32)
          excused = true
        } else {
          pending = true
          if (deadlineNs < nextDeadlineNs) nextDeadlineNs = deadlineNs
        }
      }
      if (excused || !pending) {
        // Complete now, or an agent is between its ack and the swap: whoever swaps first moves it on.
        advanceChain(words, this.#float64, position, this.#clock)
        continue
      }
      // Steps move on without a notify, so the wait also ends in time for
      // the shortest deadline of any step still to come: none of them can
      // have begun before now.
      const remainingMs = Math.min((nextDeadlineNs - nowNs) / 1e6, laterDeadlineMs[position]!)
      const blockedMs = (nowNs - startNs) / 1e6
      if (position === steps.length - 1 && !watchedLastStep) {
        // The last step: watch for its end for a while rather than sleep
        // through it and be woken after (~20 µs here); its issuer woke this
        // thread as it issued it.
        watchedLastStep = true
        const untilNs = nowNs + Math.min(remainingMs, this.spinBudgetMs) * 1e6
        while (Atomics.load(words, CHAIN_POSITION) === position && this.#clock.nowNs() < untilNs) {
          // spin
        }
        continue
      }
      if (blockedMs < this.blockBudgetMs) this.#futex.sleep(words, CHAIN_POSITION, position, Math.min(remainingMs, this.blockBudgetMs - blockedMs))
      else await waitAsyncKeepingAlive(words, CHAIN_POSITION, position, remainingMs)
    }
    return this.#chainOutcomes(steps, startNs)
  }

  #chainOutcomes(steps: readonly ChainStep[], startNs: number): StepOutcome[] {
    const words = this.#words
    const nowStamp = Math.round((this.#clock.nowNs() - startNs) / 1000) + 1
    const outcomes: StepOutcome[] = []
    for (let position = 0; position < steps.length; position++) {
      const begun = Atomics.load(words, chainStartWord(position))
      if (begun === 0) break
      const ended = Atomics.load(words, chainStartWord(position + 1))
      const outcome: StepOutcome = { acked: [], late: [], cut: [], elapsedNs: Math.max(0, (ended > 0 ? ended : nowStamp) - begun) * 1000 }
      for (const p of steps[position]!.participants) {
        if (chainAcked(words, p.index, position) && !chainExcused(words, p.index, position)) {
          outcome.acked.push({
            index: p.index,
            ok: Atomics.load(words, chainAckWord(p.index, position, CHAIN_ACK_STATUS)) === ACK_OK,
            durationUs: Atomics.load(words, chainAckWord(p.index, position, CHAIN_ACK_DURATION_US)),
          })
        } else if (chainExcused(words, p.index, position)) {
          outcome.late.push(p.index)
        } else {
          // Neither in nor let go: only an abort ends a chain with such a step.
          outcome.cut.push(p.index)
        }
      }
      outcomes.push(outcome)
    }
    return outcomes
  }

  /**
   * Cuts every wait short, now and from now on: steps in flight and later
   * ones return at once with their missing agents cut, not late. Used to stop.
   */
  abort(): void {
    this.#aborting = true
    Atomics.add(this.#words, ARRIVALS, 1)
    this.#futex.wake(this.#words, ARRIVALS)
    this.#futex.wake(this.#words, CHAIN_POSITION)
  }

  /** Tells agent threads to leave their barrier loops. */
  stop(indices: Iterable<number>): void {
    for (const index of indices) {
      Atomics.store(this.#words, agentWord(index, AGENT_COMMAND_GENERATION), STOP_GENERATION)
      ringDoorbell(this.#words, index)
    }
  }

  /** Forgets what a slot's previous thread acknowledged, before a restarted thread takes it over. */
  resetSlot(index: number): void {
    Atomics.store(this.#words, agentWord(index, AGENT_COMMAND_GENERATION), 0)
    Atomics.store(this.#words, agentWord(index, AGENT_ACK_GENERATION), 0)
  }
}

/**
 * When each step of a cycle is due to begin if every step before it ran to
 * its deadline (the shortest of its agents'), in clock ns: the cycle's
 * deadline schedule.
 */
export function cycleSchedule(steps: readonly ChainStep[], startNs: number): number[] {
  const schedule: number[] = []
  let dueNs = startNs
  for (const s of steps) {
    schedule.push(dueNs)
    const shortestMs = shortestDeadlineMs(s)
    if (shortestMs !== Infinity) dueNs += shortestMs * 1e6
  }
  return schedule
}

/** The step's deadline: the shortest of its agents'; Infinity for a step with none. */
function shortestDeadlineMs(step: ChainStep): number {
  let shortest = Infinity
  for (const p of step.participants) shortest = Math.min(shortest, p.deadlineMs)
  return shortest
}

/**
 * An agent's deadline in a step: its own deadline from the step's start,
 * plus the time the step began ahead of the cycle's deadline schedule (what
 * earlier steps left unused), at most its own deadline again. A thread
 * woken late by the scheduler then costs a fast cycle nothing, while a
 * cycle whose steps all run to their deadlines still ends where the
 * schedule does: with every agent on the default deadline a step ends by
 * the time the next is due, so the cycle keeps the headroom the default
 * leaves (the steps share 80% of the interval).
 */
export function stepDeadlineNs(stepStartNs: number, dueNs: number, deadlineMs: number): number {
  const ownNs = deadlineMs * 1e6
  return stepStartNs + ownNs + Math.min(ownNs, Math.max(0, dueNs - stepStartNs))
}

/** The participants' indices in [from, from + 32), as a 32-bit mask. */
function participantMask(participants: readonly BarrierParticipant[], from: number): number {
  let mask = 0
  for (const p of participants) mask |= bitOf(p.index, from)
  return mask
}

/** The indices in [from, from + 32), as a 32-bit mask. */
function maskOf(indices: readonly number[], from: number): number {
  let mask = 0
  for (const index of indices) mask |= bitOf(index, from)
  return mask
}

/** Agent `index`'s bit in the 32-bit mask of [from, from + 32); 0 outside it. */
function bitOf(index: number, from: number): number {
  return index >= from && index < from + 32 ? 1 << (index - from) : 0
}
