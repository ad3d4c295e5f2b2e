import { BookResync } from '../feeds/book-resync.js'
import { monotonicClock } from '../clock/clock.js'
import { messageOf } from '../errors/index.js'
import type { ComputeRunner } from '../agents/agent.js'
import type { AgentRegistration } from '../agents/registry.js'
import { childLogger } from '../log/logger.js'
import { compiledModuleUrl } from '../runtime/package-root.js'
import { lowPauseHeap } from '../runtime/low-pause-heap.js'
import type { AgentConfigPayload, AgentHostData } from './agent-host-api.js'
import { AgentSlot } from './agent-slot.js'
import { AgentThread, withTimeout } from './agent-thread.js'
import { FLAG_SAFE_MODE } from './control-layout.js'
import { CycleMetrics } from './cycle-metrics.js'
import type { RingName } from './topology.js'
import { OverrunLog, overrunOf, type CycleSteps } from './overrun.js'
import { nextCycleStart } from './schedule.js'
import { StepBarrier, type BarrierParticipant, type ChainStep, type StepOutcome } from './step-barrier.js'
import { CYCLE_STEPS, CycleStep, stepName } from './steps.js'
import { restartDelayMs, type BackoffSettings, type BreakerSettings } from './supervision.js'

export interface CoordinatorSettings {
  intervalMs: number
  initDeadlineMs: number
  /** Per agent: how long the barrier waits for it in a step. */
  stepDeadlineMs: (agent: string) => number
  backoff: BackoffSettings
  breaker: BreakerSettings
  /** Least time between two snapshots of the agents' state. */
  snapshotEveryMs: number
  /** Config handed to each agent's init: its section and the whole config. */
  agentConfig: (agent: string) => AgentConfigPayload
  /** How often an idle agent with a fast path wakes to rehearse it, ms; 0 or absent: never (see `StepFollower.next`). */
  keepWarmMs?: number
  /**
   * How long the main thread sleeps on a step synchronously, on the futex,
   * before it waits through its event loop; default 1 ms (see `StepBarrier`).
   */
  barrierBlockMs?: number
}

export interface DataPlane {
  rings: Record<string, SharedArrayBuffer>
  boards: Record<string, SharedArrayBuffer>
  /** Whether each venue takes orders (`VenueHealthBoard`): written by the adapters, read by whoever routes. */
  venueHealth: SharedArrayBuffer
  /** A restarted reader of the market ring asks data_feeds for whole books here (`BookResync`). */
  bookResync: SharedArrayBuffer
  /** Rings an agent touches, and its consumer id on each it reads. */
  ringsOf: (agent: string) => { rings: string[]; consumerIds: Record<string, number> }
}

export type CoordinatorState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'

const STOP_TIMEOUT_MS = 5_000
/** The last stretch before a cycle boundary, waited without a timer. */
const FINE_WAIT_MS = 1.5
/**
 * Longest the main thread goes without a turn of its event loop while
 * cycles run back to back (an interval shorter than the cycle): the
 * barrier's waits are mostly synchronous, and without a turn no timer,
 * worker crash event or control message is served (the agents' threads
 * keep the same bound, `YIELD_EVERY_MS`).
 */
const EVENT_LOOP_TURN_MS = 20

/**
 * Whether a step's outcome may mark the agent in `slot`. A thread that
 * crashed while a step waited for it is the supervisor's now (restarting,
 * or behind an open breaker), and so is the new thread starting in its
 * slot: only that thread's own initialize step may mark it, never the
 * lateness of a step its predecessor was in.
 */
function accountable(slot: AgentSlot, step: CycleStep): boolean {
  return slot.participating || (step === CycleStep.Initialize && slot.state === 'starting')
}

/**
 * The main thread's conductor: starts an agent thread per registration,
 * drives steps 2–9 of every cycle through the step barrier on interval
 * boundaries, degrades late agents instead of stalling, fails closed when
 * risk gives no verdict, and restarts crashed threads with backoff behind a
 * breaker.
 */
