import {
  AGENT_ACK_DURATION_US,
  AGENT_ACK_GENERATION,
  AGENT_ACK_STATUS,
  AGENT_COMMAND_CYCLE,
  AGENT_COMMAND_FLAGS,
  AGENT_COMMAND_GENERATION,
  AGENT_COMMAND_STEP,
  ARRIVALS,
  CONFIG_MAGIC,
  CONTROL_MAGIC,
  FLAG_RISK_VERDICT,
  FLAG_SAFE_MODE,
  STOP_GENERATION,
  agentWord,
} from './control-layout.js'
import type { CycleStep } from './steps.js'

/** One step an agent is told to run. */
export interface StepCommand {
  readonly generation: number
  readonly cycle: number
  readonly step: CycleStep
  /** Every fail-closed agent (risk) approved this cycle in time: new orders may go out. */
  readonly riskVerdict: boolean
  /** A breaker is open: the engine sends no new orders until an operator resets it. */
  readonly safeMode: boolean
}

/**
 * An agent thread's side of the step barrier: wait for a command meant for
 * this agent, run it, acknowledge. Waits with `Atomics.waitAsync`, so the
 * agent's event loop (control RPC, its own sockets and timers) keeps running
 * between steps.
 */
export class StepFollower {
  readonly #words: Int32Array
  readonly #index: number
  #served = 0

  constructor(sab: SharedArrayBuffer, index: number) {
    this.#words = new Int32Array(sab)
    if (this.#words[CONFIG_MAGIC] !== CONTROL_MAGIC) throw new Error('not a waves control buffer')
    this.#index = index
    // A restarted thread must not re-run the command its predecessor was given.
    this.#served = Atomics.load(this.#words, agentWord(index, AGENT_COMMAND_GENERATION))
  }

  /** The next command for this agent, or undefined when told to stop. */
  async next(): Promise<StepCommand | undefined> {
    const words = this.#words
    const commandWord = agentWord(this.#index, AGENT_COMMAND_GENERATION)
    for (;;) {
      const generation = Atomics.load(words, commandWord)
      if (generation === STOP_GENERATION) return undefined
      if (generation !== this.#served && generation !== 0) {
        this.#served = generation
        const flags = Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_FLAGS))
        return {
          generation,
          cycle: Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_CYCLE)),
          step: Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_STEP)) as CycleStep,
          riskVerdict: (flags & FLAG_RISK_VERDICT) !== 0,
          safeMode: (flags & FLAG_SAFE_MODE) !== 0,
        }
      }
      const waited = Atomics.waitAsync(words, commandWord, generation)
      if (waited.async) await waited.value
    }
  }

  ack(generation: number, ok: boolean, durationUs: number): void {
    const words = this.#words
    Atomics.store(words, agentWord(this.#index, AGENT_ACK_STATUS), ok ? 0 : 1)
    Atomics.store(words, agentWord(this.#index, AGENT_ACK_DURATION_US), Math.min(0x7fffffff, Math.round(durationUs)))
    Atomics.store(words, agentWord(this.#index, AGENT_ACK_GENERATION), generation)
    Atomics.add(words, ARRIVALS, 1)
    Atomics.notify(words, ARRIVALS)
  }
}
