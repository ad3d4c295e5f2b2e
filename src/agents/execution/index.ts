import type { WavesConfig } from '../../config/index.js'
import { Ewma } from '../../market/ewma.js'
import { LatencyHistogram } from '../../metrics/latency-histogram.js'
import { universeOf } from '../../market/instruments.js'
import { loadExecutor, type SlippageTracker } from '../../native/index.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { BookDelta, CancelReason, Fill, Liquidity, MessageType, Order, OrderEvent, OrderStatus, RefusedRequest, Side, TimeInForce } from '../../schemas/index.js'
import { VenueDownReason, VenueHealthBoard, VenueState, type VenueHealth } from '../../venues/health/index.js'
import { REASON_SESSION_LOST, REASON_VENUE_DOWN } from '../adapters/reason-codes.js'
import type { Agent, AgentContext } from '../agent.js'
import { ChildOrders } from './child-orders.js'
import { ChildDispatch } from './child-dispatch.js'
import { ChildRouting } from './child-routing.js'
import { ParentOrders, parentTermsOf, type ParentTerms } from './parent-orders.js'
import { VenueRingWriter } from './venue-ring-writer.js'
import { VenueBooks } from '../../market/book/index.js'
import { RouterInput } from '../../native/router-input.js'
import { VenueFeeFollower } from '../../accounting/venue-fee-follower.js'
import { Posting } from './posting.js'
import { takeUp, type ExecutionSnapshot } from './execution-snapshot.js'

type ExecutionConfig = WavesConfig['execution']

/** Child order ids start here: far above any id risk gives a parent. */
const FIRST_CHILD_ID = 2 ** 40


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
 * and nothing rests there, so the router splits over the others. A child
 * the adapters answer Rejected with REASON_VENUE_DOWN never reached its
 * venue (it was on the venue ring when that went down; with
 * REASON_SESSION_LOST, it died with the sim venue that had not yet taken it): its lots are routed
 * again over the venues up, once, at the parent's limit, and only with this
 * cycle's risk verdict and no breaker open; a re-route the venues refuse
 * again is not routed a third time, nor are the lots of a child whose rest
 * time is over (whether or not its cancel went out). Each outcome is counted.
 */
