import type { Clock } from '../../clock/clock.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, RefusedRequest } from '../../schemas/index.js'
import type { Execution, OrderReport } from '../../venues/sim/venue-messages.js'
import { liveOrderFromSnapshot, liveOrderSnapshotOf, type LiveOrder, type LiveOrderSnapshot, type OrderState } from './ccxt-live-order.js'
import type { FillFields, OrderEventFields } from './fill-ring-writer.js'
import type { CcxtSessionCounters } from './ccxt-session-counters.js'
import type { FillRingWriter } from './fill-ring-writer.js'

export interface CcxtOrderBlotterOptions {
  writer: FillRingWriter
  clock: Clock
  counters: CcxtSessionCounters
  /** Rung after answers were written, so readers of the fill ring wake. */
  onAnswers: () => void
}

/**
 * The ccxt sessions' blotter: every order sent and not yet settled, by
 * client id, and what the fill ring has been told about each. A venue's
 * report is written only when it changes what the ring last said, a fill
 * only once per venue trade; an order is forgotten once it has ended and
 * its fills are in, and everything known of it goes with it.
 */
export class CcxtOrderBlotter {
  readonly #live = new Map<number, LiveOrder>()
  readonly #writer: FillRingWriter
  readonly #clock: Clock
  readonly #counters: CcxtSessionCounters
  readonly #onAnswers: () => void
  /** Answers written when the fill ring's readers were last woken. */
  #announced = 0

  constructor(options: CcxtOrderBlotterOptions) {
    this.#writer = options.writer
    this.#clock = options.clock
    this.#counters = options.counters
    this.#onAnswers = options.onAnswers
  }

  /** Live orders. */
  get size(): number {
    return this.#live.size
  }

  get(clientOrderId: number): LiveOrder | undefined {
    return this.#live.get(clientOrderId)
  }

  has(clientOrderId: number): boolean {
    return this.#live.has(clientOrderId)
  }

  add(clientOrderId: number, order: LiveOrder): void {
    this.#live.set(clientOrderId, order)
  }

  /** Drops an order whose story is told otherwise (refused, never placed). */
  forget(clientOrderId: number): void {
    this.#live.delete(clientOrderId)
  }

