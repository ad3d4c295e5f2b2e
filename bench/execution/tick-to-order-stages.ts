/**
 * The two stages the tick-to-order bench times, as plain classes so both
 * contenders (rings and postMessage) host the very same work and only the
 * hops differ.
 *
 * - `StrategyStage`: a tick moves the touch on every venue's book, then the
 *   fast path runs (mean reversion → inline pre-trade check → router) and
 *   each child order goes to `send`.
 * - `VenueStage`: the sim venue, one matching engine per venue, seeded with
 *   the same depth and moved by the same ticks; it takes each child order
 *   and records tick-to-order when the engine acknowledges it.
 */
import { PreTradeCheck } from '../../src/agents/risk-management/pre-trade-check.js'
import { FastPathTrader, type FastPathOrder } from '../../src/agents/strategy-engine/fast-path-trader.js'
import { MeanReversion } from '../../src/agents/strategy-engine/mean-reversion.js'
import { monotonicClock } from '../../src/clock/clock.js'
import { VenueBooks } from '../../src/market/book/index.js'
import type { Router } from '../../src/native/index.js'
import { RouterInput } from '../../src/native/router-input.js'
import { BookAction, OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine, type NewOrder } from '../../src/venues/sim/index.js'
import {
  FEES,
  INSTRUMENT_ID,
  INSTRUMENT_SCALE,
  INSTRUMENT_SPEC,
  PRE_TRADE_LIMITS,
  STRATEGY_SETTINGS,
  VENUE_LATENCY_MS,
  VENUES,
  forEachDepthLevel,
  venueTouchLots,
  type TickQuote,
} from './tick-to-order-market.js'

// The books take the deltas unchecked: the synthetic feed numbers nothing.
const UNSEQUENCED = 0
/**
 * Finished orders each venue keeps answerable. The engine's default (100 000)
 * suits a venue's real history; here every order is an IOC that finishes at
 * once, and a long run would carry all of them through the young
 * generation's collections, pausing the venue thread for milliseconds.
 */
const FINISHED_ORDERS_KEPT = 128

export class StrategyStage {
  readonly trader: FastPathTrader
  readonly #books = new VenueBooks(1, VENUES)
  #bidTicks = NaN
  #askTicks = NaN
  ticks = 0
  ticksWithOrders = 0

  constructor(router: Router, send: (order: FastPathOrder) => boolean) {
    const input = new RouterInput(VENUES, FEES)
    for (let v = 0; v < VENUES; v++) input.setLatencyMs(v, VENUE_LATENCY_MS[v]!)
    forEachDepthLevel((isBid, priceTicks, sizeLots) => {
      for (let venue = 1; venue <= VENUES; venue++) this.#books.apply(INSTRUMENT_ID, venue, isBid ? Side.Buy : Side.Sell, BookAction.Set, priceTicks, sizeLots, UNSEQUENCED)
    })
    this.trader = new FastPathTrader({
      strategy: new MeanReversion(1, STRATEGY_SETTINGS),
      check: new PreTradeCheck(PRE_TRADE_LIMITS, [INSTRUMENT_SCALE]),
      router,
      books: this.#books,
      input,
      send,
      firstOrderId: 1,
    })
  }

  /** Between ticks: the fast path's routing of the last tick, sending nothing (`FastPathTrader.rehearse`). */
  rehearse(): void {
    this.trader.rehearse()
  }

