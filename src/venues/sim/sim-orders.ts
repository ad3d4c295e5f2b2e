import { isWavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import { transition, type OrderEventKind } from '../../orders/order-state-machine.js'
import type { SimOrder } from './sim-order.js'

/**
 * Every order the sim venue has seen, by client order id (the idempotency
 * key, kept after an order ends so a retry finds it) and by venue order id,
 * which of them are open, and the one place their status changes: through
 * the order state machine, with an illegal change refused, logged and counted.
 */
export class SimOrders {
  readonly #byClientOrderId = new Map<string, SimOrder>()
  readonly #byVenueOrderId = new Map<number, SimOrder>()
  readonly #open = new Map<string, SimOrder>()
  readonly #log: Logger
  #nextVenueOrderId = 1
  #illegalTransitionCount = 0

  constructor(log: Logger) {
    this.#log = log
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

  openOrder(clientOrderId: string): SimOrder | undefined {
    return this.#open.get(clientOrderId)
  }

  /** A copy: callers may close orders while going through it. */
  openOrders(): SimOrder[] {
    return [...this.#open.values()]
  }

  move(sim: SimOrder, event: OrderEventKind, tsNs: number): void {
    try {
      sim.status = transition(sim.status, event, sim.statusBeforeCancel)
      sim.updatedTsNs = tsNs
    } catch (err) {
      if (!isWavesError(err, 'ERR_ORDER_TRANSITION')) throw err
      this.#illegalTransitionCount++
      this.#log.warn({ err, clientOrderId: sim.clientOrderId, illegalTransitions: this.#illegalTransitionCount }, 'illegal order transition refused')
    }
  }
}
