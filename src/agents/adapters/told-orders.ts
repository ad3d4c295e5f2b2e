import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus } from '../../schemas/index.js'

/** One live order of the sim sessions, as the fill ring has told it. */
export interface ToldOrder {
  venueId: number
  strategyId: number
  sizeLots: number
  status: OrderStatus
  /** What its fills on the ring add up to. */
  filledLots: number
}

/**
 * The sim sessions' live orders as the fill ring knows them: each from the
 * moment it is sent until an answer on the ring ends it, with the status
 * the ring last gave and the lots its fills there add up to. Fills are
 * booked to the strategy kept here; and after a restart this is the list
 * of orders the readers of the ring still count open, rebuilt from a
 * snapshot and what the rings carried after it (`SessionJournal`).
 */
export class ToldOrders {
  readonly #orders = new Map<number, ToldOrder>()

  sent(clientOrderId: number, venueId: number, strategyId: number, sizeLots: number): void {
    this.#orders.set(clientOrderId, { venueId, strategyId, sizeLots, status: OrderStatus.New, filledLots: 0 })
  }

  /** An amend's replacement: a new order for its fills, booked to the strategy of the one it replaces. */
  replacing(newClientOrderId: number, clientOrderId: number, venueId: number, sizeLots: number): void {
    this.sent(newClientOrderId, venueId, this.strategyOf(clientOrderId), sizeLots)
  }

  has(clientOrderId: number): boolean {
    return this.#orders.has(clientOrderId)
  }

  /** The strategy to book a fill of the order to; 0 for one not known. */
  strategyOf(clientOrderId: number): number {
    return this.#orders.get(clientOrderId)?.strategyId ?? 0
  }

  /** An answer about the order went onto the ring: one that ends it ends its story here. */
  answered(clientOrderId: number, status: OrderStatus): void {
    const order = this.#orders.get(clientOrderId)
    if (order === undefined) return
    if (isTerminal(status)) this.#orders.delete(clientOrderId)
    else order.status = status
  }

  filled(clientOrderId: number, sizeLots: number): void {
    const order = this.#orders.get(clientOrderId)
    if (order !== undefined) order.filledLots += sizeLots
  }

  /** Every live order, and forgets them all. */
  takeAll(): Array<[number, ToldOrder]> {
    const all = [...this.#orders]
    this.#orders.clear()
    return all
  }

  snapshot(): Array<[number, ToldOrder]> {
    return [...this.#orders].map(([id, order]) => [id, { ...order }])
  }

  restore(orders: ReadonlyArray<readonly [number, ToldOrder]>): void {
    for (const [id, order] of orders) this.#orders.set(id, { ...order })
  }
}
