import type { WavesConfig } from '../../config/index.js'
import { Ewma } from '../../market/ewma.js'
import { universeOf } from '../../market/instruments.js'
import { CHILD_FIELDS, loadExecutor, PLAN_HEADER, planLength, type Router, type SlippageTracker } from '../../native/index.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { BookDelta, CancelReason, Fill, MessageType, Order, OrderCancel, OrderEvent, OrderStatus, OrderType, RefusedRequest, Side, TimeInForce } from '../../schemas/index.js'
import { VenueHealthBoard } from '../../venues/health/index.js'
import { REASON_VENUE_DOWN } from '../adapters/reason-codes.js'
import type { Agent, AgentContext } from '../agent.js'
import { ChildOrders, type ChildSnapshot } from './child-orders.js'
import { ParentOrders, type ParentTerms } from './parent-orders.js'
import { VenueBooks } from '../../market/book/index.js'
import { RouterInput } from '../../native/router-input.js'

type ExecutionConfig = WavesConfig['execution']

/** Child order ids start here: far above any id risk gives a parent. */
const FIRST_CHILD_ID = 2 ** 40

interface Snapshot {
  nextChildId: number
  /** Open children, so that a restarted execution still cancels what rests. */
  children?: ChildSnapshot[]
}

/** A child rests only when its parent may: immediate-or-cancel and fill-or-kill parents' children take what they can at once. */
function childTimeInForce(parent: TimeInForce): TimeInForce {
  return parent === TimeInForce.GoodTillCancel || parent === TimeInForce.Day ? parent : TimeInForce.ImmediateOrCancel
}

/**
 * execution: in the execute step, routes the orders risk approved, but only
 * orders approved in this very cycle, only with the cycle's risk verdict and
 * no breaker open (fail closed); orders it may not send are counted by
 * reason, never sent later. Each order is split across the venues by the
 * Rust router (price, visible depth, taker fee, each venue's measured
 * latency) over the L2 books the market ring draws; each child goes to the
 * venue ring as a marketable limit order, and the adapters are woken at once.
 * A child keeps its parent's time in force: immediate-or-cancel (and
 * fill-or-kill, which cannot hold across venues) ends at the venue, while a
 * good-till-cancel or day child rests until `childTimeoutMs`, then is
 * cancelled. Every child follows the order state machine; one unanswered
 * for `orderTimeoutMs` is cancelled too, and a stopping execution cancels
 * what still rests.
 * Fills coming back are credited to the parent's implementation shortfall
 * (arrival = consolidated mid at decision), with rolling percentiles per
 * instrument and venue; acknowledgments measure each venue's round trip.
 *
 * A venue the adapters mark down on the venue health board gets no levels,
 * so the router splits over the others. A child the adapters answer
 * Rejected with REASON_VENUE_DOWN never reached its venue (it was on the
 * venue ring when that went down): its lots are routed again over the
 * venues up, once, at the parent's limit, and only with this cycle's risk
 * verdict and no breaker open; a re-route the venues refuse again is not
 * routed a third time. Each outcome is counted.
 */
