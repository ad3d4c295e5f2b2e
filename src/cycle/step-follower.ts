import { WavesError } from '../errors/index.js'
import { monotonicClock } from '../clock/clock.js'
import { threadFutex } from '../runtime/futex.js'
import { advanceChain } from './step-chain.js'
import {
  AGENT_COMMAND_CHAIN_POSITION,
  CHAIN_ACK_DURATION_US,
  CHAIN_ACK_GENERATION,
  CHAIN_ACK_STATUS,
  chainAckWord,
  AGENT_ACK_DURATION_US,
  AGENT_ACK_GENERATION,
  AGENT_ACK_STATUS,
  AGENT_COMMAND_CYCLE,
  AGENT_COMMAND_FLAGS,
  AGENT_COMMAND_GENERATION,
  AGENT_COMMAND_PEERS_HI,
  AGENT_COMMAND_PEERS_LO,
  AGENT_COMMAND_STEP,
  AGENT_DOORBELL,
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

/** A command as the follower received it: also where it sits in its cycle's chain (-1: a lone step, step 1). */
export interface IssuedCommand extends StepCommand {
  readonly chainPosition: number
}

/**
 * How an agent thread waits for its next command.
 * - `block`: the futex (src/runtime/futex.ts) in slices of `sliceMs`, yielding to the event
 *   loop after every slice and at least every YIELD_EVERY_MS while
 *   stepping. The fastest wake-up (a futex, ~10–20 µs) for agents whose work
 *   happens inside their steps; control RPC waits about one slice at most.
 * - `async`: `Atomics.waitAsync`, for agents that do I/O between steps
 *   (sockets, timers): their event loop never stops, a wake-up costs a task
 *   on it (~30–100 µs).
 */
export type FollowMode = 'block' | 'async'

/**
 * Longest a block-mode agent goes between turns of its event loop while it
 * is busy stepping: as long as an idle one goes (a wait slice), so a control
 * call waits about as long either way. Every 2 ms instead cost the barrier
 * of the cycle bench a fifth at p50 and a quarter at p99 (a turn of the
 * event loop each time, when the next step may already be due).
 */
const YIELD_EVERY_MS = 20

/** What a block-mode wait answers when the event loop is due a turn. */
const YIELD_DUE = Symbol('yield due')
/** What looking for a command finds when there is none yet. */
const NO_COMMAND = Symbol('no command')

/**
 * An agent thread's side of the step barrier: wait for a command meant for
 * this agent, run it, acknowledge.
 */
export class StepFollower {
  readonly mode: FollowMode
  readonly sliceMs: number
  /** Longest the thread parks while idle before waking to rehearse (see `next`); 0: only when called. */
  readonly keepWarmMs: number
  readonly #words: Int32Array
  readonly #float64: Float64Array
  readonly #index: number
  #served = 0
  readonly #futex = threadFutex()
  #lastYieldMs = 0

  constructor(sab: SharedArrayBuffer, index: number, mode: FollowMode = 'block', sliceMs = 20, keepWarmMs = 0) {
    this.#words = new Int32Array(sab)
    this.#float64 = new Float64Array(sab)
    if (this.#words[CONFIG_MAGIC] !== CONTROL_MAGIC) throw new WavesError('ERR_CONTROL_LAYOUT', 'buffer is not a waves control buffer', { magic: this.#words[CONFIG_MAGIC] })
    this.#index = index
    this.mode = mode
    this.sliceMs = sliceMs
    this.keepWarmMs = keepWarmMs
    // A restarted thread must not re-run the command its predecessor was given.
    this.#served = Atomics.load(this.#words, agentWord(index, AGENT_COMMAND_GENERATION))
  }

  /**
   * The next command for this agent, or undefined when told to stop.
   * `between`, when given, runs each time the doorbell rings without a
   * command (a producer published on a ring the agent reads on its fast
   * path), and once before the first wait: it must return quickly.
   *
   * With `keepWarmMs`, an idle thread wakes that often and runs `rehearse`
   * (then `between`). A thread parked for a cycle's 10 ms wakes and runs
   * cold here: the tick-to-order bench's path with its ticks 10 ms apart
   * took p50 ~190–250 µs against ~25 µs with ticks ~80 µs apart, and one
   * routing decision after a 10 ms sleep ~12 µs against ~0.9 µs back to
   * back. Waking every millisecond to run the path on current data brought
   * that p50 to ~65–120 µs; a wake costs ~18 µs of CPU, ~2% of a core at
   * 1 ms.
   *
   * A block-mode follower answers without a promise while no turn of its
   * event loop is due: it sleeps on the futex, which is synchronous, and an
   * async function's promise and the await on it were most of what each
   * step allocated on an agent's thread (see `followBarrier` in agent-host.ts).
   */
  next(between?: () => void, rehearse?: () => void): IssuedCommand | undefined | Promise<IssuedCommand | undefined> {
    if (this.mode === 'async') return this.#waitAsync(between, rehearse)
    // Let control messages that arrived meanwhile be served, every few
    // milliseconds rather than every step: a turn of the event loop after
    // each ack would compete for the cores with the next step's agents.
    if (performance.now() - this.#lastYieldMs >= YIELD_EVERY_MS) return this.#blockAfterYield(between, rehearse)
    const found = this.#blockUntilCommand(between, rehearse)
    return found === YIELD_DUE ? this.#blockAfterYield(between, rehearse) : found
  }

  /**
   * Block mode: sleeps on the doorbell until a command comes, or until the
   * event loop is due a turn (a timed-out slice), which it leaves to the caller.
   */
  #blockUntilCommand(between: (() => void) | undefined, rehearse: (() => void) | undefined): IssuedCommand | undefined | typeof YIELD_DUE {
    const words = this.#words
    const doorbellWord = agentWord(this.#index, AGENT_DOORBELL)
    const warm = this.keepWarmMs > 0
    for (;;) {
      // Read the doorbell before looking for work: a ring after the look
      // changes it, so the sleep below returns at once instead of sleeping
      // through it.
      const bell = Atomics.load(words, doorbellWord)
      const found = this.#command()
      if (found !== NO_COMMAND) return found
      if (between !== undefined) between()
      if (this.#futex.sleep(words, doorbellWord, bell, warm ? this.keepWarmMs : this.sliceMs) === 'timed-out') {
        if (warm) rehearse?.()
        // Control messages are served a slice apart, however often the thread wakes to keep warm.
        if (!warm || performance.now() - this.#lastYieldMs >= this.sliceMs) return YIELD_DUE
      }
    }
  }

  /** Block mode, after a turn of the event loop, and another after each slice that times out. */
  async #blockAfterYield(between: (() => void) | undefined, rehearse: (() => void) | undefined): Promise<IssuedCommand | undefined> {
    for (;;) {
      await this.#yield()
      const found = this.#blockUntilCommand(between, rehearse)
      if (found !== YIELD_DUE) return found
    }
  }

  /** Async mode: `Atomics.waitAsync` on the doorbell, the event loop running throughout. */
  async #waitAsync(between: (() => void) | undefined, rehearse: (() => void) | undefined): Promise<IssuedCommand | undefined> {
    const words = this.#words
    const doorbellWord = agentWord(this.#index, AGENT_DOORBELL)
    for (;;) {
      const bell = Atomics.load(words, doorbellWord)
      const found = this.#command()
      if (found !== NO_COMMAND) return found
      if (between !== undefined) between()
      const warm = this.keepWarmMs > 0
      const waited = warm ? Atomics.waitAsync(words, doorbellWord, bell, this.keepWarmMs) : Atomics.waitAsync(words, doorbellWord, bell)
      if (waited.async && (await waited.value) === 'timed-out') rehearse?.()
    }
  }

  /** The command waiting for this agent, undefined to stop, or NO_COMMAND. */
  #command(): IssuedCommand | undefined | typeof NO_COMMAND {
    const words = this.#words
    const generation = Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_GENERATION))
    if (generation === STOP_GENERATION) return undefined
    if (generation === this.#served || generation === 0) return NO_COMMAND
    this.#served = generation
    const flags = Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_FLAGS))
    return {
      generation,
      cycle: Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_CYCLE)),
      step: Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_STEP)) as CycleStep,
      riskVerdict: (flags & FLAG_RISK_VERDICT) !== 0,
      safeMode: (flags & FLAG_SAFE_MODE) !== 0,
      chainPosition: Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_CHAIN_POSITION)),
    }
  }

  async #yield(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    this.#lastYieldMs = performance.now()
  }

  /** Acknowledges a command; the step's last agent wakes the coordinator, or in a chain issues the next step. */
  ack(command: IssuedCommand, ok: boolean, durationUs: number): void {
    const words = this.#words
    const generation = command.generation
    const duration = Math.min(0x7fffffff, Math.round(durationUs))
    const position = command.chainPosition
    if (position >= 0) {
      Atomics.store(words, chainAckWord(this.#index, position, CHAIN_ACK_STATUS), ok ? 0 : 1)
      Atomics.store(words, chainAckWord(this.#index, position, CHAIN_ACK_DURATION_US), duration)
      Atomics.store(words, chainAckWord(this.#index, position, CHAIN_ACK_GENERATION), generation)
      advanceChain(words, this.#float64, position, monotonicClock)
      return
    }
    Atomics.store(words, agentWord(this.#index, AGENT_ACK_STATUS), ok ? 0 : 1)
    Atomics.store(words, agentWord(this.#index, AGENT_ACK_DURATION_US), duration)
    Atomics.store(words, agentWord(this.#index, AGENT_ACK_GENERATION), generation)
    // Only the last of the step's agents wakes the coordinator.
    const lo = Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_PEERS_LO))
    const hi = Atomics.load(words, agentWord(this.#index, AGENT_COMMAND_PEERS_HI))
    for (let peer = 0; peer < 64; peer++) {
      const bit = peer < 32 ? (lo >>> peer) & 1 : (hi >>> (peer - 32)) & 1
      if (bit === 1 && Atomics.load(words, agentWord(peer, AGENT_ACK_GENERATION)) !== generation) return
    }
    Atomics.add(words, ARRIVALS, 1)
    this.#futex.wake(words, ARRIVALS)
  }
}
