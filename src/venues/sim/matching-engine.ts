import { feeQuoteUnits } from '../../accounting/fee.js'
import { VenueFeeAccount } from '../../accounting/venue-fee-account.js'
import { epochNsOf } from '../../clock/clock.js'
import { childLogger } from '../../log/logger.js'
import { InstrumentPrecision, type InstrumentSpec } from '../../market/instrument-spec.js'
import { fillEvent, isTerminal, type OrderEventKind } from '../../orders/order-state-machine.js'
import { Liquidity, OrderStatus, OrderType, RefusedRequest, Side, TimeInForce } from '../../schemas/index.js'
import { BookSide, type PriceLevel } from './book-side.js'
import { sweepQueue, type QueueCancelModel, type QueuedOrder, type QueueSweep } from './queue-position.js'
import { checkMarketData, rejectionOf } from './order-checks.js'
import { SimReasonCode, type SimReason } from './reason-codes.js'
import { remainingLotsOf, reportOf, simOrderOf, unknownOrderReport, type SimOrder } from './sim-order.js'
import { SimOrders } from './sim-orders.js'
import type { AmendRequest, Execution, MatchOutcome, NewOrder, OrderReport } from './venue-messages.js'
import { amendVerdict } from './amend-rules.js'
import { matchingEngineOptionsOf, type FlatFees, type MatchingEngineOptions } from './matching-engine-options.js'

export type { AmendRequest, Execution, MatchOutcome, NewOrder, OrderReport } from './venue-messages.js'
export type { MatchingEngineOptions } from './matching-engine-options.js'
export type { QueueCancelModel } from './queue-position.js'

interface InstrumentBook {
  readonly precision: InstrumentPrecision
  readonly bids: BookSide
  readonly asks: BookSide
  /** The prices the last quote showed, for a feed of quotes only. */
  quotedBidTicks: number | undefined
  quotedAskTicks: number | undefined
}

/** One level as the venue shows it: market size left plus own resting size. */
export interface ShownLevel {
  priceTicks: number
  sizeLots: number
}

/**
 * The sim venue's matching engine: price-time priority over the market's L2
 * book (replayed or synthetic) plus the venue's own resting orders.
 *
 * Truthful fills: a taker takes only size the book shows, walking it level by
 * level, never at a price it did not show, and consumes what it took. A
 * resting order joins the back of its level and fills as maker only from
 * trade volume beyond the market size ahead of it (see queue-position.ts), or
 * when the market trades or quotes through its price.
 *
 * How later market data reconciles with consumed size, and what of a level's
 * shrinking counts as trades or cancels: `PriceLevel.applyMarketSize`.
 *
 * Every status change goes through the order state machine; an illegal one is
 * refused, logged and counted (`illegalTransitionCount`).
 */
/** The outcome of a call that changed no order: shared, frozen, never written to. */
const NOTHING: MatchOutcome = Object.freeze({ reports: Object.freeze([]) as unknown as OrderReport[], executions: Object.freeze([]) as unknown as Execution[] })

/** Why a resting order expired in match under `expire_maker`. */
const SELF_TRADE_PREVENTED: SimReason = Object.freeze({ code: SimReasonCode.SelfTradePrevented, text: 'expired rather than trade with an order of the same account' })

export class MatchingEngine {
  readonly #books: InstrumentBook[]
  /** Flat rates, or the venue's fee account when it charges by tier. */
  readonly #fees: FlatFees | VenueFeeAccount
  readonly #queueCancelModel: QueueCancelModel
  readonly #expireMakers: boolean
  readonly #orders: SimOrders
  #nextTradeId = 1