export class Coordinator {
  readonly settings: CoordinatorSettings
  readonly metrics = new CycleMetrics()
  readonly #slots: AgentSlot[]
  readonly #barrier: StepBarrier
  readonly #plane: DataPlane
  readonly #bookResync: BookResync
  readonly #compute: ComputeRunner
  readonly #log = childLogger({ component: 'coordinator' })
  readonly #overrunLog = new OverrunLog(this.#log)
  #state: CoordinatorState = 'idle'
  #cycle = 0
  #loop: Promise<void> | undefined
  #wake: (() => void) | undefined
  #sleepTimer: NodeJS.Timeout | undefined
  /** When the cycle loop last let the event loop turn, ms on the clock. */
  #lastTurnMs = 0
  /** Slots of the agents whose step must be acknowledged for new orders to go out (risk). */
  readonly #failClosed: readonly number[]
  #lastSnapshotMs = -Infinity
  /** A word nobody writes: waiting on it is a precise sleep. */
  readonly #fineWait = new Int32Array(new SharedArrayBuffer(4))

  constructor(registrations: readonly AgentRegistration[], plane: DataPlane, compute: ComputeRunner, settings: CoordinatorSettings) {
    this.settings = settings
    this.#plane = plane
    this.#bookResync = BookResync.attach(plane.bookResync)
    this.#compute = compute
    this.#slots = registrations.map((r, i) => new AgentSlot(r, i, settings.breaker))
    this.#failClosed = this.#slots.filter((s) => s.registration.failClosed === true).map((s) => s.index)
    this.#barrier = new StepBarrier(registrations.length, monotonicClock, settings.barrierBlockMs)
  }

  get state(): CoordinatorState {
    return this.#state
  }

  get cycle(): number {
    return this.#cycle
  }

  get slots(): readonly AgentSlot[] {
    return this.#slots
  }

  /** A breaker is open somewhere: no new orders until an operator resets it. */
  get safeMode(): boolean {
    return this.#slots.some((s) => s.breaker.open)
  }

