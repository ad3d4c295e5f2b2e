import type { WavesConfig } from '../../config/index.js'
import { Ewma } from '../../market/ewma.js'
import { universeOf } from '../../market/instruments.js'
import { CHILD_FIELDS, loadExecutor, PLAN_HEADER, planLength, type Router, type SlippageTracker } from '../../native/index.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { BookDelta, Fill, MessageType, Order, OrderEvent, OrderStatus, OrderType, Side, TimeInForce } from '../../schemas/index.js'
import { VenueHealthBoard } from '../../venues/health/index.js'
import { REASON_VENUE_DOWN } from '../adapters/reason-codes.js'
import type { Agent, AgentContext } from '../agent.js'
import { ParentOrders, type ParentTerms } from './parent-orders.js'
import { VenueBooks } from '../../market/book/index.js'
import { RouterInput } from '../../native/router-input.js'

type ExecutionConfig = WavesConfig['execution']

/** Child order ids start here: far above any id risk gives a parent. */
const FIRST_CHILD_ID = 2 ** 40

interface Snapshot {
  nextChildId: number
}

/**
 * execution: in the execute step, routes the orders risk approved, but only
 * orders approved in this very cycle, only with the cycle's risk verdict and
 * no breaker open (fail closed); orders it may not send are counted by
 * reason, never sent later. Each order is split across the venues by the
 * Rust router (price, visible depth, taker fee, each venue's measured
 * latency) over the L2 books the market ring draws; each child goes to the
 * venue ring as a marketable limit order, and the adapters are woken at once.
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
  const event = new OrderEvent()
  const fill = new Fill()
  let counters: Record<string, number> = {}
  let command = { cycle: 0, riskVerdict: false, safeMode: false }
  let nowNs = (): number => 0
  let logError = (_err: unknown): void => {}

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

  /** Puts the planned children of `parentId` on the venue ring. */
  const sendChildren = (parentId: number, terms: ParentTerms, children: number, reroute: boolean): void => {
    // The plan is read in place (layout in route-plan.ts).
    for (let c = 0, at = PLAN_HEADER; c < children; c++, at += CHILD_FIELDS) {
      const venue = plan[at]!
      const s = venueRing.tryClaim(1)
      if (s < 0) {
        bump('blocked_venue_ring_full')
        continue
      }
      const childId = parents.addChild(parentId, reroute)
      child.__init(venueRing.setHeader(s, Order.sizeOf(), MessageType.Order), venueRing.ring.byteBuffer)
      child.mutate_ts_ns(nowNs())
      child.mutate_client_order_id(childId)
      child.mutate_intent_id(terms.intentId)
      child.mutate_instrument_id(terms.instrumentId)
      child.mutate_risk_cycle(terms.riskCycle)
      child.mutate_venue_id(venue + 1)
      child.mutate_side(terms.side)
      child.mutate_order_type(OrderType.Limit)
      child.mutate_time_in_force(TimeInForce.ImmediateOrCancel)
      child.mutate_price_ticks(plan[at + 1]!)
      child.mutate_size_lots(plan[at + 2]!)
      child.mutate_strategy_id(terms.strategyId)
      venueRing.publish(s)
      sentNs.set(childId, { venue, ns: nowNs() })
      bump('children_sent')
    }
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
    if (children === 0) return bump('reroute_no_liquidity')
    const unfilledLots = plan[1]!
    if (unfilledLots > 0) bump('unrouted_lots', unfilledLots)
    sendChildren(parentId, terms, children, true)
    bump('rerouted')
    bump('rerouted_lots', lots - unfilledLots)
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
    }
    let children: number
    try {
      children = route(terms, order.sizeLots())
    } catch (err) {
      // One order the router refuses must not stall the ones behind it: count it, log the first.
      if ((counters['route_failures'] ?? 0) === 0) logError(err)
      return bump('route_failures')
    }
    const unfilledLots = plan[1]!
    if (unfilledLots > 0) bump('unrouted_lots', unfilledLots)
    if (children === 0) return bump('no_liquidity')
    const parentId = order.clientOrderId()
    const mid = books.consolidatedMid(terms.instrumentId)
    if (mid > 0) {
      slippage.recordArrival(parentId, terms.instrumentId, terms.side === Side.Buy ? 1 : -1, Math.round(mid))
      measured.add(parentId)
    }
    parents.addParent(parentId, terms)
    sendChildren(parentId, terms, children, false)
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
    bump(`venue_${OrderStatus[event.status()]?.toLowerCase() ?? 'unknown'}`)
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
    if (!isTerminal(event.status())) return
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
      ctx.logger.info({ executor: executor.kind }, 'execution routes with the %s router', executor.kind)
    },
    step(c, ctx) {
      command = c
      const before = counters['children_sent'] ?? 0
      market.drain(onMarket)
      drainAnswers()
      orders.drain(onOrder)
      if ((counters['children_sent'] ?? 0) !== before) ctx.notifyFastPath('venue')
      counters['book_gaps'] = books.gaps
      counters['open_parents'] = parents.openParents
    },
    onFastPath() {
      // Keep the books current between steps, so a busy feed never waits on this reader.
      market.drain(onMarket)
    },
    health: () => ({
      venueRoundTripMs: latencyMs.map((e) => e.mean),
      shortfallBps: instruments.map((name, i) => ({
        instrument: name,
        all: slippage.instrumentPercentiles(i),
        byVenue: venues.map((venue, v) => ({ venue, ...slippage.venuePercentiles(v + 1, i) })),
      })),
      openSlippageOrders: slippage.openOrders,
    }),
    snapshot: () => ({ nextChildId: parents.nextChildId }),
  }
}