  /** A copy of the live orders of `venueId`, to walk while answers change the blotter. */
  ordersAt(venueId: number): [number, LiveOrder][] {
    return [...this.#live].filter(([, live]) => live.venueId === venueId)
  }

  hasOrdersAt(venueId: number): boolean {
    for (const live of this.#live.values()) if (live.venueId === venueId) return true
    return false
  }

  /** Live orders per venue, by the venue names in id order. */
  openOrders(venues: readonly string[]): Record<string, number> {
    const open: Record<string, number> = {}
    venues.forEach((name, k) => (open[name] = 0))
    for (const live of this.#live.values()) {
      const name = venues[live.venueId - 1]
      if (name !== undefined) open[name] = (open[name] ?? 0) + 1
    }
    return open
  }

  /** A venue's report, written when it changes what the ring last said about the order; `reasonCode` overrides the report's. */
  report(venueId: number, r: OrderReport, reasonCode?: number): void {
    const id = Number(r.clientOrderId)
    const live = this.#live.get(id)
    if (live === undefined) return
    // A newer report than one the stream held back for its fills stands in for it.
    if (live.awaitingFills !== undefined && r.filledLots >= live.awaitingFills.filledLots) live.awaitingFills = undefined
    if (live.status === r.status && live.filledLots === r.filledLots) return
    live.status = r.status
    live.filledLots = r.filledLots
    if (r.status === OrderStatus.Rejected) this.#counters.rejected++
    this.#writer.report(venueId, reasonCode === undefined ? r : { ...r, reasonCode }, this.#clock.nowNs())
    // Kept until its fills are listed: the next poll's fills come before the order is forgotten.
    this.#forgetWhenSettled(id, live)
  }

  /**
   * A report from the venue's stream: written once the fills it counts have
   * been, so a reader never sees an order end before its fills (the order
   * and fill streams are apart, and either may come first); one that says
   * less than the ring has already is stale.
   */
  streamedReport(venueId: number, r: OrderReport): void {
    const live = this.#live.get(Number(r.clientOrderId))
    if (live === undefined || r.filledLots < live.filledLots) return
    if (r.filledLots > live.filledSeenLots) {
      live.awaitingFills = r
      return
    }
    this.report(venueId, r)
  }

  /** A report of an order the blotter may no longer hold: written either way, as the venue gave it. */
  settle(venueId: number, r: OrderReport): void {
    if (this.#live.has(Number(r.clientOrderId))) this.report(venueId, r)
    else this.#writer.report(venueId, r, this.#clock.nowNs())
  }

  /** A fill of the venue's, written once; false for one already written or of an order this engine did not send. */
  execution(venueId: number, x: Execution): boolean {
    const id = Number(x.clientOrderId)
    const live = this.#live.get(id)
    // Fills of orders this engine did not send (another session on the account), or already written, are not news.
    if (live === undefined || live.venueId !== venueId || live.trades.has(x.tradeId)) return false
    live.trades.add(x.tradeId)
    live.filledSeenLots += x.sizeLots
    this.#writer.execution(venueId, x, this.#clock.nowNs(), live.strategyId)
    const waiting = live.awaitingFills
    if (waiting !== undefined && live.filledSeenLots >= waiting.filledLots) {
      // Its fills are in now; writing it forgets the order once it has ended.
      this.report(venueId, waiting)
      return true
    }
    this.#forgetWhenSettled(id, live)
    return true
  }

  /** The venue or the session refused a cancel or amend of the order: `state` is the order's own. */
  refuse(clientOrderId: number, venueId: number, refused: RefusedRequest, reasonCode: number, state: OrderState): void {
    this.#writer.event({ tsNs: this.#clock.nowNs(), clientOrderId, venueId, refused, reasonCode, ...state })
  }

  /** The order (or, with `refused`, the amend that would have made it) ended Rejected with nothing filled. */
  reject(clientOrderId: number, venueId: number, sizeLots: number, reasonCode: number, refused = RefusedRequest.None): void {
    this.#writer.event({ tsNs: this.#clock.nowNs(), clientOrderId, venueId, status: OrderStatus.Rejected, refused, reasonCode, filledLots: 0, remainingLots: sizeLots })
  }

  /** Writes what waits and wakes the fill ring's readers if anything was written since they were last woken. */
  flush(): void {
    this.#writer.flush()
    if (this.#writer.written === this.#announced) return
    this.#announced = this.#writer.written
    this.#onAnswers()
  }

  snapshot(): Array<[number, LiveOrderSnapshot]> {
    return [...this.#live].map(([id, live]) => [id, liveOrderSnapshotOf(live)])
  }

  restore(orders: ReadonlyArray<readonly [number, LiveOrderSnapshot]>): void {
    for (const [id, live] of orders) this.#live.set(id, liveOrderFromSnapshot(live))
  }

  /** An answer a previous session wrote on the ring, taken as told: the order's status as it said. */
  toldEvent(e: OrderEventFields): void {
    const live = this.#live.get(e.clientOrderId)
    if (live === undefined || (e.refused !== undefined && e.refused !== RefusedRequest.None)) return
    // The ring heard of the order from the venue (or from the session, refusing it): its placing is no longer in doubt.
    live.uncertain = false
    live.status = e.status
    live.filledLots = e.filledLots
    this.#forgetWhenSettled(e.clientOrderId, live)
  }

  /** A fill a previous session wrote on the ring: listed again by polling, it is not a second fill. */
  toldFill(f: FillFields): void {
    const live = this.#live.get(f.clientOrderId)
    if (live === undefined || live.trades.has(f.venueFillId)) return
    live.trades.add(f.venueFillId)
    live.filledSeenLots += f.sizeLots
    this.#forgetWhenSettled(f.clientOrderId, live)
  }

  #forgetWhenSettled(id: number, live: LiveOrder): void {
    if (isTerminal(live.status) && live.filledSeenLots >= live.filledLots) this.#live.delete(id)
  }
}