  /** Starts every agent thread, runs step 1 (initialize) across all, then cycles. */
  async start(): Promise<void> {
    this.#state = 'starting'
    await Promise.all(this.#slots.map((slot) => this.#startThread(slot)))
    // A slot whose first thread already crashed runs step 1 in its own restart.
    await this.#initializeStep(this.#slots.filter((s) => s.state === 'starting' && s.restarts === 0))
    this.#state = 'running'
    this.#loop = this.#cycleLoop()
  }

  /**
   * Aborts the cycle in flight (its remaining steps are skipped, agents still
   * working are not waited for), stops every agent thread, and waits for each
   * to end.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'idle') return
    this.#state = 'stopping'
    this.#wake?.()
    this.#barrier.abort()
    await this.#loop
    for (const slot of this.#slots) clearTimeout(slot.restartTimer)
    const absent = this.#slots.filter((s) => s.thread === undefined)
    if (absent.length > 0) {
      this.#log.warn({ agents: absent.map((s) => `${s.name} (${s.state})`) }, 'stopping with agents not running, which take no part in the wind-down')
    }
    // Group by group (see AgentRegistration.stopOrder): a later group still runs while an earlier one winds down.
    for (const group of stopGroups(this.#slots)) {
      this.#barrier.stop(group.map((s) => s.index))
      await Promise.all(
        group.map(async (slot) => {
          const last = await slot.thread?.stop(STOP_TIMEOUT_MS)
          if (last !== undefined) slot.lastHealth = last
          slot.thread = undefined
          slot.state = 'stopped'
        }),
      )
    }
    this.#state = 'stopped'
    this.#log.info({ cycles: this.metrics.totalCycles }, 'coordinator stopped')
  }

  /** Hands every running agent its config again (after the engine's config changed); restarts pick it up too. */
  async reconfigure(): Promise<void> {
    await Promise.all(
      this.#slots.map(async (slot) => {
        const thread = slot.thread
        if (!thread || !slot.participating) return
        await withTimeout(thread.api.configure(this.settings.agentConfig(slot.name)), this.settings.initDeadlineMs, `configure of ${slot.name}`, { agent: slot.name })
      }),
    )
  }

  /** Closes the breaker of one agent (or all) and restarts what it had kept down. */
  resetBreaker(agent?: string): string[] {
    const reset: string[] = []
    for (const slot of this.#slots) {
      if ((agent === undefined || slot.name === agent) && slot.breaker.open) {
        slot.breaker.reset()
        reset.push(slot.name)
        this.#log.warn({ agent: slot.name }, 'breaker reset by operator; restarting agent')
        if (this.#state === 'running') this.#scheduleRestart(slot, 0)
      }
    }
    return reset
  }

  async #startThread(slot: AgentSlot): Promise<void> {
    const { rings, consumerIds } = this.#plane.ringsOf(slot.name)
    const module = slot.registration.module
    const fastPath = (slot.registration.fastPath?.length ?? 0) > 0
    const data: AgentHostData = {
      name: slot.name,
      index: slot.index,
      moduleUrl: (typeof module === 'string' ? compiledModuleUrl(module) : module).href,
      control: this.#barrier.sab,
      rings: Object.fromEntries(rings.map((r) => [r, this.#plane.rings[r]!])),
      consumerIds,
      boards: this.#plane.boards,
      venueHealth: this.#plane.venueHealth,
      bookResync: this.#plane.bookResync,
      wait: slot.registration.wait ?? 'block',
      fastPathReaders: Object.fromEntries(
        rings.map((ring) => [ring, this.#slots.filter((s) => s.registration.fastPath?.includes(ring as RingName) === true && s !== slot).map((s) => s.index)]),
      ),
      fastPath,
      // Only an agent with a fast path has one to keep warm.
      keepWarmMs: fastPath ? (this.settings.keepWarmMs ?? 0) : 0,
    }
    this.#barrier.resetSlot(slot.index)
    slot.state = 'starting'
    const young = slot.registration.youngGenerationMb
    const thread = new AgentThread(data, this.#compute, (reason) => this.#onCrash(slot, thread, reason), young === undefined ? undefined : lowPauseHeap(young))
    slot.thread = thread
    try {
      await withTimeout(thread.api.init(this.settings.agentConfig(slot.name), slot.lastSnapshot), this.settings.initDeadlineMs, `init of agent ${slot.name}`, {
        agent: slot.name,
      })
    } catch (err) {
      slot.lastError = messageOf(err)
      this.#log.error({ agent: slot.name, err }, 'agent init failed')
      await thread.terminate()
      if (slot.thread === thread) this.#onCrash(slot, thread, `init failed: ${slot.lastError}`)
    }
  }

  /** Step 1 for the given agents: at start, and for each agent after its restart. */
  async #initializeStep(slots: AgentSlot[]): Promise<void> {
    const participants = slots.map((s) => ({ index: s.index, deadlineMs: this.settings.initDeadlineMs }))
    const outcome = await this.#barrier.run(this.#cycle, CycleStep.Initialize, this.safeMode ? FLAG_SAFE_MODE : 0, participants)
    this.#account(CycleStep.Initialize, outcome)
    for (const slot of slots) if (slot.state === 'starting') slot.state = 'degraded'
  }

  async #cycleLoop(): Promise<void> {
    const firstStartMs = monotonicClock.nowNs() / 1e6
    let plannedMs = firstStartMs
    while (this.#state === 'running') {
      await this.#sleepUntil(plannedMs)
      if (this.#state !== 'running') break
      const startNs = monotonicClock.nowNs()
      this.metrics.recordStartLag(startNs - plannedMs * 1e6)
      const slowest = await this.#runCycle()
      const endedNs = monotonicClock.nowNs()
      const next = nextCycleStart(firstStartMs, this.settings.intervalMs, plannedMs, endedNs / 1e6)
      if (next.overrun) {
        const overrun = overrunOf(this.#cycle, plannedMs * 1e6, startNs, endedNs, slowest, next.skipped)
        this.metrics.recordOverrun(overrun)
        this.#overrunLog.record(overrun, endedNs / 1e6)
      }
      plannedMs = next.startMs
    }
  }

  /**
   * Sleeps until `atMs`. Node timers fire late by up to a millisecond, so the
   * last stretch is slept in `Atomics.wait` on a private word: precise, and
   * free of the allocations a loop of event-loop turns makes (that loop was
   * the main thread's largest source of garbage). It holds the event loop
   * for at most FINE_WAIT_MS per cycle, and turns it at least every
   * EVENT_LOOP_TURN_MS when cycles run back to back.
   */
  async #sleepUntil(atMs: number): Promise<void> {
    const nowMs = monotonicClock.nowNs() / 1e6
    const coarseMs = atMs - nowMs - FINE_WAIT_MS
    if (coarseMs > 0) {
      await new Promise<void>((resolve) => {
        this.#wake = () => {
          clearTimeout(this.#sleepTimer)
          this.#wake = undefined
          resolve()
        }
        this.#sleepTimer = setTimeout(this.#wake, coarseMs)
      })
      this.#lastTurnMs = monotonicClock.nowNs() / 1e6
    } else if (nowMs - this.#lastTurnMs >= EVENT_LOOP_TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      this.#lastTurnMs = monotonicClock.nowNs() / 1e6
    }
    const remainingMs = atMs - monotonicClock.nowNs() / 1e6
    if (this.#state === 'running' && remainingMs > 0) Atomics.wait(this.#fineWait, 0, 0, remainingMs)
  }

  /** Runs one cycle; returns how its steps took their time, or nothing when stop cut it short. */
  async #runCycle(): Promise<CycleSteps | undefined> {
    const cycle = ++this.#cycle
    const startNs = monotonicClock.nowNs()
    let healthy = true
    const chain: ChainStep[] = []
    for (const step of CYCLE_STEPS) {
      const participants: BarrierParticipant[] = []
      for (const slot of this.#slots) {
        if (!slot.registration.steps.includes(step)) continue
        slot.expected++
        if (slot.participating) participants.push({ index: slot.index, deadlineMs: this.settings.stepDeadlineMs(slot.name) })
        else healthy = false // down: its last good output stands in
      }
      chain.push({ step, participants })
    }
    const outcomes = await this.#barrier.runCycle(cycle, chain, this.safeMode ? FLAG_SAFE_MODE : 0, this.#failClosed)
    let slowest = 0
    let totalNs = 0
    let cut = false
    for (let position = 0; position < outcomes.length; position++) {
      const outcome = outcomes[position]!
      if (!this.#account(chain[position]!.step, outcome, cycle)) healthy = false
      totalNs += outcome.elapsedNs
      if (outcome.elapsedNs > outcomes[slowest]!.elapsedNs) slowest = position
      if (outcome.cut.length > 0) cut = true
    }
    // Stop cut it short: a step that never began, or agents still within their deadlines.
    if (outcomes.length < chain.length || cut) {
      this.metrics.recordAborted()
      this.#log.info({ cycle, stepsBegun: outcomes.length, steps: chain.length }, 'cycle in flight aborted by stop')
      return undefined
    }
    this.metrics.recordCycle(monotonicClock.nowNs() - startNs, healthy)
    this.#maybeSnapshot()
    if (outcomes.length === 0) return undefined
    return { slowest: stepName(chain[slowest]!.step), slowestNs: outcomes[slowest]!.elapsedNs, totalNs }
  }

  /** Folds one step's outcome into the agents' states and statistics; false if anything went wrong. */
  #account(step: CycleStep, outcome: StepOutcome, cycle = this.#cycle): boolean {
    this.metrics.recordStep(stepName(step), outcome.elapsedNs)
    let clean = true
    for (const ack of outcome.acked) {
      const slot = this.#slots[ack.index]!
      slot.responseTime.recordNs(ack.durationUs * 1000)
      slot.lastCycle = cycle
      if (ack.ok) {
        if (step !== CycleStep.Initialize) slot.acknowledged++
        if (accountable(slot, step) && (slot.state === 'degraded' || slot.state === 'starting')) {
          if (slot.state === 'degraded') this.#log.info({ agent: slot.name, cycle }, 'agent recovered')
          slot.state = 'ready'
        }
      } else {
        clean = false
        slot.errorCount++
        if (!accountable(slot, step)) continue
        if (slot.state !== 'degraded') this.#log.warn({ agent: slot.name, cycle, step: stepName(step) }, 'agent step failed; agent degraded')
        slot.state = 'degraded'
      }
    }
    for (const index of outcome.late) {
      clean = false
      const slot = this.#slots[index]!
      if (!accountable(slot, step)) continue
      slot.lateCount++
      if (slot.state !== 'degraded') {
        this.#log.warn({ agent: slot.name, cycle, step: stepName(step), deadlineMs: this.settings.stepDeadlineMs(slot.name) }, 'agent missed its step deadline; degraded, its last good output stands')
      }
      slot.state = 'degraded'
    }
    return clean
  }

  #maybeSnapshot(): void {
    const nowMs = monotonicClock.nowNs() / 1e6
    if (nowMs - this.#lastSnapshotMs < this.settings.snapshotEveryMs) return
    this.#lastSnapshotMs = nowMs
    for (const slot of this.#slots) {
      const thread = slot.thread
      // A thread crashed, restarting or not yet through step 1 has no state of its own to give: asked, it would only time out.
      if (!thread || !slot.participating || (slot.state !== 'ready' && slot.state !== 'degraded')) continue
      withTimeout(thread.api.snapshot(), this.settings.initDeadlineMs, `snapshot of ${slot.name}`, { agent: slot.name })
        .then((snapshot) => {
          if (snapshot !== undefined) slot.lastSnapshot = snapshot
        })
        .catch((err: unknown) => this.#log.warn({ agent: slot.name, err }, 'snapshot failed'))
    }
  }

  #onCrash(slot: AgentSlot, thread: AgentThread, reason: string): void {
    if (slot.thread !== thread || this.#state === 'stopping' || this.#state === 'stopped') return
    slot.thread = undefined
    slot.crashes++
    slot.lastError = reason
    this.metrics.crashes++
    const opened = slot.breaker.recordCrash(monotonicClock.nowNs() / 1e6)
    if (opened || slot.breaker.open) {
      slot.state = 'breaker_open'
      this.#log.error({ agent: slot.name, reason, crashes: slot.breaker.recentCrashes }, 'agent crashed again: breaker open, engine in safe mode until an operator resets it')
      return
    }
    slot.state = 'crashed'
    const delayMs = restartDelayMs(slot.breaker.recentCrashes, this.settings.backoff)
    this.#log.error({ agent: slot.name, reason, restartInMs: delayMs }, 'agent thread crashed; restarting it')
    this.#scheduleRestart(slot, delayMs)
  }

  #scheduleRestart(slot: AgentSlot, delayMs: number): void {
    slot.state = 'restarting'
    clearTimeout(slot.restartTimer)
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined
      void this.#restart(slot)
    }, delayMs)
  }

  async #restart(slot: AgentSlot): Promise<void> {
    if (this.#state !== 'running' && this.#state !== 'starting') return
    slot.restarts++
    await this.#startThread(slot)
    if (slot.state !== 'starting') return // init failed and was handled as a crash
    await this.#initializeStep([slot])
    this.#log.info({ agent: slot.name, restarts: slot.restarts, state: slot.state }, 'agent restarted from its last snapshot')
    // It reads the market from where the ring is now: the books it had come back whole only with a snapshot.
    if (this.#plane.ringsOf(slot.name).consumerIds['market'] !== undefined) {
      this.#bookResync.request()
      this.metrics.bookResyncs++
    }
  }
}

/** The slots in groups of equal `stopOrder`, lowest first, each in registration order. */
function stopGroups(slots: readonly AgentSlot[]): AgentSlot[][] {
  const orders = [...new Set(slots.map((s) => s.registration.stopOrder ?? 0))].sort((a, b) => a - b)
  return orders.map((order) => slots.filter((s) => (s.registration.stopOrder ?? 0) === order))
}