  constructor(options: MatchingEngineOptions) {
    const filled = matchingEngineOptionsOf(options)
    this.#books = filled.instruments.map((spec: InstrumentSpec) => ({
      precision: new InstrumentPrecision(spec),
      bids: new BookSide(Side.Buy),
      asks: new BookSide(Side.Sell),
      quotedBidTicks: undefined,
      quotedAskTicks: undefined,
    }))
    this.#fees = filled.fees
    this.#queueCancelModel = filled.queueCancelModel
    this.#expireMakers = filled.selfTradePrevention === 'expire_maker'
    this.#orders = new SimOrders(filled.logger ?? childLogger({ component: 'sim-matching-engine' }), filled.finishedOrdersKept)
  }

  get illegalTransitionCount(): number {
    return this.#orders.illegalTransitionCount
  }

  submit(order: NewOrder, tsNs: number): MatchOutcome {
    const known = this.#orders.get(order.clientOrderId)
    if (known !== undefined) return { reports: [reportOf(known, tsNs)], executions: [] }
    const out: MatchOutcome = { reports: [], executions: [] }
    const book = this.#books[order.instrumentId]
    const reason = rejectionOf(order, book === undefined ? undefined : (side) => this.#sideOf(book, side).best())
    if (reason !== undefined || book === undefined) {
      const rejected = simOrderOf(order, 0, OrderStatus.New, tsNs)
      rejected.reason = reason ?? { code: SimReasonCode.UnknownInstrument, text: `unknown instrument ${order.instrumentId}` }
      this.#orders.move(rejected, 'reject', tsNs)
      if (typeof order.clientOrderId === 'string' && order.clientOrderId.length > 0) this.#orders.add(rejected)
      out.reports.push(reportOf(rejected, tsNs))
      return out
    }
    const sim = simOrderOf(order, this.#orders.nextVenueOrderId(), OrderStatus.New, tsNs)
    this.#accept(sim, tsNs, out)
    this.#enter(book, sim, tsNs, out)
    return out
  }

  /** A new order takes what it can, then rests, or ends as its type and time in force say. */
  #enter(book: InstrumentBook, sim: SimOrder, tsNs: number, out: MatchOutcome): void {
    if (sim.timeInForce === TimeInForce.FillOrKill && (sim.side === Side.Buy ? book.asks : book.bids).fillableLots(sim.orderType === OrderType.Market ? undefined : sim.priceTicks, sim.sizeLots) < sim.sizeLots) {
      this.#end(sim, 'expire', { code: SimReasonCode.FillOrKillUnfillable, text: 'fill-or-kill order cannot fill in full' }, tsNs, out)
      return
    }
    this.#take(book, sim, tsNs, out)
    if (remainingLotsOf(sim) === 0) return
    if (sim.orderType === OrderType.Market || sim.timeInForce === TimeInForce.ImmediateOrCancel || sim.timeInForce === TimeInForce.FillOrKill) {
      const reason: SimReason =
        sim.orderType === OrderType.Market
          ? { code: SimReasonCode.MarketOrderNoLiquidity, text: 'market order remainder found no liquidity' }
          : { code: SimReasonCode.ImmediateOrCancelRemainder, text: 'immediate-or-cancel remainder' }
      this.#end(sim, 'expire', reason, tsNs, out)
      return
    }
    this.#sideOf(book, sim.side).rest(sim)
    this.#orders.markOpen(sim)
  }

  #accept(sim: SimOrder, tsNs: number, out: MatchOutcome): void {
    this.#orders.add(sim)
    this.#orders.move(sim, 'ack', tsNs)
    out.reports.push(reportOf(sim, tsNs))
  }

  cancel(clientOrderId: string, tsNs: number): MatchOutcome {
    const sim = this.#orders.get(clientOrderId)
    if (sim === undefined) {
      return { reports: [unknownOrderReport(clientOrderId, tsNs, RefusedRequest.Cancel, { code: SimReasonCode.CancelUnknownOrder, text: 'cancel refused: unknown order' })], executions: [] }
    }
    if (isTerminal(sim.status)) {
      const reason = { code: SimReasonCode.CancelFinishedOrder, text: `cancel refused: order is ${OrderStatus[sim.status]}` }
      return { reports: [reportOf(sim, tsNs, { refused: RefusedRequest.Cancel, reason })], executions: [] }
    }
    const out: MatchOutcome = { reports: [], executions: [] }
    this.#cancelOpen(sim, undefined, tsNs, out)
    return out
  }

  /**
   * Changes a resting limit order's price and/or size; it goes on under
   * `newClientOrderId` and the old id ends Cancelled (reason Replaced). With
   * priority kept (`amend-rules.ts`) the replacement takes the old order's
   * place in its queue; otherwise it enters as a new order would, taking
   * what its new price reaches. A refused amend changes nothing and is
   * answered for both ids; a repeat of one that went through is answered
   * with both orders as they are.
   */
  amend(request: AmendRequest, tsNs: number): MatchOutcome {
    const old = this.#orders.get(request.clientOrderId)
    const holder = this.#orders.get(request.newClientOrderId)
    const verdict = amendVerdict(request, old, holder)
    if (verdict.kind === 'repeat') return { reports: [reportOf(verdict.old, tsNs), reportOf(verdict.replacement, tsNs)], executions: [] }
    if (verdict.kind === 'refuse') return amendRefused(request, old, holder === undefined, verdict.reason, tsNs)
    const { old: sim, priceTicks, keepsPriority } = verdict
    const book = this.#books[sim.instrumentId]!
    const fields: NewOrder = { clientOrderId: request.newClientOrderId, instrumentId: sim.instrumentId, side: sim.side, orderType: OrderType.Limit, timeInForce: sim.timeInForce, priceTicks, sizeLots: request.sizeLots, postOnly: sim.postOnly }
    // Without priority the replacement meets the book as a new order would: a post-only one must not cross it.
    const refusal = keepsPriority ? undefined : rejectionOf(fields, (side) => this.#sideOf(book, side).best())
    if (refusal !== undefined) return amendRefused(request, sim, true, refusal, tsNs)
    const next = simOrderOf(fields, this.#orders.nextVenueOrderId(), OrderStatus.New, tsNs)
    const out: MatchOutcome = { reports: [], executions: [] }
    const queued = keepsPriority && this.#sideOf(book, sim.side).replace(sim, next)
    sim.replacedBy = next.clientOrderId
    this.#cancelOpen(sim, { code: SimReasonCode.Replaced, text: `replaced by ${next.clientOrderId}` }, tsNs, out)
    this.#accept(next, tsNs, out)
    if (queued) this.#orders.markOpen(next)
    else this.#enter(book, next, tsNs, out)
    return out
  }

  #cancelOpen(sim: SimOrder, reason: SimReason | undefined, tsNs: number, out: MatchOutcome): void {
    sim.statusBeforeCancel = sim.status
    this.#orders.move(sim, 'cancel_request', tsNs)
    this.#end(sim, 'cancelled', reason, tsNs, out)
  }

  /** Cancels every open order, or every one of an instrument (a kill switch, a session's end). */
  cancelAll(tsNs: number, instrumentId?: number): MatchOutcome {
    const out: MatchOutcome = { reports: [], executions: [] }
    for (const sim of this.#orders.openOrders()) {
      if (instrumentId !== undefined && sim.instrumentId !== instrumentId) continue
      const one = this.cancel(sim.clientOrderId, tsNs)
      out.reports.push(...one.reports)
    }
    return out
  }

  /** Expires every open Day order (the session's close). */
  expireDayOrders(tsNs: number): MatchOutcome {
    const out: MatchOutcome = { reports: [], executions: [] }
    for (const sim of this.#orders.openOrders()) {
      if (sim.timeInForce === TimeInForce.Day) this.#end(sim, 'expire', { code: SimReasonCode.DayOrderExpired, text: 'day order expired at the close' }, tsNs, out)
    }
    return out
  }

  order(clientOrderId: string): OrderReport | undefined {
    const sim = this.#orders.get(clientOrderId)
    return sim === undefined ? undefined : reportOf(sim, sim.updatedTsNs)
  }

  /** The order the venue numbered `venueOrderId` (venues let a client query by either id). */
  orderByVenueOrderId(venueOrderId: number): OrderReport | undefined {
    const sim = this.#orders.byVenueOrderId(venueOrderId)
    return sim === undefined ? undefined : reportOf(sim, sim.updatedTsNs)
  }

  openOrders(instrumentId?: number): OrderReport[] {
    const out: OrderReport[] = []
    for (const sim of this.#orders.openOrders()) {
      if (instrumentId === undefined || sim.instrumentId === instrumentId) out.push(reportOf(sim, sim.updatedTsNs))
    }
    return out
  }

  /** Market size ahead of a resting order in its level's queue; undefined when it is not resting. */
  queueAheadLots(clientOrderId: string): number | undefined {
    return this.#orders.openOrder(clientOrderId)?.aheadLots
  }

  /** One level of the market's L2 book changed; size 0 means the level is gone. */
  applyBookLevel(instrumentId: number, side: Side, priceTicks: number, sizeLots: number, tsNs: number): MatchOutcome {
    const book = this.#marketBook(instrumentId, side, priceTicks, sizeLots)
    const bookSide = this.#sideOf(book, side)
    const level = sizeLots === 0 ? bookSide.level(priceTicks) : bookSide.levelOrCreate(priceTicks)
    if (level === undefined) return NOTHING
    const freshLots = level.applyMarketSize(sizeLots, this.#queueCancelModel)
    // Fresh size quoted at or through own resting orders on the other side
    // would have traded with them: they fill as makers and it is consumed.
    // Market data is most of what a venue sees: with nothing resting across,
    // it allocates nothing.
    const opposite = side === Side.Buy ? book.asks : book.bids
    let out = NOTHING
    if (freshLots > 0 && opposite.restingOrderCount > 0) {
      out = { reports: [], executions: [] }
      level.consumedLots += this.#fillResting(book, opposite, priceTicks, freshLots, tsNs, out)
    }
    bookSide.dropIfEmpty(level)
    return out
  }

  /**
   * A quote (best bid and ask with their sizes) from a feed that shows only
   * the touch: the quoted levels are the whole visible book, so a level the
   * last quote showed and this one does not is gone. Price and size 0 (or
   * size 0) on a side: nothing quoted there.
   */
  applyQuote(instrumentId: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number, tsNs: number): MatchOutcome {
    const out: MatchOutcome = { reports: [], executions: [] }
    const book = this.#books[instrumentId]
    const bid = quotedPrice(book !== undefined, instrumentId, Side.Buy, bidTicks, bidLots)
    const ask = quotedPrice(book !== undefined, instrumentId, Side.Sell, askTicks, askLots)
    const merge = (next: MatchOutcome) => {
      out.reports.push(...next.reports)
      out.executions.push(...next.executions)
    }
    if (book!.quotedBidTicks !== undefined && book!.quotedBidTicks !== bid) merge(this.applyBookLevel(instrumentId, Side.Buy, book!.quotedBidTicks, 0, tsNs))
    if (book!.quotedAskTicks !== undefined && book!.quotedAskTicks !== ask) merge(this.applyBookLevel(instrumentId, Side.Sell, book!.quotedAskTicks, 0, tsNs))
    if (bid !== undefined) merge(this.applyBookLevel(instrumentId, Side.Buy, bid, bidLots, tsNs))
    if (ask !== undefined) merge(this.applyBookLevel(instrumentId, Side.Sell, ask, askLots, tsNs))
    book!.quotedBidTicks = bid
    book!.quotedAskTicks = ask
    return out
  }

  /** The market printed a trade; own resting orders it reached fill as makers. */
  applyTrade(instrumentId: number, aggressor: Side, priceTicks: number, sizeLots: number, tsNs: number): MatchOutcome {
    const book = this.#marketBook(instrumentId, aggressor, priceTicks, sizeLots)
    const passive = aggressor === Side.Buy ? book.asks : book.bids
    const level = passive.level(priceTicks)
    if (level !== undefined) level.tradedSinceUpdateLots += sizeLots
    if (passive.restingOrderCount === 0) return NOTHING
    const out: MatchOutcome = { reports: [], executions: [] }
    this.#fillResting(book, passive, priceTicks, sizeLots, tsNs, out)
    return out
  }

  bestBid(instrumentId: number): number | undefined {
    return this.#books[instrumentId]?.bids.best()
  }

  bestAsk(instrumentId: number): number | undefined {
    return this.#books[instrumentId]?.asks.best()
  }

  /** The book as the venue shows it, best first: market size left plus own resting size. */
  depth(instrumentId: number, side: Side, maxLevels = Number.POSITIVE_INFINITY): ShownLevel[] {
    const book = this.#books[instrumentId]
    if (book === undefined) return []
    const out: ShownLevel[] = []
    for (const level of this.#sideOf(book, side).levels()) {
      if (out.length >= maxLevels) break
      const sizeLots = level.shownLots
      if (sizeLots > 0) out.push({ priceTicks: level.priceTicks, sizeLots })
    }
    return out
  }

  /** The size the venue shows at one price: market size left plus own resting size. */
  shownLotsAt(instrumentId: number, side: Side, priceTicks: number): number {
    const book = this.#books[instrumentId]
    const level = book === undefined ? undefined : this.#sideOf(book, side).level(priceTicks)
    return level === undefined ? 0 : level.shownLots
  }

  /** A taker walks the other side best first, up to its limit. */
  #take(book: InstrumentBook, sim: SimOrder, tsNs: number, out: MatchOutcome): void {
    const limit = sim.orderType === OrderType.Market ? undefined : sim.priceTicks
    const opposite = sim.side === Side.Buy ? book.asks : book.bids
    for (const level of opposite.levelsThrough(limit)) {
      const wantLots = remainingLotsOf(sim)
      if (wantLots === 0) break
      // With no own order queued here, the common case, the taker meets
      // market size only, as a sweep of the empty queue would say, without
      // the sweep's arrays (fewer young-generation pauses).
      const sweep = level.orders.length === 0 ? undefined : this.#sweepOwnQueue(level, wantLots, tsNs, out)
      const marketLots = sweep === undefined ? Math.min(wantLots, Math.max(0, level.availableLots)) : sweep.marketLots
      level.consumedLots += marketLots
      if (marketLots > 0) this.#fill(book, sim, marketLots, level.priceTicks, Liquidity.Taker, this.#nextTradeId++, tsNs, out)
      if (sweep !== undefined) this.#fillMakers(book, level, marketLots, sweep.ownFillLots, tsNs, out, sim)
      opposite.dropIfEmpty(level)
    }
  }

  /** A taker's sweep of a level that queues own orders. */
  #sweepOwnQueue(level: PriceLevel, wantLots: number, tsNs: number, out: MatchOutcome): QueueSweep {
    let sweep = sweepQueue(queueOf(level), wantLots, level.availableLots)
    // Every resting order here is the engine's own: the ones the taker would reach expire instead.
    while (this.#expireMakers && sweep.ownFillLots.some((lots) => lots > 0)) {
      const reached = level.orders.filter((_, i) => (sweep.ownFillLots[i] ?? 0) > 0)
      for (const maker of reached) this.#end(maker, 'expire', SELF_TRADE_PREVENTED, tsNs, out)
      sweep = sweepQueue(queueOf(level), wantLots, level.availableLots)
    }
    return sweep
  }

  /**
   * Volume arriving at `priceTicks` against `passive` (a printed trade, or
   * fresh size quoted through): own orders at better prices were traded
   * through and fill first, then the queue at the price itself. Returns the lots
   * own orders filled.
   */
  #fillResting(book: InstrumentBook, passive: BookSide, priceTicks: number, volumeLots: number, tsNs: number, out: MatchOutcome): number {
    if (passive.restingOrderCount === 0) return 0
    let leftLots = volumeLots
    for (const level of passive.levelsThrough(priceTicks)) {
      if (leftLots === 0) break
      if (level.orders.length === 0) continue
      const through = level.priceTicks !== priceTicks
      if (through) for (const sim of level.orders) sim.aheadLots = 0
      const sweep = sweepQueue(queueOf(level), leftLots, through ? 0 : Number.POSITIVE_INFINITY)
      const ownLots = sweep.ownFillLots.reduce((sum, lots) => sum + lots, 0)
      leftLots = through ? sweep.leftoverLots : leftLots - ownLots
      this.#fillMakers(book, level, sweep.marketLots, sweep.ownFillLots, tsNs, out, undefined)
      passive.dropIfEmpty(level)
      if (!through) break
    }
    return volumeLots - leftLots
  }

  /** Applies a sweep to a level's own orders: queue advance, maker fills (against `taker` when it is own), filled ones leave. */
  #fillMakers(book: InstrumentBook, level: PriceLevel, marketLots: number, ownFillLots: number[], tsNs: number, out: MatchOutcome, taker: SimOrder | undefined): void {
    const makers = [...level.orders]
    for (let i = 0; i < makers.length; i++) {
      const maker = makers[i]!
      maker.aheadLots = Math.max(0, maker.aheadLots - marketLots)
      const lots = ownFillLots[i] ?? 0
      if (lots === 0) continue
      const tradeId = this.#nextTradeId++
      if (taker !== undefined) this.#fill(book, taker, lots, level.priceTicks, Liquidity.Taker, tradeId, tsNs, out)
      this.#fill(book, maker, lots, level.priceTicks, Liquidity.Maker, tradeId, tsNs, out)
    }
  }

  #fill(book: InstrumentBook, sim: SimOrder, lots: number, priceTicks: number, liquidity: Liquidity, tradeId: number, tsNs: number, out: MatchOutcome): void {
    sim.filledLots += lots
    this.#orders.move(sim, fillEvent(remainingLotsOf(sim)), tsNs)
    const notional = book.precision.notional(priceTicks, lots)
    const quoteDecimals = book.precision.spec.quoteDecimals
    const fees = this.#fees
    out.executions.push({
      clientOrderId: sim.clientOrderId,
      venueOrderId: sim.venueOrderId,
      tradeId,
      instrumentId: sim.instrumentId,
      side: sim.side,
      liquidity,
      priceTicks,
      sizeLots: lots,
      feeQuoteUnits:
        fees instanceof VenueFeeAccount
          ? fees.charge(epochNsOf(tsNs), notional, liquidity, quoteDecimals)
          : feeQuoteUnits(notional, liquidity === Liquidity.Maker ? fees.makerBps : fees.takerBps, quoteDecimals),
      tsNs,
    })
    out.reports.push(reportOf(sim, tsNs))
    if (remainingLotsOf(sim) === 0) this.#leaveBook(book, sim)
  }

  /**
   * A fill this venue made in an earlier life, before a restart, known
   * from the fill ring: it counts toward the 30-day volume a venue with fee
   * tiers charges by, as it did when it was made.
   */
  countPastFill(instrumentId: number, priceTicks: number, lots: number, tsNs: number): void {
    const book = this.#books[instrumentId]
    if (book !== undefined && this.#fees instanceof VenueFeeAccount) this.#fees.volume.add(epochNsOf(tsNs), book.precision.notional(priceTicks, lots))
  }

  /** Ends an open order early (cancel, expiry) and reports it. */
  #end(sim: SimOrder, event: OrderEventKind, reason: SimReason | undefined, tsNs: number, out: MatchOutcome): void {
    if (reason !== undefined) sim.reason = reason
    this.#orders.move(sim, event, tsNs)
    const book = this.#books[sim.instrumentId]
    if (book !== undefined) this.#leaveBook(book, sim)
    out.reports.push(reportOf(sim, tsNs))
  }

  #leaveBook(book: InstrumentBook, sim: SimOrder): void {
    if (this.#orders.markClosed(sim)) this.#sideOf(book, sim.side).unrest(sim)
  }



  #sideOf(book: InstrumentBook, side: Side): BookSide {
    return side === Side.Buy ? book.bids : book.asks
  }

  #marketBook(instrumentId: number, side: Side, priceTicks: number, sizeLots: number): InstrumentBook {
    const book = this.#books[instrumentId]
    checkMarketData(book !== undefined, instrumentId, side, priceTicks, sizeLots)
    return book!
  }

}

