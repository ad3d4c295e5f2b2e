import { monotonicClock, type Clock } from '../clock/clock.js'
import { waitAsyncKeepingAlive } from '../runtime/wait-async.js'
import type { CycleStep } from './steps.js'
import {
  ACK_OK,
  AGENT_ACK_DURATION_US,
  AGENT_ACK_GENERATION,
  AGENT_ACK_STATUS,
  AGENT_COMMAND_CYCLE,
  AGENT_COMMAND_FLAGS,
  AGENT_COMMAND_GENERATION,
  AGENT_COMMAND_STEP,
  ARRIVALS,
  CONFIG_AGENT_COUNT,
  CONFIG_MAGIC,
  CONTROL_MAGIC,
  STOP_GENERATION,
  agentWord,
  controlBytes,
} from './control-layout.js'

export interface BarrierParticipant {
  /** The agent's slot in the control buffer. */
  index: number
  /** How long the coordinator waits for this agent in this step. */
  deadlineMs: number
}

/** What happened to each participant of one step. */
export interface StepOutcome {
  /** Agent slots that acknowledged in time, with their reported step durations in µs. */
  acked: Array<{ index: number; ok: boolean; durationUs: number }>
  /** Agent slots that missed their deadline. */
  late: number[]
  /** Wall time of the whole step on the coordinator, in ns. */
  elapsedNs: number
}

/**
 * The coordinator's side of the step barrier. Not RPC: it writes each
 * participant's command into the control buffer and notifies it; each agent
 * works, acknowledges, and bumps the arrivals word; the coordinator waits on
 * arrivals with `Atomics.waitAsync` (its event loop keeps running) until
 * every participant has acknowledged or missed its deadline.
 */
export class StepBarrier {
  readonly sab: SharedArrayBuffer
  readonly #words: Int32Array
  readonly #clock: Clock
  #generation = 0

  constructor(agentCount: number, clock: Clock = monotonicClock) {
    this.sab = new SharedArrayBuffer(controlBytes(agentCount))
    this.#words = new Int32Array(this.sab)
    this.#words[CONFIG_MAGIC] = CONTROL_MAGIC
    this.#words[CONFIG_AGENT_COUNT] = agentCount
    this.#clock = clock
  }

  /** Runs one step across `participants` and resolves when each has acknowledged or is late. */
  async run(cycle: number, step: CycleStep, flags: number, participants: readonly BarrierParticipant[]): Promise<StepOutcome> {
    const words = this.#words
    // Generations are positive and wrap within int32; STOP_GENERATION (-1) is never one.
    this.#generation = this.#generation >= 0x7fffffff ? 1 : this.#generation + 1
    const generation = this.#generation
    const startNs = this.#clock.nowNs()
    for (const p of participants) {
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_CYCLE), cycle)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_STEP), step)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_FLAGS), flags)
      Atomics.store(words, agentWord(p.index, AGENT_COMMAND_GENERATION), generation)
      Atomics.notify(words, agentWord(p.index, AGENT_COMMAND_GENERATION))
    }

    const outcome: StepOutcome = { acked: [], late: [], elapsedNs: 0 }
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
      await waitAsyncKeepingAlive(words, ARRIVALS, arrivals, Math.max(0, (nextDeadlineNs - nowNs) / 1e6))
    }
    outcome.elapsedNs = this.#clock.nowNs() - startNs
    return outcome
  }

  /** Tells agent threads to leave their barrier loops. */
  stop(indices: Iterable<number>): void {
    for (const index of indices) {
      Atomics.store(this.#words, agentWord(index, AGENT_COMMAND_GENERATION), STOP_GENERATION)
      Atomics.notify(this.#words, agentWord(index, AGENT_COMMAND_GENERATION))
    }
  }

  /** Forgets what a slot's previous thread acknowledged, before a restarted thread takes it over. */
  resetSlot(index: number): void {
    Atomics.store(this.#words, agentWord(index, AGENT_COMMAND_GENERATION), 0)
    Atomics.store(this.#words, agentWord(index, AGENT_ACK_GENERATION), 0)
  }
}