  /** One tick: the touch moves on every venue, then the fast path decides and sends. Returns the orders sent. */
  onTick(q: TickQuote, tickTsNs: number): number {
    const books = this.#books
    for (let venue = 1; venue <= VENUES; venue++) {
      if (q.bidTicks !== this.#bidTicks && this.#bidTicks > 0) books.apply(INSTRUMENT_ID, venue, Side.Buy, BookAction.Delete, this.#bidTicks, 0, UNSEQUENCED)
      if (q.askTicks !== this.#askTicks && this.#askTicks > 0) books.apply(INSTRUMENT_ID, venue, Side.Sell, BookAction.Delete, this.#askTicks, 0, UNSEQUENCED)
      books.apply(INSTRUMENT_ID, venue, Side.Buy, BookAction.Set, q.bidTicks, venueTouchLots(venue - 1, q.bidLots), UNSEQUENCED)
      books.apply(INSTRUMENT_ID, venue, Side.Sell, BookAction.Set, q.askTicks, venueTouchLots(venue - 1, q.askLots), UNSEQUENCED)
    }
    this.#bidTicks = q.bidTicks
    this.#askTicks = q.askTicks
    const sent = this.trader.onTick(INSTRUMENT_ID, tickTsNs, monotonicClock.nowNs())
    this.ticks++
    if (sent > 0) this.ticksWithOrders++
    return sent
  }
}

/** A child order as it reaches the venue. */
export interface VenueOrder {
  clientOrderId: number
  venueId: number
  side: Side
  priceTicks: number
  sizeLots: number
  tickTsNs: number
}

export class VenueStage {
  readonly #engines: MatchingEngine[]
  readonly #order: NewOrder = { clientOrderId: '', instrumentId: INSTRUMENT_ID, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.ImmediateOrCancel, priceTicks: 0, sizeLots: 0 }
  #bidTicks = 0
  #askTicks = 0
  #lastTickTsNs = NaN
  readonly #samplesNs: Float64Array
  readonly #untimedTicks: number
  #timed = 0
  orders = 0
  acknowledged = 0
  /** Orders filled in full: the venue's book showed what the strategy's did. */
  filled = 0
  /** Distinct ticks the orders came from. */
  ticks = 0
  /** When the first timed order's tick was published, and when the last order was acknowledged. */
  timedFromMs = NaN
  lastAckMs = 0

  /** Orders from the first `untimedTicks` ticks that brought any are matched and counted but not timed: the run's warm-up. */
  constructor(maxTimedOrders: number, untimedTicks: number) {
    this.#samplesNs = new Float64Array(maxTimedOrders)
    this.#untimedTicks = untimedTicks
    this.#engines = Array.from({ length: VENUES }, () => this.#freshEngine())
  }

  #freshEngine(): MatchingEngine {
    const engine = new MatchingEngine({ instruments: [INSTRUMENT_SPEC], fees: FEES, finishedOrdersKept: FINISHED_ORDERS_KEPT })
    forEachDepthLevel((isBid, priceTicks, sizeLots) => engine.applyBookLevel(INSTRUMENT_ID, isBid ? Side.Buy : Side.Sell, priceTicks, sizeLots, 0))
    return engine
  }

  /**
   * The feed's tick reaches the venue's books. A touch level that moves away
   * is gone and comes back fresh, which is what replenishes what the last
   * orders took: the synthetic feed does not show our own trades.
   */
  applyTick(q: TickQuote, tsNs: number): void {
    for (let v = 0; v < VENUES; v++) {
      const engine = this.#engines[v]!
      if (this.#bidTicks > 0 && q.bidTicks !== this.#bidTicks) engine.applyBookLevel(INSTRUMENT_ID, Side.Buy, this.#bidTicks, 0, tsNs)
      if (this.#askTicks > 0 && q.askTicks !== this.#askTicks) engine.applyBookLevel(INSTRUMENT_ID, Side.Sell, this.#askTicks, 0, tsNs)
      engine.applyBookLevel(INSTRUMENT_ID, Side.Buy, q.bidTicks, venueTouchLots(v, q.bidLots), tsNs)
      engine.applyBookLevel(INSTRUMENT_ID, Side.Sell, q.askTicks, venueTouchLots(v, q.askLots), tsNs)
    }
    this.#bidTicks = q.bidTicks
    this.#askTicks = q.askTicks
  }

  /** Matches one order and, once the engine has acknowledged it, records tick-to-order. */
  submit(o: VenueOrder): void {
    const engine = this.#engines[o.venueId - 1]
    this.orders++
    if (o.tickTsNs !== this.#lastTickTsNs) {
      this.ticks++
      this.#lastTickTsNs = o.tickTsNs
    }
    if (engine === undefined) return
    const order = this.#order
    order.clientOrderId = String(o.clientOrderId)
    order.side = o.side
    order.priceTicks = o.priceTicks
    order.sizeLots = o.sizeLots
    const outcome = engine.submit(order, monotonicClock.nowNs())
    const nowNs = monotonicClock.nowNs()
    if (outcome.reports[0]?.status !== OrderStatus.Acknowledged) return
    this.acknowledged++
    if (this.ticks > this.#untimedTicks && this.#timed < this.#samplesNs.length) {
      if (this.#timed === 0) this.timedFromMs = o.tickTsNs / 1e6
      this.#samplesNs[this.#timed++] = nowNs - o.tickTsNs
    }
    this.lastAckMs = nowNs / 1e6
    if (outcome.reports[outcome.reports.length - 1]!.status === OrderStatus.Filled) this.filled++
  }

  samplesNs(): Float64Array {
    return this.#samplesNs.slice(0, this.#timed)
  }
}

