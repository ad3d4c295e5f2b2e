import type { VenueBooks } from '../../market/book/index.js'
import { CHILD_FIELDS, PLAN_HEADER, type Router } from '../../native/index.js'
import type { RoutableVenues, RouterInput } from '../../native/router-input.js'
import { OrderType, Side, TimeInForce, type Order } from '../../schemas/index.js'
import type { PreTradeCheck, PreTradeRejection } from '../risk-management/pre-trade-check.js'
import type { MeanReversion } from './mean-reversion.js'

/** One marketable child order the fast path sends to a venue. */
export interface FastPathOrder {
  clientOrderId: number
  instrumentId: number
  /** From 1. */
  venueId: number
  side: Side
  /** The worst level taken: the order's limit. */
  priceTicks: number
  sizeLots: number
  /** When the tick that caused it was published: tick-to-order starts here. */
  tickTsNs: number
}

/**
 * Writes a fast-path child into an `Order` struct in a ring slot: a
 * marketable immediate-or-cancel limit stamped with its tick's time, with no
 * intent or risk cycle behind it (the check ran inline).
 */
export function writeFastPathOrder(order: Order, o: FastPathOrder, strategyId: number): void {
  order.mutate_ts_ns(o.tickTsNs)
  order.mutate_client_order_id(o.clientOrderId)
  order.mutate_intent_id(0)
  order.mutate_instrument_id(o.instrumentId)
  order.mutate_risk_cycle(0)
  order.mutate_venue_id(o.venueId)
  order.mutate_side(o.side)
  order.mutate_order_type(OrderType.Limit)
  order.mutate_time_in_force(TimeInForce.ImmediateOrCancel)
  order.mutate_price_ticks(o.priceTicks)
  order.mutate_size_lots(o.sizeLots)
  order.mutate_strategy_id(strategyId)
}

export interface FastPathTraderParts {
  strategy: MeanReversion
  check: PreTradeCheck
  router: Router
  books: VenueBooks
  input: RouterInput
  /** Venues that take orders now; absent: all of them. */
  venues?: RoutableVenues
  /** Puts one order on its way to the venue; false when it could not (ring full). */
  send: (order: FastPathOrder) => boolean
  firstOrderId: number
}

/** Why a tick that moved the strategy sent nothing. */
export type FastPathMiss = PreTradeRejection | 'no_liquidity' | 'send_failed'

/**
 * The HFT path between cycles, in one thread: a tick moves the touch, the
 * strategy decides, the order is checked inline against the pre-trade
 * limits, the router splits it across the venues' books, and each child is
 * sent at once. No step, no ring hop to risk or execution: the cycle's risk
 * step still sets the limits the check enforces.
 */
export class FastPathTrader {
  readonly #p: FastPathTraderParts
  readonly #plan: Float64Array
  readonly #order: FastPathOrder = { clientOrderId: 0, instrumentId: 0, venueId: 0, side: Side.Buy, priceTicks: 0, sizeLots: 0, tickTsNs: 0 }
  #nextOrderId: number
  /** The instrument of the last tick, which a rehearsal routes; -1 before the first. */
  #lastInstrument = -1
  sent = 0
  readonly misses: Record<string, number> = {}

  constructor(parts: FastPathTraderParts) {
    this.#p = parts
    this.#plan = parts.input.ticket.plan
    this.#nextOrderId = parts.firstOrderId
  }

  get nextOrderId(): number {
    return this.#nextOrderId
  }

  /** A tick changed an instrument's book; returns how many orders it sent. */
  onTick(instrumentId: number, tickTsNs: number, nowNs: number): number {
    const p = this.#p
    this.#lastInstrument = instrumentId
    p.strategy.onTouch(instrumentId, p.books.consolidatedBidTicks(instrumentId), p.books.consolidatedAskTicks(instrumentId))
    const proposal = p.strategy.proposeFor(instrumentId)
    if (proposal === undefined) return 0
    const rejection = p.check.check(proposal, nowNs)
    if (rejection !== undefined) return this.#miss(rejection)
    p.input.layOut(p.books, instrumentId, proposal.side, proposal.sizeLots, proposal.priceTicks, p.venues)
    const children = p.router.route(p.input.ticket)
    if (children === 0) {
      p.check.release(proposal)
      return this.#miss('no_liquidity')
    }
    let sent = 0
    // The position counts what is sent, so a restart reading the fast ring back counts the same.
    let unsent = proposal.sizeLots
    // The plan is read in place (layout in route-plan.ts): no object per child on the fast path.
    for (let c = 0, at = PLAN_HEADER; c < children; c++, at += CHILD_FIELDS) {
      const o = this.#order
      o.clientOrderId = this.#nextOrderId++
      o.instrumentId = instrumentId
      o.venueId = this.#plan[at]! + 1
      o.side = proposal.side
      o.priceTicks = this.#plan[at + 1]!
      o.sizeLots = this.#plan[at + 2]!
      o.tickTsNs = tickTsNs
      if (p.send(o)) {
        sent++
        unsent -= o.sizeLots
      } else this.#miss('send_failed')
    }
    if (unsent > 0) p.check.release({ instrumentId, side: proposal.side, sizeLots: unsent })
    this.sent += sent
    return sent
  }

  /**
   * Lays the last tick's books out and routes a one-lot buy over them,
   * sending and counting nothing: what a tick costs most, run between ticks
   * so that the next one finds the router, the ticket and the books in the
   * caches. The strategy and the check keep state, so they are left out.
   * Returns the children the router planned (for tests).
   */
  rehearse(): number {
    const p = this.#p
    const instrumentId = this.#lastInstrument
    if (instrumentId < 0 || Number.isNaN(p.books.consolidatedAskTicks(instrumentId))) return 0
    p.input.layOut(p.books, instrumentId, Side.Buy, 1, undefined, p.venues)
    return p.router.route(p.input.ticket)
  }

  #miss(why: FastPathMiss): 0 {
    this.misses[why] = (this.misses[why] ?? 0) + 1
    return 0
  }
}
