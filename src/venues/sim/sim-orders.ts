import { isWavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import { isTerminal, transition, type OrderEventKind } from '../../orders/order-state-machine.js'
import type { SimOrder } from './sim-order.js'

/**
 * Every order the sim venue has seen, by client order id (the idempotency
 * key, kept after an order ends so a retry finds it) and by venue order id,
 * which of them are open, and the one place their status changes: through
 * the order state machine, with an illegal change refused, logged and counted.
 */
/** Finished orders a venue keeps answerable by default. */
export const DEFAULT_FINISHED_KEPT = 100_000

export class SimOrders {
  readonly #byClientOrderId = new Map<string, SimOrder>()
  readonly #byVenueOrderId = new Map<number, SimOrder>()
  readonly #open = new Map<string, SimOrder>()
  readonly #log: Logger
  /** Finished orders still answerable by id, oldest first (from `#finishedHead`). */
  readonly #finished: SimOrder[] = []
  #finishedHead = 0
  readonly #finishedKept: number
  #nextVenueOrderId = 1
  #illegalTransitionCount = 0

  /**
   * `finishedKept`: how many finished orders stay answerable (lookups, and
   * the idempotency of a late retry under the same client id). Older ones
   * are forgotten, so a long-running venue's memory stays bounded, as a real
   * venue's order history does.
   */
  constructor(log: Logger, finishedKept = DEFAULT_FINISHED_KEPT) {
    this.#log = log
    this.#finishedKept = finishedKept
  }

  /** Orders held: open, and finished still answerable. */
  get size(): number {
    return this.#byClientOrderId.size
  }

  get illegalTransitionCount(): number {
    return this.#illegalTransitionCount
  }

  nextVenueOrderId(): number {
    return this.#nextVenueOrderId++
  }

  get(clientOrderId: string): SimOrder | undefined {
    return this.#byClientOrderId.get(clientOrderId)
  }

  byVenueOrderId(venueOrderId: number): SimOrder | undefined {
    return this.#byVenueOrderId.get(venueOrderId)
  }

  /** Records an order; a venue order id of 0 (never accepted) is not indexed. */
  add(sim: SimOrder): void {
    this.#byClientOrderId.set(sim.clientOrderId, sim)
    if (sim.venueOrderId !== 0) this.#byVenueOrderId.set(sim.venueOrderId, sim)
  }

  markOpen(sim: SimOrder): void {
    this.#open.set(sim.clientOrderId, sim)
  }

  /** Returns whether it was open. */
  markClosed(sim: SimOrder): boolean {
    return this.#open.delete(sim.clientOrderId)
  }

  #rememberFinished(sim: SimOrder): void {
    this.#finished.push(sim)
    if (this.#finished.length - this.#finishedHead <= this.#finishedKept) return
    const oldest = this.#finished[this.#finishedHead]!
    this.#finished[this.#finishedHead++] = undefined as never
    if (this.#byClientOrderId.get(oldest.clientOrderId) === oldest) this.#byClientOrderId.delete(oldest.clientOrderId)
    if (this.#byVenueOrderId.get(oldest.venueOrderId) === oldest) this.#byVenueOrderId.delete(oldest.venueOrderId)
    // Drop the forgotten head now and then, not on every order.
    if (this.#finishedHead >= 4096 && this.#finishedHead * 2 >= this.#finished.length) {
      this.#finished.splice(0, this.#finishedHead)
      this.#finishedHead = 0
    }
  }

  openOrder(clientOrderId: string): SimOrder | undefined {
    return this.#open.get(clientOrderId)
  }

  /** A copy: callers may close orders while going through it. */
  openOrders(): SimOrder[] {
    return [...this.#open.values()]
  }

  move(sim: SimOrder, event: OrderEventKind, tsNs: number): void {
    try {
      const wasTerminal = isTerminal(sim.status)
      sim.status = transition(sim.status, event, sim.statusBeforeCancel)
      sim.updatedTsNs = tsNs
      if (!wasTerminal && isTerminal(sim.status)) this.#rememberFinished(sim)
    } catch (err) {
      if (!isWavesError(err, 'ERR_ORDER_TRANSITION')) throw err
      this.#illegalTransitionCount++
      this.#log.warn({ err, clientOrderId: sim.clientOrderId, illegalTransitions: this.#illegalTransitionCount }, 'illegal order transition refused')
    }
  }
}
