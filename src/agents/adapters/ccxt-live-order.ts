import { OrderStatus, type Side, type TimeInForce } from '../../schemas/index.js'
import type { OrderReport } from '../../venues/sim/venue-messages.js'
import type { VenueAmend, VenueOrder } from './venue-requests.js'

/** What a ccxt venue session knows of an order it sent, until the order has ended and its fills are in. */
export interface LiveOrder {
  venueId: number
  instrumentId: number
  strategyId: number
  side: Side
  timeInForce: TimeInForce
  /** As sent: an amend restates what it does not change. */
  priceTicks: number
  sizeLots: number
  status: OrderStatus
  /** Filled as the last report said. */
  filledLots: number
  /** Filled as the fills written so far add up: the order is forgotten once they reach filledLots after it ended. */
  filledSeenLots: number
  /** Venue trade ids written: a fill listed again by polling is not a second fill. */
  trades: Set<number>
  /** Its create (or the amend that made it) failed with the outcome unknown: a lookup that finds it is a recovery. */
  uncertain: boolean
  /** When that request failed, clock ns: after the receive window, a venue that does not know the order never will. */
  failedAtNs: number
  /** The client id of the order an amend replaces with this one; undefined for an order the ring created. */
  replaces: number | undefined
  /**
   * A cancel whose outcome is unknown, that found no order yet, or that
   * waits for the venue's breaker to close: polling sends it again while
   * the order shows open.
   */
  cancelWanted: boolean
  /** A report from the venue's stream that counts fills not written yet: written once they are. */
  awaitingFills: OrderReport | undefined
  /** The last request about the order: the next waits for it, so a cancel never overtakes the create it cancels. */
  chain: Promise<void>
}

export function liveOrderOf(order: VenueOrder): LiveOrder {
  return {
    venueId: order.venueId,
    instrumentId: order.instrumentId,
    strategyId: order.strategyId,
    side: order.side,
    timeInForce: order.timeInForce,
    priceTicks: order.priceTicks,
    sizeLots: order.sizeLots,
    status: OrderStatus.New,
    filledLots: 0,
    filledSeenLots: 0,
    trades: new Set(),
    uncertain: false,
    failedAtNs: 0,
    replaces: undefined,
    cancelWanted: false,
    awaitingFills: undefined,
    chain: Promise.resolve(),
  }
}

/** A live order as a snapshot keeps it: plain data, what is in flight left out (polling settles it again). */
export type LiveOrderSnapshot = Omit<LiveOrder, 'trades' | 'awaitingFills' | 'chain'> & { trades: number[] }

export function liveOrderSnapshotOf(live: LiveOrder): LiveOrderSnapshot {
  const { trades, awaitingFills: _awaiting, chain: _chain, ...rest } = live
  return { ...rest, trades: [...trades] }
}

export function liveOrderFromSnapshot(snapshot: LiveOrderSnapshot): LiveOrder {
  return { ...snapshot, trades: new Set(snapshot.trades), awaitingFills: undefined, chain: Promise.resolve() }
}

/** The order an amend of `old` makes: the same order at the new price (0 keeps it) and size, nothing filled yet. */
export function replacementOf(old: LiveOrder, amend: VenueAmend): LiveOrder {
  return {
    ...old,
    priceTicks: amend.priceTicks === 0 ? old.priceTicks : amend.priceTicks,
    sizeLots: amend.sizeLots,
    status: OrderStatus.New,
    filledLots: 0,
    filledSeenLots: 0,
    trades: new Set(),
    uncertain: false,
    failedAtNs: 0,
    replaces: amend.clientOrderId,
    cancelWanted: false,
    awaitingFills: undefined,
  }
}

/** An order's status and sizes for an event about it; none known: Rejected with nothing open. */
export interface OrderState {
  status: OrderStatus
  filledLots: number
  remainingLots: number
}

export function stateOf(order: LiveOrder | OrderReport | undefined): OrderState {
  if (order === undefined) return { status: OrderStatus.Rejected, filledLots: 0, remainingLots: 0 }
  const remainingLots = 'remainingLots' in order ? order.remainingLots : order.sizeLots - order.filledLots
  return { status: order.status, filledLots: order.filledLots, remainingLots }
}