export default function createExecution(): Agent<Snapshot, ExecutionConfig> {
  let market: RingConsumer
  let orders: RingConsumer
  let answers: RingConsumer
  let venueRing: SingleProducerSequencer
  let books: VenueBooks
  let venueHealth: VenueHealthBoard
  let router: Router
  let slippage: SlippageTracker
  let parents: ParentOrders
  let childOrders: ChildOrders
  let input: RouterInput
  let plan: Float64Array
  let latencyMs: Ewma[]
  let instruments: readonly string[] = []
  let venues: readonly string[] = []
  const sentNs = new Map<number, { venue: number; ns: number }>()
  /** Parents with an arrival price in the slippage tracker. */
  const measured = new Set<number>()
  const delta = new BookDelta()
  const order = new Order()
  const child = new Order()
  const cancel = new OrderCancel()
  const event = new OrderEvent()
  const fill = new Fill()
  let counters: Record<string, number> = {}
  let command = { cycle: 0, riskVerdict: false, safeMode: false }
  let nowNs = (): number => 0
  let logError = (_err: unknown): void => {}
  let log: AgentContext['logger'] | undefined
  let venueRingUp = (): boolean => false
  let notifyVenue = (): void => {}

  const bump = (name: string, by = 1): void => {
    counters[name] = (counters[name] ?? 0) + by
  }

  const onMarket = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.BookDelta) return
    delta.__init(offset, ring.byteBuffer)
    books.apply(delta.instrumentId(), delta.venueId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence(), delta.firstVenueSequence())
  }

  /** Routes `sizeLots` of `terms` over the venues up; returns the children planned. */
  const route = (terms: ParentTerms, sizeLots: number): number => {
    const levels = input.layOut(books, terms.instrumentId, terms.side, venueHealth)
    return router.route(terms.side === Side.Buy ? 1 : -1, sizeLots, terms.limitTicks, levels, input.venueLevelEnds, input.costs, plan)
  }

  /** Where the plan just made would rest what the books cannot fill: the router's maker venue, if the parent may rest and that venue is up; else -1. */
  const restingVenueOf = (terms: ParentTerms): number => {
    const venue = plan[2]!
    const mayRest = terms.timeInForce !== TimeInForce.ImmediateOrCancel && terms.limitTicks !== undefined && venue >= 0 && venueHealth.routable(venue + 1)
    return mayRest ? venue : -1
  }

  /**
   * Puts the planned children of `parentId` on the venue ring (the plan is
   * read in place, layout in route-plan.ts), and, when the parent may rest,
   * what the books could not fill at its limit on the venue the router says
   * a maker rests best, if that venue is up. Returns the lots that went
   * nowhere.
   */
  const sendPlan = (parentId: number, terms: ParentTerms, children: number, reroute: boolean): number => {
    for (let c = 0, at = PLAN_HEADER; c < children; c++, at += CHILD_FIELDS) sendChild(parentId, terms, plan[at]!, plan[at + 1]!, plan[at + 2]!, reroute)
    const unfilledLots = plan[1]!
    const restingVenue = restingVenueOf(terms)
    if (unfilledLots > 0 && restingVenue >= 0 && sendChild(parentId, terms, restingVenue, terms.limitTicks!, unfilledLots, reroute)) {
      bump('rested_lots', unfilledLots)
      return 0
    }
    if (unfilledLots > 0) bump('unrouted_lots', unfilledLots)
    return unfilledLots
  }

  /** One child of `parentId` onto the venue ring; false when the ring has no room. */
  const sendChild = (parentId: number, terms: ParentTerms, venue: number, priceTicks: number, sizeLots: number, reroute: boolean): boolean => {
    const s = venueRing.tryClaim(1)
    if (s < 0) {
      bump('blocked_venue_ring_full')
      return false
    }
    const childId = parents.addChild(parentId, reroute)
    const now = nowNs()
    child.__init(venueRing.setHeader(s, Order.sizeOf(), MessageType.Order), venueRing.ring.byteBuffer)
    child.mutate_ts_ns(now)
    child.mutate_client_order_id(childId)
    child.mutate_intent_id(terms.intentId)
    child.mutate_instrument_id(terms.instrumentId)
    child.mutate_risk_cycle(terms.riskCycle)
    child.mutate_venue_id(venue + 1)
    child.mutate_side(terms.side)
    child.mutate_order_type(OrderType.Limit)
    child.mutate_time_in_force(terms.timeInForce)
    child.mutate_price_ticks(priceTicks)
    child.mutate_size_lots(sizeLots)
    child.mutate_strategy_id(terms.strategyId)
    venueRing.publish(s)
    sentNs.set(childId, { venue, ns: now })
    childOrders.sent(childId, { venueId: venue + 1, instrumentId: terms.instrumentId, side: terms.side, sizeLots, rests: terms.timeInForce !== TimeInForce.ImmediateOrCancel, sentNs: now })
    bump('children_sent')
    return true
  }

  /** A child that never reached its venue: its lots go to the venues up, once. */
  const reroute = (childId: number, lots: number): void => {
    const parentId = parents.parentOf(childId)
    // Not one of ours (the fast path's children are its own; their tick is gone by now).
    if (parentId === undefined) return
    bump('children_venue_down')
    if (parents.isReroute(childId)) return bump('reroute_refused_again')
    if (command.safeMode || !command.riskVerdict) return bump('reroute_blocked')
    const terms = parents.termsOf(parentId)!
    let children: number
    try {
      children = route(terms, lots)
    } catch (err) {
      if ((counters['route_failures'] ?? 0) === 0) logError(err)
      return bump('route_failures')
    }
    if (children === 0 && restingVenueOf(terms) < 0) return bump('reroute_no_liquidity')
    const unsent = sendPlan(parentId, terms, children, true)
    bump('rerouted')
    bump('rerouted_lots', lots - unsent)
  }

  const onOrder = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Order) return
    order.__init(offset, ring.byteBuffer)
    if (command.safeMode) return bump('blocked_safe_mode')
    if (!command.riskVerdict) return bump('blocked_no_risk_verdict')
    if (order.riskCycle() !== command.cycle) return bump('blocked_stale_approval')
    const terms: ParentTerms = {
      instrumentId: order.instrumentId(),
      side: order.side(),
      limitTicks: order.orderType() === OrderType.Market ? undefined : order.priceTicks(),
      intentId: order.intentId(),
      riskCycle: order.riskCycle(),
      strategyId: order.strategyId(),
      timeInForce: childTimeInForce(order.timeInForce()),
    }
    let children: number
    try {
      children = route(terms, order.sizeLots())
    } catch (err) {
      // One order the router refuses must not stall the ones behind it: count it, log the first.
      if ((counters['route_failures'] ?? 0) === 0) logError(err)
      return bump('route_failures')
    }
    if (children === 0 && restingVenueOf(terms) < 0) {
      if (plan[1]! > 0) bump('unrouted_lots', plan[1]!)
      return bump('no_liquidity')
    }
    const parentId = order.clientOrderId()
    const mid = books.consolidatedMid(terms.instrumentId)
    if (mid > 0) {
      slippage.recordArrival(parentId, terms.instrumentId, terms.side === Side.Buy ? 1 : -1, Math.round(mid))
      measured.add(parentId)
    }
    parents.addParent(parentId, terms)
    sendPlan(parentId, terms, children, false)
    bump('routed')
  }

  const onAnswer = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.Fill) {
      fill.__init(offset, ring.byteBuffer)
      const parent = parents.parentOf(fill.clientOrderId())
      if (parent !== undefined && measured.has(parent)) slippage.recordFill(parent, fill.venueId(), fill.priceTicks(), fill.sizeLots())
      bump('fills')
      return
    }
    if (type !== MessageType.OrderEvent) return
    event.__init(offset, ring.byteBuffer)
    const id = event.clientOrderId()
    const refused = event.refused()
    // A refusal repeats the order's status; it is counted as what it is.
    if (refused === RefusedRequest.Cancel) bump('cancels_refused')
    else if (refused === RefusedRequest.Amend) bump('amends_refused')
    else bump(`venue_${OrderStatus[event.status()]?.toLowerCase() ?? 'unknown'}`)
    const sent = sentNs.get(id)
    const venueDown = event.status() === OrderStatus.Rejected && event.reasonCode() === REASON_VENUE_DOWN
    if (venueDown) {
      // The venue never saw it: no round trip to measure, and its lots are still to be routed.
      sentNs.delete(id)
      reroute(id, event.remainingLots())
    } else if (sent !== undefined) {
      // The venue's first answer closes the round trip the router prices.
      const venue = latencyMs[sent.venue]!
      venue.update((event.tsNs() - sent.ns) / 1e6)
      input.setLatencyMs(sent.venue, venue.mean)
      sentNs.delete(id)
    }
    const status = childOrders.answer(id, event.status(), event.filledLots(), refused, nowNs())
    if (status === undefined || !isTerminal(status)) return
    if (status === OrderStatus.Cancelled) bump('children_cancelled')
    const parent = parents.endChild(id)
    if (parent === undefined) return
    bump('orders_completed')
    // A parent routed with no mid to measure against has no shortfall to report.
    if (!measured.delete(parent)) return
    if (slippage.completeOrder(parent) !== null) bump('orders_measured')
  }

  const drainAnswers = (): void => {
    answers.drain(onAnswer)
  }

  /** Puts a cancel of an open child on the venue ring; false when the ring has no room (it is tried again later). */
  const sendCancel = (id: number, reason: CancelReason): boolean => {
    const open = childOrders.get(id)
    if (open === undefined) return false
    const s = venueRing.tryClaim(1)
    if (s < 0) {
      bump('blocked_venue_ring_full')
      return false
    }
    cancel.__init(venueRing.setHeader(s, OrderCancel.sizeOf(), MessageType.OrderCancel), venueRing.ring.byteBuffer)
    cancel.mutate_ts_ns(nowNs())
    cancel.mutate_client_order_id(id)
    cancel.mutate_instrument_id(open.instrumentId)
    cancel.mutate_venue_id(open.venueId)
    cancel.mutate_side(open.side)
    cancel.mutate_reason(reason)
    venueRing.publish(s)
    childOrders.cancelSent(id, nowNs())
    bump(open.cancels > 1 ? 'cancels_resent' : 'cancels_sent')
    return true
  }

  /** Cancels every child past its deadline; returns how many cancels went out. */
  const cancelDue = (): number => {
    const now = nowNs()
    if (!childOrders.anyDue(now)) return 0
    let sent = 0
    for (const id of childOrders.due(now)) if (sendCancel(id, CancelReason.ChildTimeout)) sent++
    return sent
  }

  return {
    init(ctx: AgentContext<ExecutionConfig>, restored) {
      const universe = universeOf(ctx.engineConfig)
      instruments = universe.instruments
      venues = universe.venues
      const engine = ctx.engineConfig as unknown as WavesConfig
      const executor = loadExecutor()
      market = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      orders = new RingConsumer(ctx.rings.orders!, ctx.consumerIds.orders!)
      answers = new RingConsumer(ctx.rings.fills!, ctx.consumerIds.fills!)
      venueRing = new SingleProducerSequencer(ctx.rings.venue!)
      venueHealth = VenueHealthBoard.attach(ctx.venueHealth)
      books = new VenueBooks(universe.instruments.length, universe.venues.length)
      router = executor.createRouter({ adverseTicksPerMs: ctx.config.adverseTicksPerMs })
      slippage = executor.createSlippageTracker({ windowOrders: ctx.config.slippageWindowOrders })
      parents = new ParentOrders(restored?.nextChildId ?? FIRST_CHILD_ID)
      childOrders = new ChildOrders({ answerNs: ctx.config.orderTimeoutMs * 1e6, restNs: ctx.config.childTimeoutMs * 1e6 }, ctx.logger)
      childOrders.restore(restored?.children ?? [], ctx.clock.nowNs())
      const roundTripMs = (2 * engine.adapters.simOrderLatencyUs) / 1000
      latencyMs = universe.venues.map(() => {
        const e = new Ewma(0.1)
        e.update(roundTripMs)
        return e
      })
      input = new RouterInput(universe.venues.length, { takerBps: engine.fees_monitor.takerFeeBps, makerBps: engine.fees_monitor.makerFeeBps })
      latencyMs.forEach((e, v) => input.setLatencyMs(v, e.mean))
      plan = new Float64Array(planLength(universe.venues.length))
      counters = ctx.counters
      nowNs = () => ctx.clock.nowNs()
      logError = (err) => ctx.logger.error({ err }, 'router refused an order (first of its kind; further ones are counted)')
      log = ctx.logger
      venueRingUp = () => !venueRing.ring.closed
      notifyVenue = () => ctx.notifyFastPath('venue')
      ctx.logger.info({ executor: executor.kind }, 'execution routes with the %s router', executor.kind)
    },
    step(c, ctx) {
      command = c
      const before = counters['children_sent'] ?? 0
      market.drain(onMarket)
      drainAnswers()
      const cancelled = cancelDue()
      orders.drain(onOrder)
      if ((counters['children_sent'] ?? 0) !== before || cancelled > 0) ctx.notifyFastPath('venue')
      counters['book_gaps'] = books.gaps
      counters['open_parents'] = parents.openParents
      counters['open_children'] = childOrders.openCount
      counters['child_illegal_transitions'] = childOrders.illegalTransitionCount
    },
    onFastPath(ctx) {
      // Keep the books current between steps, so a busy feed never waits on this reader.
      market.drain(onMarket)
      // A resting child falls due between steps too: what the venue said first, then the cancels.
      if (!childOrders.anyDue(nowNs())) return
      drainAnswers()
      if (cancelDue() > 0) ctx.notifyFastPath('venue')
    },
    stop() {
      const resting = childOrders.resting()
      if (resting.length === 0) return
      // Best effort: the adapters may be stopping too, and a venue session that is gone sends nothing.
      if (!venueRingUp()) {
        log?.warn({ resting: resting.length }, 'stopping with children resting and the venue ring closed: none cancelled')
        return
      }
      let sent = 0
      for (const id of resting) if (childOrders.status(id) !== OrderStatus.CancelPending && sendCancel(id, CancelReason.Shutdown)) sent++
      notifyVenue()
      log?.info({ resting: resting.length, cancelsSent: sent }, 'stopping: resting children cancelled (best effort)')
    },
    health: () => ({
      venueRoundTripMs: latencyMs.map((e) => e.mean),
      shortfallBps: instruments.map((name, i) => ({
        instrument: name,
        all: slippage.instrumentPercentiles(i),
        byVenue: venues.map((venue, v) => ({ venue, ...slippage.venuePercentiles(v + 1, i) })),
      })),
      openSlippageOrders: slippage.openOrders,
      openChildren: childOrders.byStatus(),
    }),
    snapshot: () => ({ nextChildId: parents.nextChildId, children: childOrders.snapshot() }),
  }
}
