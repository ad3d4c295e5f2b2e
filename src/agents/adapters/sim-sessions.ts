import type { Clock } from '../../clock/clock.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import type { Logger } from '../../log/logger.js'
import { BookAction, OrderStatus, RefusedRequest, Side } from '../../schemas/index.js'
import { VenueFeeAccount, type RollingVolume } from '../../accounting/index.js'
import { epochNsOf } from '../../clock/clock.js'
import { InstrumentPrecision } from '../../market/instrument-spec.js'
import { ConstantLatency, latencyModelOf, MatchingEngine, SimReasonCode, SimVenue, type FlatFees, type LatencySpec, type QueueCancelModel, type SelfTradePrevention, type VenueDelivery } from '../../venues/sim/index.js'
import type { FillRingWriter } from './fill-ring-writer.js'
import { REASON_NO_VENUE, REASON_SESSION_LOST, REASON_VENUE_DOWN } from './reason-codes.js'
import type { AnswerReplay } from './session-journal.js'
import { ToldOrders, type ToldOrder } from './told-orders.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'
import { requestCounters, type VenueAmend, type VenueCancel, type VenueOrder, type VenueSessions } from './venue-requests.js'

export interface SimSessionsOptions {
  instruments: readonly InstrumentSpec[]
  /** Venue names in venue-id order (ids from 1). */
  venues: readonly string[]
  /** Each venue's fees, in venue-id order: flat rates, or a fee account charging by tier. */
  fees: ReadonlyArray<FlatFees | VenueFeeAccount>
  /**
   * Each venue's 30-day volume as the fill ring has been told it, from the
   * same start as its fee account: what a venue charging by tier charged by,
   * less what it matched and had not reported. A snapshot keeps this one,
   * since a restart loses the unreported fills with the venue.
   */
  reportedVolumes: readonly RollingVolume[]
  /** Strategy-to-venue and venue-to-strategy latency: constants, or drawn from recorded round trips. */
  orderLatency: LatencySpec
  responseLatency: LatencySpec
  queueCancelModel: QueueCancelModel
  selfTradePrevention: SelfTradePrevention
  clock: Clock
  logger: Logger
  /** Which venues take orders: a sim venue never fails a call, so only an operator takes one down. */
  health: VenueHealthKeeper
}

/**
 * One sim venue session per configured venue: a price-time matching engine
 * whose liquidity is that venue's book from the market ring, behind the
 * latency model. The market reaches each engine at its exchange time; an
 * order reaches it the order latency after it was sent and meets the book as
 * it is then; answers come back the response latency later, as order events
 * and fills on the fill ring. Cancels and amends travel the same connection
 * behind the orders they name; what a venue refuses is answered with the
 * order as it is and the venue's reason.
 */
export class SimSessions implements VenueSessions {
  readonly #venues: SimVenue[]
  readonly #tiered: boolean[]
  readonly #reportedVolumes: readonly RollingVolume[]
  readonly #precisions: InstrumentPrecision[]
  readonly #writer: FillRingWriter
  readonly #clock: Clock
  readonly #health: VenueHealthKeeper
  /** Each live order as the fill ring knows it: the strategy its fills are booked to, and what a restart ends. */
  readonly #told = new ToldOrders()
  /** Amends in flight, replacement id to amended id: a refused amend answers for both ids and is counted once. */
  readonly #replacing = new Map<number, number>()
  readonly requests = requestCounters()
  submitted = 0
  unknownVenue = 0