/** A refused amend's answer: for the order it named, and for the replacement id unless another order holds it. */
function amendRefused(request: AmendRequest, old: SimOrder | undefined, answerNewId: boolean, reason: SimReason, tsNs: number): MatchOutcome {
  const reports = [old === undefined ? unknownOrderReport(request.clientOrderId, tsNs, RefusedRequest.Amend, reason) : reportOf(old, tsNs, { refused: RefusedRequest.Amend, reason })]
  if (answerNewId) reports.push(unknownOrderReport(request.newClientOrderId, tsNs, RefusedRequest.Amend, reason))
  return { reports, executions: [] }
}

/** A quoted side's price, or undefined when nothing is quoted there (price and size 0, or size 0). */
function quotedPrice(instrumentKnown: boolean, instrumentId: number, side: Side, priceTicks: number, sizeLots: number): number | undefined {
  if (instrumentKnown && priceTicks === 0 && sizeLots === 0) return undefined
  checkMarketData(instrumentKnown, instrumentId, side, priceTicks, sizeLots)
  return sizeLots > 0 ? priceTicks : undefined
}

function queueOf(level: PriceLevel): QueuedOrder[] {
  return level.orders.map((sim) => ({ aheadLots: sim.aheadLots, remainingLots: remainingLotsOf(sim) }))
}
