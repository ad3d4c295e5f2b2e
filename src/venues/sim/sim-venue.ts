import type { Clock } from '../../clock/clock.js'
import { Side } from '../../schemas/index.js'
import type { LatencyModel } from './latency-model.js'
import type { MatchingEngine } from './matching-engine.js'
import { ScheduledEvents } from './scheduled-events.js'
import type { AmendRequest, Execution, MatchOutcome, NewOrder, OrderReport } from './venue-messages.js'

export interface SimVenueOptions {
  engine: MatchingEngine
  /** The strategy's clock: orders are sent at its now, deliveries are due by it. `ManualClock` in replay and tests. */
  clock: Clock
  /** Strategy to venue: when an order or cancel reaches the matching engine. */
  orderLatency: LatencyModel
  /** Venue to strategy for reports and executions. Default: `orderLatency`. */
  responseLatency?: LatencyModel
  /** Venue to strategy for market data. */
  feedLatency: LatencyModel
  /**
   * Deliver market data to the strategy (`book_level` and `trade`). Default
   * true; a host whose strategy reads the market elsewhere turns it off and
   * gets only reports and executions.
   */
  deliverMarketData?: boolean
}

/** What reaches the strategy, at `visibleAtNs`. */
export type VenueDelivery =
  | { kind: 'book_level'; visibleAtNs: number; exchangeTsNs: number; instrumentId: number; side: Side; priceTicks: number; sizeLots: number }
  | { kind: 'quote'; visibleAtNs: number; exchangeTsNs: number; instrumentId: number; bidTicks: number; bidLots: number; askTicks: number; askLots: number }
  | { kind: 'trade'; visibleAtNs: number; exchangeTsNs: number; instrumentId: number; aggressor: Side; priceTicks: number; sizeLots: number }
  | { kind: 'report'; visibleAtNs: number; report: OrderReport }
  | { kind: 'execution'; visibleAtNs: number; execution: Execution }

type Scheduled = { run: () => void } | { deliver: VenueDelivery }

/**
 * The sim venue with time in it. Market data happens at its exchange time
 * and reaches the matching engine then, but the strategy sees it only after
 * the feed latency; an order leaves at the strategy's now and reaches the
 * engine after the order latency, so it meets the book as it is on arrival,
 * not as the strategy last saw it; reports come back after the response
 * latency. Each stream keeps its order (a later message never overtakes an
 * earlier one on the same connection), and everything due at one time runs in
 * the order it was scheduled: deterministic for given latency seeds.
 */
export class SimVenue {
  readonly engine: MatchingEngine
  readonly #clock: Clock
  readonly #orderLatency: LatencyModel
  readonly #responseLatency: LatencyModel
  readonly #feedLatency: LatencyModel
  readonly #deliverMarketData: boolean
  readonly #events = new ScheduledEvents<Scheduled>()
  #lastOrderArrivalNs = Number.NEGATIVE_INFINITY
  #lastResponseNs = Number.NEGATIVE_INFINITY
  #lastFeedNs = Number.NEGATIVE_INFINITY
  #delivered: VenueDelivery[] = []

  constructor(options: SimVenueOptions) {
    this.engine = options.engine
    this.#clock = options.clock
    this.#orderLatency = options.orderLatency
    this.#responseLatency = options.responseLatency ?? options.orderLatency
    this.#feedLatency = options.feedLatency
    this.#deliverMarketData = options.deliverMarketData ?? true
  }

  /** Sends an order now; returns when it reaches the engine. A retry under the same client order id finds the first. */
  submit(order: NewOrder): number {
    const copy = { ...order }
    return this.#sendOrder((atNs) => this.engine.submit(copy, atNs))
  }

  /** Sends a cancel now; returns when it reaches the engine. */
  cancel(clientOrderId: string): number {
    return this.#sendOrder((atNs) => this.engine.cancel(clientOrderId, atNs))
  }

  /** Sends an amend now; returns when it reaches the engine. It travels the order connection, behind the order it amends. */
  amend(request: AmendRequest): number {
    const copy = { ...request }
    return this.#sendOrder((atNs) => this.engine.amend(copy, atNs))
  }