  constructor(options: SimSessionsOptions, writer: FillRingWriter) {
    this.#writer = writer
    this.#tiered = options.fees.map((fees) => fees instanceof VenueFeeAccount)
    this.#reportedVolumes = options.reportedVolumes
    this.#precisions = options.instruments.map((spec) => new InstrumentPrecision(spec))
    this.#clock = options.clock
    this.#health = options.health
    const orderLatency = latencyModelOf(options.orderLatency)
    const responseLatency = latencyModelOf(options.responseLatency)
    // The engine sees the feed as it happens; the strategy's own feed latency is the real one it lives with.
    const feedLatency = new ConstantLatency(0)
    this.#venues = options.venues.map(
      (venue, k) =>
        new SimVenue({
          engine: new MatchingEngine({ instruments: options.instruments, fees: options.fees[k]!, queueCancelModel: options.queueCancelModel, selfTradePrevention: options.selfTradePrevention, logger: options.logger.child({ venue }) }),
          clock: options.clock,
          orderLatency,
          responseLatency,
          feedLatency,
          // The strategy reads the market from the ring, not from the venue: no market deliveries to schedule.
          deliverMarketData: false,
        }),
    )
  }

  #venue(venueId: number): SimVenue | undefined {
    return this.#venues[venueId - 1]
  }

  bookDelta(venueId: number, instrumentId: number, side: Side, action: BookAction, priceTicks: number, sizeLots: number, tsNs: number): void {
    const venue = this.#venue(venueId)
    if (venue === undefined) return
    if (action === BookAction.Clear) {
      // A snapshot follows: every level the venue shows for the instrument goes first.
      for (const s of [Side.Buy, Side.Sell]) for (const level of venue.engine.depth(instrumentId, s)) venue.bookLevel(instrumentId, s, level.priceTicks, 0, tsNs)
      return
    }
    venue.bookLevel(instrumentId, side, priceTicks, action === BookAction.Delete ? 0 : sizeLots, tsNs)
  }

  trade(venueId: number, instrumentId: number, aggressor: Side, priceTicks: number, sizeLots: number, tsNs: number): void {
    this.#venue(venueId)?.trade(instrumentId, aggressor, priceTicks, sizeLots, tsNs)
  }

  submit(order: VenueOrder): void {
    const venue = this.#venue(order.venueId)
    if (venue === undefined) {
      this.unknownVenue++
      this.#rejected(order.clientOrderId, order.venueId, RefusedRequest.None, REASON_NO_VENUE, order.sizeLots)
      return
    }
    if (!this.#health.accepts(order.venueId)) {
      // Execution routed it before the venue went down: answered, never dropped, so its lots can go elsewhere.
      this.#health.refused(order.venueId)
      this.#rejected(order.clientOrderId, order.venueId, RefusedRequest.None, REASON_VENUE_DOWN, order.sizeLots)
      return
    }
    this.#health.sent(order.venueId)
    this.submitted++
    this.#told.sent(order.clientOrderId, order.venueId, order.strategyId, order.sizeLots)
    venue.submit({
      clientOrderId: String(order.clientOrderId),
      instrumentId: order.instrumentId,
      side: order.side,
      orderType: order.orderType,
      timeInForce: order.timeInForce,
      priceTicks: order.priceTicks,
      sizeLots: order.sizeLots,
      postOnly: order.postOnly === true,
    })
  }

  cancel(request: VenueCancel): void {
    const venue = this.#venue(request.venueId)
    if (venue === undefined) {
      this.unknownVenue++
      this.#rejected(request.clientOrderId, request.venueId, RefusedRequest.Cancel, REASON_NO_VENUE, 0)
      return
    }
    // A cancel places nothing: it goes to a venue an operator took down too, whose orders still rest there.
    this.requests.cancels++
    venue.cancel(String(request.clientOrderId))
  }

  amend(request: VenueAmend): void {
    const venue = this.#venue(request.venueId)
    if (venue === undefined) {
      this.unknownVenue++
      this.#rejected(request.clientOrderId, request.venueId, RefusedRequest.Amend, REASON_NO_VENUE, 0)
      this.#rejected(request.newClientOrderId, request.venueId, RefusedRequest.Amend, REASON_NO_VENUE, 0)
      return
    }
    this.requests.amends++
    if (!this.#health.accepts(request.venueId)) {
      // The replacement would be a new order on a venue taken down: refused, and the order stays as it was.
      this.requests.refused++
      this.#refusedAmend(venue, request, REASON_VENUE_DOWN)
      return
    }
    // A live order already under the new id keeps its own strategy: the venue will refuse the amend.
    if (!this.#told.has(request.newClientOrderId)) {
      this.#replacing.set(request.newClientOrderId, request.clientOrderId)
      this.#told.replacing(request.newClientOrderId, request.clientOrderId, request.venueId, request.sizeLots)
    }
    venue.amend({ clientOrderId: String(request.clientOrderId), newClientOrderId: String(request.newClientOrderId), priceTicks: request.priceTicks, sizeLots: request.sizeLots })
  }

  /** Runs what is due on every venue and writes its answers; returns when the next thing is due (ns), if anything is. */
  poll(): number | undefined {
    let next: number | undefined
    this.#venues.forEach((venue, k) => {
      for (const delivery of venue.poll()) this.#answer(k + 1, delivery)
      const due = venue.nextEventNs()
      if (due !== undefined && (next === undefined || due < next)) next = due
    })
    return next
  }

  /** What a snapshot keeps: the live orders as the fill ring knows them, and each venue's reported 30-day volume. */
  snapshot(): { orders: Array<[number, ToldOrder]>; volumes: Array<Array<[number, string]>> } {
    return { orders: this.#told.snapshot(), volumes: this.#reportedVolumes.map((volume) => volume.toSnapshot()) }
  }

  /**
   * After a restart. The sim venues lived in the thread that died, and with
   * them every order they held: as a venue that cancels a session's orders
   * when it drops, each order the ring's readers still count open is ended
   * here: Rejected if the ring never heard the venue take it, else
   * Cancelled, with the lots its fills on the ring add up to, reason
   * REASON_SESSION_LOST. Fills the venue made and had not reported died
   * with it; those it reported count toward a tiered venue's volume, which
   * comes back as reported, not as charged. Which orders those are comes from the snapshot's `told` and
   * what the rings carried after it, which `replay` hands over. Returns how
   * many were ended.
   */
  recover(told: ReadonlyArray<readonly [number, ToldOrder]>, replay: (requests: VenueSessions, answers: AnswerReplay) => void): number {
    this.#told.restore(told)
    replay(
      {
        submit: (o) => this.#told.sent(o.clientOrderId, o.venueId, o.strategyId, o.sizeLots),
        cancel: () => {},
        amend: (a) => {
          if (!this.#told.has(a.newClientOrderId)) this.#told.replacing(a.newClientOrderId, a.clientOrderId, a.venueId, a.sizeLots)
        },
      },
      {
        event: (e) => this.#told.answered(e.clientOrderId, e.status),
        fill: (f) => {
          this.#told.filled(f.clientOrderId, f.sizeLots)
          this.#venue(f.venueId)?.engine.countPastFill(f.instrumentId, f.priceTicks, f.sizeLots, f.tsNs)
          this.#reported(f.venueId, f.instrumentId, f.priceTicks, f.sizeLots, f.tsNs)
        },
      },
    )
    const lost = this.#told.takeAll()
    const tsNs = this.#clock.nowNs()
    for (const [clientOrderId, order] of lost) {
      const status = order.status === OrderStatus.New ? OrderStatus.Rejected : OrderStatus.Cancelled
      this.#writer.event({ tsNs, clientOrderId, venueId: order.venueId, status, reasonCode: REASON_SESSION_LOST, filledLots: order.filledLots, remainingLots: order.sizeLots - order.filledLots })
    }
    return lost.length
  }

  /** Orders resting or in flight on each venue, for health. */
  openOrders(): Record<string, number> {
    return Object.fromEntries(this.#venues.map((v, k) => [String(k + 1), v.engine.openOrders().length]))
  }

  #answer(venueId: number, d: VenueDelivery): void {
    if (d.kind === 'report') {
      const r = d.report
      const id = Number(r.clientOrderId)
      this.#told.answered(id, r.status)
      // A replacement's first answer settles its amend; a refusal under its id repeats the one under the amended id.
      const replacement = this.#replacing.delete(id)
      if (r.refused !== undefined && !replacement) this.#countRefusal(id, r.reasonCode)
      this.#writer.report(venueId, r, d.visibleAtNs)
    } else if (d.kind === 'execution') {
      this.#health.filled(venueId)
      const x = d.execution
      const id = Number(x.clientOrderId)
      this.#writer.execution(venueId, x, d.visibleAtNs, this.#told.strategyOf(id))
      this.#told.filled(id, x.sizeLots)
      this.#reported(venueId, x.instrumentId, x.priceTicks, x.sizeLots, d.visibleAtNs)
    }
  }

  /** A fill on the ring, counted toward its venue's reported volume when the venue charges by tier. */
  #reported(venueId: number, instrumentId: number, priceTicks: number, sizeLots: number, tsNs: number): void {
    const precision = this.#precisions[instrumentId]
    if (this.#tiered[venueId - 1] === true && precision !== undefined) this.#reportedVolumes[venueId - 1]!.add(epochNsOf(tsNs), precision.notional(priceTicks, sizeLots))
  }

  #countRefusal(id: number, reasonCode: number | undefined): void {
    this.requests.refused++
    if (reasonCode === SimReasonCode.CancelUnknownOrder || reasonCode === SimReasonCode.AmendUnknownOrder) this.requests.unknownOrders++
    // Refused because another order holds the new id: no answer comes under that id.
    if (reasonCode === SimReasonCode.AmendClientOrderIdInUse) for (const [next, amended] of this.#replacing) if (amended === id) this.#replacing.delete(next)
  }

  /** Answered by the session, unsent: the request (an order, or the cancel or amend `refused` names) is Rejected. */
  #rejected(clientOrderId: number, venueId: number, refused: RefusedRequest, reasonCode: number, sizeLots: number): void {
    this.#writer.event({ tsNs: this.#clock.nowNs(), clientOrderId, venueId, status: OrderStatus.Rejected, refused, reasonCode, filledLots: 0, remainingLots: sizeLots })
  }

  /** An amend refused unsent: under the amended id with the order as the venue shows it, under the new id as Rejected. */
  #refusedAmend(venue: SimVenue, request: VenueAmend, reasonCode: number): void {
    const order = venue.engine.order(String(request.clientOrderId))
    if (order === undefined) this.#rejected(request.clientOrderId, request.venueId, RefusedRequest.Amend, reasonCode, 0)
    else this.#writer.report(request.venueId, { ...order, refused: RefusedRequest.Amend, reasonCode }, this.#clock.nowNs())
    this.#rejected(request.newClientOrderId, request.venueId, RefusedRequest.Amend, reasonCode, 0)
  }
}
