import type { Logger } from '../../log/logger.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderTracker } from '../../orders/order-tracker.js'
import { OrderStatus, type RefusedRequest, type Side } from '../../schemas/index.js'

/** A child as execution remembers it while it is open: where it is, and when it is to be cancelled. */
export interface ChildOrder {
  readonly venueId: number
  readonly instrumentId: number
  readonly side: Side
  readonly sizeLots: number
  /** Its limit price, as sent. */
  readonly priceTicks: number
  /** A child of a good-till-cancel or day parent: it may rest at the venue. */
  readonly rests: boolean
  readonly sentNs: number
  /** When it is cancelled (again) unless it has ended, ns. */
  deadlineNs: number
  cancels: number
}

/** Plain data to restore open children after a restart: each with its status as last known. */
export type ChildSnapshot = Omit<ChildOrder, 'deadlineNs'> & { id: number; status: OrderStatus; filledLots: number }

export interface ChildTimeouts {
  /** Longest a child or its cancel may go unanswered, ns. */
  answerNs: number
  /** Longest a child may rest, ns. */
  restNs: number
}

/**
 * The children execution sent, each through the one order state machine
 * (`OrderTracker`), and when each is to be cancelled: a child the venue has
 * not acknowledged within the answer timeout, a resting one past the rest
 * timeout, and one whose cancel went unanswered, again. An immediate-or-
 * cancel child that was acknowledged is left to the venue, which ends it.
 */
export class ChildOrders {
  readonly #tracker: OrderTracker<number>
  readonly #open = new Map<number, ChildOrder>()
  readonly #timeouts: ChildTimeouts
  #nextDeadlineNs = Number.POSITIVE_INFINITY

  constructor(timeouts: ChildTimeouts, logger: Logger) {
    this.#timeouts = timeouts
    this.#tracker = new OrderTracker<number>(logger)
  }

  get illegalTransitionCount(): number {
    return this.#tracker.illegalTransitionCount
  }

  get openCount(): number {
    return this.#open.size
  }

  get(id: number): Readonly<ChildOrder> | undefined {
    return this.#open.get(id)
  }

  status(id: number): OrderStatus | undefined {
    return this.#tracker.get(id)?.status
  }

  sent(id: number, child: Omit<ChildOrder, 'deadlineNs' | 'cancels'>): void {
    this.#tracker.send(id, child.sizeLots)
    const open = { ...child, deadlineNs: 0, cancels: 0 }
    this.#open.set(id, open)
    this.#rearm(open, OrderStatus.New, child.sentNs)
  }

  /**
   * A venue's answer about a child. Returns its status after it, or
   * undefined for an id execution did not send (the fast path's). A child
   * that has ended is forgotten.
   */
  answer(id: number, status: OrderStatus, filledLots: number, refused: RefusedRequest, nowNs: number): OrderStatus | undefined {
    const open = this.#open.get(id)
    if (open === undefined) return undefined
    this.#tracker.onVenueUpdate({ clientOrderId: id, status, filledLots, refused })
    const now = this.#tracker.get(id)!.status
    if (isTerminal(now)) {
      this.#open.delete(id)
      this.#tracker.forget(id)
    } else {
      this.#rearm(open, now, nowNs)
    }
    return now
  }

  /** Whether any child's deadline has passed: one comparison, for the fast path. */
  anyDue(nowNs: number): boolean {
    return this.#nextDeadlineNs <= nowNs
  }

  /** Children whose deadline has passed, in the order they were sent. */
  due(nowNs: number): number[] {
    const out: number[] = []
    let next = Number.POSITIVE_INFINITY
    for (const [id, open] of this.#open) {
      if (open.deadlineNs <= nowNs) out.push(id)
      if (open.deadlineNs < next) next = open.deadlineNs
    }
    // A due child stays due until its cancel is sent (`cancelSent` moves its deadline on).
    this.#nextDeadlineNs = next
    return out
  }

  /** Whether a child that may rest has been out for its whole rest time by `nowNs`: its lots are not to be worked any longer. */
  restOver(id: number, nowNs: number): boolean {
    const open = this.#open.get(id)
    return open !== undefined && open.rests && nowNs >= open.sentNs + this.#timeouts.restNs
  }

  /** Children that rest, or may, on one venue or on all: what a stopping engine, or a venue taken down, cancels. */
  resting(venueId?: number): number[] {
    return [...this.#open].filter(([, open]) => open.rests && (venueId === undefined || open.venueId === venueId)).map(([id]) => id)
  }

  /** A cancel of the child went out: it waits on the venue, and gets another if that goes unanswered. */
  cancelSent(id: number, nowNs: number): void {
    const open = this.#open.get(id)
    if (open === undefined) return
    this.#tracker.requestCancel(id)
    open.cancels++
    this.#rearm(open, this.#tracker.get(id)!.status, nowNs)
  }

  /** Open children by status name, for health. */
  byStatus(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const id of this.#open.keys()) {
      const name = OrderStatus[this.#tracker.get(id)!.status] ?? 'unknown'
      out[name] = (out[name] ?? 0) + 1
    }
    return out
  }

  snapshot(): ChildSnapshot[] {
    return [...this.#open].map(([id, { deadlineNs, ...open }]) => ({ id, ...open, status: this.#tracker.get(id)!.status, filledLots: this.#tracker.get(id)!.filledLots }))
  }

  restore(children: readonly ChildSnapshot[], nowNs: number): void {
    for (const { id, status, filledLots, cancels, ...child } of children) {
      this.sent(id, child)
      this.#tracker.onVenueUpdate({ clientOrderId: id, status: status === OrderStatus.CancelPending ? OrderStatus.Acknowledged : status, filledLots })
      if (status === OrderStatus.CancelPending) this.cancelSent(id, nowNs)
    }
  }

  #rearm(open: ChildOrder, status: OrderStatus, nowNs: number): void {
    const { answerNs, restNs } = this.#timeouts
    let deadlineNs: number
    if (status === OrderStatus.CancelPending) deadlineNs = nowNs + answerNs
    else if (status === OrderStatus.New) deadlineNs = open.sentNs + Math.min(answerNs, open.rests ? restNs : Number.POSITIVE_INFINITY)
    else deadlineNs = open.rests ? open.sentNs + restNs : Number.POSITIVE_INFINITY
    // After a refused cancel the rest deadline has passed already: the next try waits an answer timeout.
    if (open.cancels > 0 && status !== OrderStatus.CancelPending) deadlineNs = Math.max(deadlineNs, nowNs + answerNs)
    open.deadlineNs = deadlineNs
    if (deadlineNs < this.#nextDeadlineNs) this.#nextDeadlineNs = deadlineNs
  }
}