  /**
   * A level of the market's book changed at the exchange at `exchangeTsNs`.
   * The strategy sees the level as the venue then shows it: less what its own
   * takers consumed, plus its own resting size.
   */
  bookLevel(instrumentId: number, side: Side, priceTicks: number, sizeLots: number, exchangeTsNs: number): void {
    const visibleAtNs = this.#deliverMarketData ? this.#feedVisibleAt(exchangeTsNs) : 0
    this.#events.schedule(exchangeTsNs, {
      run: () => {
        this.#respond(this.engine.applyBookLevel(instrumentId, side, priceTicks, sizeLots, exchangeTsNs), exchangeTsNs)
        if (!this.#deliverMarketData) return
        const shownLots = this.engine.shownLotsAt(instrumentId, side, priceTicks)
        this.#events.schedule(visibleAtNs, { deliver: { kind: 'book_level', visibleAtNs, exchangeTsNs, instrumentId, side, priceTicks, sizeLots: shownLots } })
      },
    })
  }

  /**
   * A quote from a feed that shows only the touch (see `MatchingEngine.applyQuote`);
   * the strategy sees each side's size as the venue then shows it.
   */
  quote(instrumentId: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number, exchangeTsNs: number): void {
    const visibleAtNs = this.#deliverMarketData ? this.#feedVisibleAt(exchangeTsNs) : 0
    this.#events.schedule(exchangeTsNs, {
      run: () => {
        this.#respond(this.engine.applyQuote(instrumentId, bidTicks, bidLots, askTicks, askLots, exchangeTsNs), exchangeTsNs)
        if (!this.#deliverMarketData) return
        const shownBidLots = bidLots > 0 ? this.engine.shownLotsAt(instrumentId, Side.Buy, bidTicks) : 0
        const shownAskLots = askLots > 0 ? this.engine.shownLotsAt(instrumentId, Side.Sell, askTicks) : 0
        this.#events.schedule(visibleAtNs, { deliver: { kind: 'quote', visibleAtNs, exchangeTsNs, instrumentId, bidTicks, bidLots: shownBidLots, askTicks, askLots: shownAskLots } })
      },
    })
  }

  /** The market printed a trade at the exchange at `exchangeTsNs`. */
  trade(instrumentId: number, aggressor: Side, priceTicks: number, sizeLots: number, exchangeTsNs: number): void {
    this.#events.schedule(exchangeTsNs, { run: () => this.#respond(this.engine.applyTrade(instrumentId, aggressor, priceTicks, sizeLots, exchangeTsNs), exchangeTsNs) })
    if (!this.#deliverMarketData) return
    const visibleAtNs = this.#feedVisibleAt(exchangeTsNs)
    this.#events.schedule(visibleAtNs, { deliver: { kind: 'trade', visibleAtNs, exchangeTsNs, instrumentId, aggressor, priceTicks, sizeLots } })
  }

  /** Runs everything due by the clock's now and returns what reached the strategy since the last poll, in the order it arrived. */
  poll(): VenueDelivery[] {
    const nowNs = this.#clock.nowNs()
    for (let due = this.#events.takeDue(nowNs); due !== undefined; due = this.#events.takeDue(nowNs)) {
      if ('run' in due) due.run()
      else this.#delivered.push(due.deliver)
    }
    const out = this.#delivered
    this.#delivered = []
    return out
  }

  /** When the next scheduled thing is due, for a driver that jumps its clock there. */
  nextEventNs(): number | undefined {
    return this.#events.nextAtNs()
  }

  #sendOrder(atEngine: (arrivalNs: number) => MatchOutcome): number {
    const arrivalNs = Math.max(this.#clock.nowNs() + this.#orderLatency.nextLatencyNs(), this.#lastOrderArrivalNs)
    this.#lastOrderArrivalNs = arrivalNs
    this.#events.schedule(arrivalNs, { run: () => this.#respond(atEngine(arrivalNs), arrivalNs) })
    return arrivalNs
  }

  #respond(outcome: MatchOutcome, venueTsNs: number): void {
    if (outcome.reports.length === 0 && outcome.executions.length === 0) return
    const visibleAtNs = Math.max(venueTsNs + this.#responseLatency.nextLatencyNs(), this.#lastResponseNs)
    this.#lastResponseNs = visibleAtNs
    // Executions first: a venue's fill report carries the trade that caused it.
    for (const execution of outcome.executions) this.#events.schedule(visibleAtNs, { deliver: { kind: 'execution', visibleAtNs, execution } })
    for (const report of outcome.reports) this.#events.schedule(visibleAtNs, { deliver: { kind: 'report', visibleAtNs, report } })
  }

  #feedVisibleAt(exchangeTsNs: number): number {
    const visibleAtNs = Math.max(exchangeTsNs + this.#feedLatency.nextLatencyNs(), this.#lastFeedNs)
    this.#lastFeedNs = visibleAtNs
    return visibleAtNs
  }
}
