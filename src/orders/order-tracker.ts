import { isWavesError } from '../errors/index.js'
import { childLogger, type Logger } from '../log/logger.js'
import { RefusedRequest } from '../schemas/index.js'
import { OrderStatus, fillEvent, isTerminal, transition, type OrderEventKind } from './order-state-machine.js'

/** What a venue said about one order: its status and cumulative fill. */
export interface VenueOrderUpdate<Id = string> {
  clientOrderId: Id
  status: OrderStatus
  filledLots: number
  /** Set when the venue refused a cancel or amend of the order: `status` is then the order's own. */
  refused?: RefusedRequest | undefined
}

/** The sender's view of one order. */
export interface TrackedOrder<Id = string> {
  readonly clientOrderId: Id
  readonly sizeLots: number
  status: OrderStatus
  filledLots: number
  statusBeforeCancel: OrderStatus | undefined
}

/** What the sender should do with a request: send it, or not (with why). */
export type SendDecision = { send: true } | { send: false; why: 'live' | 'finished' }

/**
 * The sender's side of the order lifecycle, keyed by client order id. Every
 * change goes through the one transition table; venue updates are applied
 * idempotently (a repeated or stale report changes nothing), so a timeout and
 * a retry under the same id can never leave two live orders: the retry goes
 * out under the id the venue already knows, and the venue answers for the
 * one order. Illegal changes are refused, logged and counted. Ids are the
 * sender's: text for a venue's, numbers for the engine's rings.
 */
export class OrderTracker<Id = string> {
  readonly #orders = new Map<Id, TrackedOrder<Id>>()
  readonly #log: Logger
  #illegalTransitionCount = 0

  constructor(logger?: Logger) {
    this.#log = logger ?? childLogger({ component: 'order-tracker' })
  }

  get illegalTransitionCount(): number {
    return this.#illegalTransitionCount
  }

  get(clientOrderId: Id): Readonly<TrackedOrder<Id>> | undefined {
    return this.#orders.get(clientOrderId)
  }

  /**
   * Before sending a new order (or re-sending it after a timeout): a first
   * send registers it as New; a re-send of an order not yet finished goes out
   * again under the same id; a finished one is not sent again.
   */
  send(clientOrderId: Id, sizeLots: number): SendDecision {
    const known = this.#orders.get(clientOrderId)
    if (known === undefined) {
      this.#orders.set(clientOrderId, { clientOrderId, sizeLots, status: OrderStatus.New, filledLots: 0, statusBeforeCancel: undefined })
      return { send: true }
    }
    return isTerminal(known.status) ? { send: false, why: 'finished' } : { send: true }
  }

  /** Before sending a cancel: false when there is nothing to cancel (unknown or finished). */
  requestCancel(clientOrderId: Id): boolean {
    const order = this.#orders.get(clientOrderId)
    if (order === undefined || isTerminal(order.status)) return false
    if (order.status !== OrderStatus.CancelPending) order.statusBeforeCancel = order.status
    return this.#apply(order, 'cancel_request')
  }

  /**
   * A venue's report. Returns whether it changed the order. A refusal of a
   * cancel or amend first moves the order as the status it carries says (a
   * cancel that came too late finds it Filled), then, if the order is still
   * waiting on its cancel, puts it back where it was.
   */
  onVenueUpdate(update: VenueOrderUpdate<Id>): boolean {
    const order = this.#orders.get(update.clientOrderId)
    if (order === undefined) return false
    const events = this.#eventsFor(order, update)
    let changed = false
    for (const event of events) {
      const applied = this.#apply(order, event)
      if (applied && (event === 'partial_fill' || event === 'fill')) order.filledLots = update.filledLots
      changed = applied || changed
    }
    const refused = update.refused !== undefined && update.refused !== RefusedRequest.None
    // Refused before the venue acknowledged the order: its fate comes with a later report.
    const resumable = order.statusBeforeCancel === OrderStatus.Acknowledged || order.statusBeforeCancel === OrderStatus.PartiallyFilled
    if (refused && order.status === OrderStatus.CancelPending && resumable) changed = this.#apply(order, 'cancel_reject') || changed
    return changed
  }

  /** Orders not yet finished. */
  openOrders(): Readonly<TrackedOrder<Id>>[] {
    return [...this.#orders.values()].filter((order) => !isTerminal(order.status))
  }

  /** Drops a finished order (its story is told); false for one still open or unknown. */
  forget(clientOrderId: Id): boolean {
    const order = this.#orders.get(clientOrderId)
    return order !== undefined && isTerminal(order.status) && this.#orders.delete(clientOrderId)
  }

  /** Orders held, open and finished. */
  get size(): number {
    return this.#orders.size
  }

  /**
   * The events a report stands for, given what the tracker already knows: an
   * ack it has seen, or a fill no larger than the one it has, is nothing new;
   * a rejection of an order the venue had accepted is the venue refusing a
   * cancel; a report about a finished order is about a late request.
   */
  #eventsFor(order: TrackedOrder<Id>, update: VenueOrderUpdate<Id>): OrderEventKind[] {
    if (isTerminal(order.status)) return []
    const events: OrderEventKind[] = []
    const newFill = update.filledLots > order.filledLots
    const unacked = order.status === OrderStatus.New || (order.status === OrderStatus.CancelPending && order.statusBeforeCancel === OrderStatus.New)
    // A venue saying New has not acknowledged anything yet (a refusal about an order it has not seen).
    if (unacked && update.status !== OrderStatus.Rejected && update.status !== OrderStatus.New) events.push('ack')
    if (newFill) events.push(fillEvent(order.sizeLots - update.filledLots))
    switch (update.status) {
      case OrderStatus.Cancelled:
        events.push('cancelled')
        break
      case OrderStatus.Expired:
        events.push('expire')
        break
      case OrderStatus.Rejected:
        if (unacked) events.push('reject')
        else if (order.status === OrderStatus.CancelPending) events.push('cancel_reject')
        break
    }
    return events
  }

  #apply(order: TrackedOrder<Id>, event: OrderEventKind): boolean {
    try {
      const next = transition(order.status, event, order.statusBeforeCancel)
      if (event === 'ack' && order.statusBeforeCancel === OrderStatus.New) order.statusBeforeCancel = OrderStatus.Acknowledged
      if (event === 'partial_fill' && order.status === OrderStatus.CancelPending) order.statusBeforeCancel = OrderStatus.PartiallyFilled
      const changed = next !== order.status
      order.status = next
      return changed || event === 'partial_fill'
    } catch (err) {
      if (!isWavesError(err, 'ERR_ORDER_TRANSITION')) throw err
      this.#illegalTransitionCount++
      this.#log.warn({ err, clientOrderId: order.clientOrderId, illegalTransitions: this.#illegalTransitionCount }, 'illegal order transition refused')
      return false
    }
  }
}