export default function createExecution(): Agent<ExecutionSnapshot, ExecutionConfig> {
  let market: RingConsumer
  let orders: RingConsumer
  let answers: RingConsumer
  let venueRing: VenueRingWriter
  let books: VenueBooks
  let dispatch: ChildDispatch
  let slippage: SlippageTracker
  let parents: ParentOrders
  let childOrders: ChildOrders
  let input: RouterInput
  let venueFees: VenueFeeFollower
  let latencyMs: Ewma[]
  /** Per venue (index from 0), each child's send to its venue's first answer. */
  let roundTrips: LatencyHistogram[] = []
  let instruments: readonly string[] = []
  let venues: readonly string[] = []
  /** Parents with an arrival price in the slippage tracker. */
  const measured = new Set<number>()
  /**
   * Children refused for a venue down that were read between steps: their
   * lots wait for the next execute step's risk verdict, and their parents
   * stay open until then. Child id, then lots, flat.
   */
  const refusedBetweenSteps: number[] = []
  let posting: Posting
  let health: VenueHealthBoard
  /** Per venue (index from 0), the health change whose operator take-down was last swept for resting children. */
  let sweptChange: number[] = []
  const venueHealth: VenueHealth = { state: VenueState.Up, reason: VenueDownReason.None, consecutiveFailures: 0, changes: 0, sinceNs: 0 }
  let config: ExecutionConfig
  const delta = new BookDelta()
  const order = new Order()
  const event = new OrderEvent()
  const fill = new Fill()
  let counters: Record<string, number> = {}
  let command = { cycle: 0, riskVerdict: false, safeMode: false }
  let inStep = false
  let nowNs = (): number => 0
  let log: AgentContext['logger'] | undefined
  let notifyVenue = (): void => {}
  let venueMark = (): number => 0

  const bump = (name: string, by = 1): void => {
    counters[name] = (counters[name] ?? 0) + by
  }

  const onMarket = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.BookDelta) return
    delta.__init(offset, ring.byteBuffer)
    books.apply(delta.instrumentId(), delta.venueId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence(), delta.firstVenueSequence())
  }

  const onOrder = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Order) return
    order.__init(offset, ring.byteBuffer)
    if (command.safeMode) return bump('blocked_safe_mode')
    if (!command.riskVerdict) return bump('blocked_no_risk_verdict')
    if (order.riskCycle() !== command.cycle) return bump('blocked_stale_approval')
    const terms = parentTermsOf(order)
    const parentId = order.clientOrderId()
    // Only a limit parent whose children may rest is weighed for posting; a market order takes.
    const mayPost = config.liquidity === 'choose' && terms.limitTicks !== undefined && terms.childTimeInForce !== TimeInForce.ImmediateOrCancel
    if (mayPost && posted(parentId, terms, order.sizeLots())) return
    const children = dispatch.plan(terms, order.sizeLots())
    if (children < 0) return
    if (children === 0) return bump('no_liquidity')
    measureFrom(parentId, terms)
    parents.addParent(parentId, terms)
    dispatch.send(parentId, terms, false)
    bump('routed')
  }

  /** The parent's arrival price, the consolidated mid at decision, when the books show one. */
  const measureFrom = (parentId: number, terms: ParentTerms): void => {
    const mid = books.consolidatedMid(terms.instrumentId)
    if (!(mid > 0)) return
    slippage.recordArrival(parentId, terms.instrumentId, terms.side === Side.Buy ? 1 : -1, Math.round(mid))
    measured.add(parentId)
  }

  /** A new parent that may rest, posted when the maker/taker choice says so: true when it was (or the ring had no room for it). */
  const posted = (parentId: number, terms: ParentTerms, sizeLots: number): boolean => {
    const plan = posting.choose(terms)
    if (plan === undefined) return false
    if (!dispatch.post(parentId, terms, plan.venue, plan.priceTicks, sizeLots)) return true
    measureFrom(parentId, terms)
    parents.addParent(parentId, terms)
    bump('posted')
    bump('posted_lots', sizeLots)
    return true
  }

  /** A child has ended: its parent completes with its last child, and the parent's shortfall is measured. */
  const childEnded = (id: number): void => {
    const parent = parents.endChild(id)
    if (parent === undefined) return
    bump('orders_completed')
    // A parent routed with no mid to measure against has no shortfall to report.
    if (!measured.delete(parent)) return
    if (slippage.completeOrder(parent) !== null) bump('orders_measured')
  }

  const onAnswer = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.Fill) {
      fill.__init(offset, ring.byteBuffer)
      if (fill.liquidity() === Liquidity.Maker) posting.filled(fill.clientOrderId(), fill.venueId(), fill.instrumentId(), fill.side(), nowNs())
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
    // The order itself refused unsent, not a cancel or amend of it: the venue never saw it (or, its session lost
    // with the adapters thread before the venue took it, no venue has it).
    const reason = event.reasonCode()
    const venueDown = refused === RefusedRequest.None && event.status() === OrderStatus.Rejected && (reason === REASON_VENUE_DOWN || reason === REASON_SESSION_LOST)
    const sent = dispatch.sentNs.get(id)
    if (venueDown) {
      dispatch.sentNs.delete(id)
    } else if (sent !== undefined) {
      // The venue's first answer closes the round trip the router prices.
      const venue = latencyMs[sent.venue]!
      venue.update((event.tsNs() - sent.ns) / 1e6)
      roundTrips[sent.venue]!.recordNs(event.tsNs() - sent.ns)
      input.setLatencyMs(sent.venue, venue.mean)
      dispatch.sentNs.delete(id)
    }
    const restOver = venueDown && childOrders.restOver(id, nowNs())
    const status = childOrders.answer(id, event.status(), event.filledLots(), refused, nowNs())
    // Not one of execution's children: the fast path's are its own, and their tick is gone by now.
    if (status === undefined) return
    if (venueDown && parents.parentOf(id) !== undefined) {
      if (!restOver && !inStep) {
        refusedBetweenSteps.push(id, event.remainingLots())
        return
      }
      bump('children_venue_down')
      // Its lots were to rest only so long, and that time is over: they are not worked elsewhere either.
      if (restOver) bump('reroute_rest_over')
      else dispatch.reroute(id, event.remainingLots(), command)
    }
    if (!isTerminal(status)) return
    if (status === OrderStatus.Cancelled) bump('children_cancelled')
    if (parents.isPost(id) && !venueDown && posting.ended(id, event.venueId(), event.filledLots(), event.remainingLots(), inStep ? command : undefined)) return
    childEnded(id)
  }

  /**
   * With this step's verdict: re-routes the lots of children refused for a
   * venue down between steps, and takes what posted children left.
   */
  const routeWhatWaitedForAStep = (): void => {
    for (let k = 0; k < refusedBetweenSteps.length; k += 2) {
      const id = refusedBetweenSteps[k]!
      bump('children_venue_down')
      dispatch.reroute(id, refusedBetweenSteps[k + 1]!, command)
      childEnded(id)
    }
    refusedBetweenSteps.length = 0
    posting.workWaiting(command, childEnded)
  }

  /**
   * A venue an operator took down keeps no resting children of execution:
   * each is cancelled once per take-down (its lots are not worked elsewhere).
   * A venue down for failures is left alone: cancels would not reach it.
   */
  const cancelOnVenuesTakenDown = (): number => {
    let sent = 0
    for (let v = 0; v < venues.length; v++) {
      const h = health.read(v + 1, venueHealth)
      if (h.state !== VenueState.Down || h.reason !== VenueDownReason.Operator || sweptChange[v] === h.changes) continue
      sweptChange[v] = h.changes
      for (const id of childOrders.resting(v + 1)) {
        if (childOrders.status(id) === OrderStatus.CancelPending || !dispatch.cancel(id, CancelReason.VenueDown)) continue
        bump('venue_taken_down_cancels')
        sent++
      }
    }
    return sent
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
      const venueSequencer = new SingleProducerSequencer(ctx.rings.venue!)
      venueRing = new VenueRingWriter(venueSequencer)
      venueMark = () => venueSequencer.next
      books = new VenueBooks(universe.instruments.length, universe.venues.length)
      slippage = executor.createSlippageTracker({ windowOrders: ctx.config.slippageWindowOrders })
      parents = restored === undefined ? new ParentOrders(FIRST_CHILD_ID) : ParentOrders.fromState(restored.parents)
      childOrders = new ChildOrders({ answerNs: ctx.config.orderTimeoutMs * 1e6, restNs: ctx.config.childTimeoutMs * 1e6 }, ctx.logger)
      childOrders.restore(restored?.children ?? [], ctx.clock.nowNs())
      refusedBetweenSteps.push(...(restored?.refusedBetweenSteps ?? []))
      const roundTripMs = (2 * engine.adapters.simOrderLatencyUs) / 1000
      latencyMs = universe.venues.map((_, v) => {
        const e = new Ewma(0.1)
        const kept = restored?.venueRoundTripMs[v]
        if (kept === undefined) e.update(roundTripMs)
        else e.restore(kept)
        return e
      })
      roundTrips = universe.venues.map(() => new LatencyHistogram())
      input = new RouterInput(universe.venues.length, { takerBps: engine.fees_monitor.takerFeeBps, makerBps: engine.fees_monitor.makerFeeBps })
      latencyMs.forEach((e, v) => input.setLatencyMs(v, e.mean))
      venueFees = new VenueFeeFollower(ctx.boards['account_state']!, ctx.engineConfig, ctx.clock.nowNs())
      venueFees.applyTo(input)
      const router = executor.createRouter({ adverseTicksPerMs: ctx.config.adverseTicksPerMs })
      config = ctx.config
      health = VenueHealthBoard.attach(ctx.venueHealth)
      sweptChange = universe.venues.map(() => -1)
      counters = ctx.counters
      nowNs = () => ctx.clock.nowNs()
      dispatch = new ChildDispatch({
        routing: new ChildRouting(router, input, books, health),
        venueRing,
        parents,
        children: childOrders,
        nowNs,
        bump,
        logRouteFailure: (err) => {
          if ((counters['route_failures'] ?? 0) === 0) ctx.logger.error({ err }, 'router refused an order (first of its kind; further ones are counted)')
        },
      })
      posting = new Posting({ venueCount: universe.venues.length, instrumentCount: universe.instruments.length, books, input, venues: health, dispatch, parents, children: childOrders, config: ctx.config, bump })
      if (restored !== undefined) {
        takeUp(restored, { orders, venueRing: venueSequencer, answers, onAnswer, parents, children: childOrders, posting, slippage, measured, nowNs: ctx.clock.nowNs(), counters, logger: ctx.logger })
      }
      log = ctx.logger
      notifyVenue = () => ctx.notifyFastPath('venue')
      ctx.logger.info({ executor: executor.kind }, 'execution routes with the %s router', executor.kind)
    },
    step(c, ctx) {
      command = c
      inStep = true
      const before = counters['children_sent'] ?? 0
      let cancelled: number
      try {
        market.drain(onMarket)
        routeWhatWaitedForAStep()
        if (posting.settle(nowNs()) > 0) counters['adverse_fills_measured'] = posting.adverseMeasured
        drainAnswers()
        cancelled = dispatch.cancelDue(CancelReason.ChildTimeout) + cancelOnVenuesTakenDown() + posting.reprice()
        // The fee tiers fees_monitor published last cycle price this cycle's lots.
        if (venueFees.applyTo(input)) counters['fee_tiers_applied'] = venueFees.applied
        orders.drain(onOrder)
      } finally {
        inStep = false
      }
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
      if (dispatch.cancelDue(CancelReason.ChildTimeout) > 0) ctx.notifyFastPath('venue')
    },
    stop() {
      // What the venues said since the last step first: a child that filled or ended needs no cancel.
      drainAnswers()
      const resting = childOrders.resting()
      if (resting.length === 0) return
      // The adapters stop after execution and carry these out; a venue session already gone sends nothing.
      if (venueRing.closed) {
        log?.warn({ resting: resting.length }, 'stopping with children resting and the venue ring closed: none cancelled')
        return
      }
      let sent = 0
      for (const id of resting) if (childOrders.status(id) !== OrderStatus.CancelPending && dispatch.cancel(id, CancelReason.Shutdown)) sent++
      notifyVenue()
      bump('cancels_at_stop', sent)
      log?.info({ resting: resting.length, cancelsSent: sent }, 'stopping: resting children cancelled (best effort)')
    },
    health: () => ({
      venueRoundTripMs: latencyMs.map((e) => e.mean),
      venueRoundTripUs: venues.map((venue, v) => ({ venue, ...roundTrips[v]!.summary() })),
      shortfallBps: instruments.map((name, i) => ({
        instrument: name,
        all: slippage.instrumentPercentiles(i),
        byVenue: venues.map((venue, v) => ({ venue, ...slippage.venuePercentiles(v + 1, i) })),
      })),
      openSlippageOrders: slippage.openOrders,
      openChildren: childOrders.byStatus(),
      // Per venue, per instrument.
      postFillRatio: venues.map((_, v) => instruments.map((_i, i) => posting.fillRatio[posting.measureAt(v + 1, i)]!.mean)),
      adverseSelectionBps: venues.map((_, v) => instruments.map((_i, i) => posting.adverse[posting.measureAt(v + 1, i)]!.bps)),
    }),
    snapshot: () => ({
      parents: parents.state(),
      slippage: slippage.exportState(),
      measured: [...measured],
      children: childOrders.snapshot(),
      refusedBetweenSteps: [...refusedBetweenSteps],
      posting: posting.state(),
      venueRoundTripMs: latencyMs.map((e) => e.state()),
      answersMark: answers.next,
      ordersMark: orders.next,
      venueMark: venueMark(),
    }),
  }
}
