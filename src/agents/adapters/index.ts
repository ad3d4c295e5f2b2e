import type { WavesConfig } from '../../config/index.js'
import { venueFeeAccountsOf } from '../../accounting/index.js'
import { epochNsOf } from '../../clock/clock.js'
import type { Logger } from '../../log/logger.js'
import { instrumentSpecsOf, universeOf } from '../../market/instruments.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { BookDelta, MessageType, Trade } from '../../schemas/index.js'
import { VenueHealthBoard, VenueHealthWriter } from '../../venues/health/index.js'
import type { Agent, AgentContext } from '../agent.js'
import type { LiveOrderSnapshot } from './ccxt-live-order.js'
import type { CcxtSessions } from './ccxt-sessions.js'
import { FillRingWriter, type PendingAnswer } from './fill-ring-writer.js'
import { RequestReader } from './request-reader.js'
import { SessionJournal, type AnswerReplay, type JournalMarks } from './session-journal.js'
import { SimSessions } from './sim-sessions.js'
import { TickToAck } from './tick-to-ack.js'
import type { LatencySpec } from '../../venues/sim/index.js'
import type { VenueSessions } from './venue-requests.js'
import { VenueHealthKeeper } from './venue-health-keeper.js'
import type { RequestCounters } from './venue-requests.js'

export { REASON_NO_VENUE, REASON_ORDER_FINISHED, REASON_REPLACED, REASON_SESSION_LOST, REASON_UNKNOWN_ORDER, REASON_VENUE_DOWN, REASON_VENUE_REFUSED } from './reason-codes.js'

type AdaptersConfig = WavesConfig['adapters']

/** What the adapters keep across a restart; with the rings, which outlive the thread, all it needs to go on. */
interface AdaptersSnapshot {
  journal: JournalMarks
  /** Answers waiting for room on the fill ring: counted as told, and still to write if they never were. */
  waiting: PendingAnswer[]
  /** The sim sessions' live orders as the ring knows them, and each tiered sim venue's 30-day volume as reported. */
  sim?: ReturnType<SimSessions['snapshot']>
  /** The ccxt sessions' blotter. */
  ccxt?: Array<[number, LiveOrderSnapshot]>
}

type Replay = (requests: VenueSessions, answers: AnswerReplay) => void

/** Longest a stopping session waits for its last requests' answers: well inside the engine's wait for an agent to stop. */
const STOP_DRAIN_MS = 3_000

/**
 * adapters: the venue sessions. On the embedded default every configured
 * venue is a sim venue (`SimSessions`) whose liquidity is that venue's book
 * and tape from the market ring. Orders on the venue ring are sent the
 * moment they arrive, between steps too (execution rings this agent's
 * doorbell, as does the strategy's fast path on its own ring), and what the venues answer goes onto the fill ring as order
 * events and fills, in order, nothing dropped; cancels and amends on the
 * venue ring follow the orders they name, and every answer to them, a
 * refusal included, is an order event too. A timer wakes the agent when
 * the next answer is due, so latency is simulated, not rounded to a step.
 * With execution.venue 'ccxt:binance' the same rings lead to the exchange
 * instead (`CcxtSessions`): orders go out without waiting, answers are
 * written as they arrive, and a timer polls what they missed.
 *
 * Either way this agent keeps each venue's health (`VenueHealthKeeper`): a
 * breaker per venue over its calls' outcomes and the operator's
 * `venuesDown`, published on the venue health board that execution and the
 * fast path route by.
 *
 * A restarted adapters thread takes up where the last one stood: its
 * snapshot, and the rings as a journal of what passed after it
 * (`SessionJournal`). On ccxt the venues still hold the orders, so the
 * blotter comes back and polling settles the rest (`CcxtSessions.recover`);
 * the sim venues died with the thread, so each order still open there is
 * ended with REASON_SESSION_LOST (`SimSessions.recover`) and a tiered sim
 * venue keeps its 30-day volume. An order that reaches a venue that is down is
 * answered Rejected with REASON_VENUE_DOWN, never sent and never dropped;
 * so is an amend, whose replacement would be a new order there. A cancel
 * places nothing: it still goes to a venue an operator took down, and one
 * for a venue whose breaker is open waits until calls reach it again.
 */
export default function createAdapters(): Agent<AdaptersSnapshot, AdaptersConfig> {
  let market: RingConsumer
  let orders: RingConsumer
  let fastOrders: RingConsumer
  let writer: FillRingWriter
  let journal: SessionJournal
  let sessions: SimSessions
  let health: VenueHealthKeeper
  /** Set when execution.venue is 'ccxt:binance': orders go to the exchange instead of the sim venues. */
  let ccxt: CcxtSessions | undefined
  let monitor: ReturnType<typeof setInterval> | undefined
  let counters: Record<string, number> = {}
  let timer: ReturnType<typeof setTimeout> | undefined
  let log: Logger | undefined
  let notify = (): void => {}
  let stopDrainMs = 0
  let nowNs = (): number => 0
  const delta = new BookDelta()
  const trade = new Trade()
  const requests = new RequestReader()
  /** The fast ring's reader: each order's tick time goes to `tickToAck` on its way to the sessions. */
  const fastRequests = new RequestReader()
  const tickToAck = new TickToAck()

  const onMarket = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.BookDelta) {
      delta.__init(offset, ring.byteBuffer)
      sessions.bookDelta(delta.venueId(), delta.instrumentId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.tsNs())
    } else if (type === MessageType.Trade) {
      trade.__init(offset, ring.byteBuffer)
      sessions.trade(trade.venueId(), trade.instrumentId(), trade.aggressor(), trade.priceTicks(), trade.sizeLots(), trade.tsNs())
    }
  }

  const countRequests = (c: RequestCounters): void => {
    counters['cancels_sent'] = c.cancels
    counters['amends_sent'] = c.amends
    counters['requests_refused'] = c.refused
    counters['requests_unknown_order'] = c.unknownOrders
    counters['requests_unknown_type'] = requests.unknownMessages + fastRequests.unknownMessages
  }

  const countAnswers = (): void => {
    counters['answers_written'] = writer.written
    counters['fills_written'] = writer.fillsWritten
    counters['answers_pending'] = writer.pending
  }

  /** Everything in one turn: the market first (orders meet the book as of now), then orders, then what is due. */
  const pump = (): number | undefined => {
    if (ccxt !== undefined) {
      pumpCcxt()
      return undefined
    }
    market.drain(onMarket)
    orders.drain(requests.handler)
    fastOrders.drain(fastRequests.handler)
    const written = writer.written
    writer.flush()
    const nextNs = sessions.poll()
    if (writer.written !== written) notify()
    counters['orders_submitted'] = sessions.submitted
    counters['orders_unknown_venue'] = sessions.unknownVenue
    countRequests(sessions.requests)
    countAnswers()
    clearTimeout(timer)
    timer = undefined
    if (nextNs !== undefined) timer = setTimeout(pump, Math.max(0, (nextNs - nowNs()) / 1e6))
    return nextNs
  }

  /**
   * At stop, what the sim venues still have on its way (orders in flight to
   * them, answers in flight back, execution's shutdown cancels) arrives, as
   * it would from a venue that stays up: turn after turn, while the next is due within `boundMs`.
   */
  const deliverInFlight = async (boundMs: number): Promise<void> => {
    const endNs = nowNs() + boundMs * 1e6
    let turnNs = nowNs()
    let nextNs = pump()
    while (nextNs !== undefined && nextNs <= endNs) {
      // This loop takes the turns now, not the timer pump set for itself.
      clearTimeout(timer)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (nextNs! - nowNs()) / 1e6)))
      // A clock that does not move (a test's) brings nothing more due.
      if (nowNs() === turnNs) break
      turnNs = nowNs()
      nextNs = pump()
    }
    if (nextNs !== undefined) log?.warn({ dueInMs: (nextNs - nowNs()) / 1e6 }, 'sim venues stopped with events still due: what they would have answered never reaches the ring')
  }

  /** The ccxt turn: orders go out without waiting; answers are written when they arrive (CcxtSessions). */
  const pumpCcxt = (): void => {
    market.drain(() => {})
    orders.drain(requests.handler)
    fastOrders.drain(fastRequests.handler)
    const c = ccxt!.counters
    counters['orders_submitted'] = c.submitted
    counters['orders_unknown_venue'] = c.unknownVenue
    counters['orders_rejected'] = c.rejected
    counters['venue_timeouts'] = c.timeouts
    counters['orders_recovered'] = c.recovered
    counters['orders_not_placed'] = c.notPlaced
    counters['cancels_held_venue_down'] = c.cancelsHeld
    counters['venue_poll_failures'] = c.pollFailures
    countRequests(c)
    countAnswers()
  }

  /**
   * The journal's replay since `restored` for a session's `recover`. The
   * answers that waited at the snapshot and never reached the ring go
   * first, before anything the recovery writes.
   */
  const replayFor =
    (restored: AdaptersSnapshot, ctx: AgentContext<AdaptersConfig>): Replay =>
    (requests, answers) => {
      const replayed = journal.replay(restored.journal, requests, answers, restored.waiting.length)
      writer.resume(restored.waiting.slice(restored.waiting.length - replayed.unwritten))
      counters['restart_requests_replayed'] = replayed.requests
      counters['restart_answers_replayed'] = replayed.answers
      if (replayed.lost.length === 0) return
      counters['restart_journal_lost'] = replayed.lost.length
      ctx.logger.error({ rings: replayed.lost, marks: restored.journal }, 'adapters restarted: the rings moved on past the snapshot, and what they held since is not known')
    }

  /** The sessions as the fast ring's orders reach them: each order's tick time noted first. */
  const timedFromTick = (sessions: VenueSessions): VenueSessions => ({
    submit: (order) => {
      if (order.tsNs !== undefined) tickToAck.sent(order.clientOrderId, order.tsNs)
      sessions.submit(order)
    },
    cancel: (request) => sessions.cancel(request),
    amend: (request) => sessions.amend(request),
  })

  return {
    async init(ctx: AgentContext<AdaptersConfig>, restored: AdaptersSnapshot | undefined) {
      const universe = universeOf(ctx.engineConfig)
      const engine = ctx.engineConfig as unknown as WavesConfig
      market = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      orders = new RingConsumer(ctx.rings.venue!, ctx.consumerIds.venue!)
      fastOrders = new RingConsumer(ctx.rings.fast!, ctx.consumerIds.fast!)
      const fills = new SingleProducerSequencer(ctx.rings.fills!)
      writer = new FillRingWriter(fills, (id, tsNs) => tickToAck.answered(id, tsNs))
      journal = new SessionJournal(orders, fastOrders, fills)
      counters = ctx.counters
      log = ctx.logger
      nowNs = () => ctx.clock.nowNs()
      notify = () => ctx.notifyFastPath('fills')
      health = new VenueHealthKeeper({
        venues: universe.venues,
        breaker: breakerSettingsOf(ctx.config),
        venuesDown: ctx.config.venuesDown,
        writer: new VenueHealthWriter(VenueHealthBoard.attach(ctx.venueHealth)),
        clock: ctx.clock,
        logger: ctx.logger,
        counters,
      })
      if (engine.execution.venue === 'ccxt:binance') {
        // ccxt takes most of a second to load: only a run that trades through it pays for that.
        const { CcxtSessions } = await import('./ccxt-sessions.js')
        ccxt = new CcxtSessions(
          {
            instruments: instrumentSpecsOf(ctx.engineConfig),
            venues: universe.venues,
            ...(ctx.config.ccxtRestUrl !== undefined && { restUrl: ctx.config.ccxtRestUrl }),
            venueRestUrls: ctx.config.ccxtVenueRestUrls,
            timeoutMs: ctx.config.ccxtTimeoutMs,
            recvWindowMs: ctx.config.ccxtRecvWindowMs,
            userStreams: ctx.config.ccxtUserStreams,
            env: process.env,
            clock: ctx.clock,
            logger: ctx.logger,
            health,
            onAnswers: () => {
              countAnswers()
              notify()
            },
          },
          writer,
        )
        requests.attach(ccxt)
        fastRequests.attach(timedFromTick(ccxt))
        if (restored !== undefined) {
          const blotter = ccxt.recover(restored.ccxt ?? [], replayFor(restored, ctx))
          counters['restart_orders_followed'] = blotter
          ctx.logger.warn({ orders: blotter }, 'adapters restarted: the ccxt blotter restored, its orders followed again on the venues')
        }
        stopDrainMs = Math.min(ctx.config.ccxtTimeoutMs, STOP_DRAIN_MS)
        // Answers a call missed are caught by polling on a timer: the network never holds up a step.
        monitor = setInterval(() => {
          ccxt!.poll()
          pumpCcxt()
        }, ctx.config.ccxtPollIntervalMs)
        return
      }
      const startNs = epochNsOf(ctx.clock.nowNs())
      sessions = new SimSessions(
        {
          instruments: instrumentSpecsOf(ctx.engineConfig),
          venues: universe.venues,
          // A flat venue charges its rates; one with tiers keeps its own 30-day volume, as a real venue does.
          fees: venueFeeAccountsOf(ctx.engineConfig, startNs, restored?.sim?.volumes).map((account) => {
            const tiers = account.tiers.schedule.tiers
            return tiers.length === 1 ? { makerBps: tiers[0]!.makerBps, takerBps: tiers[0]!.takerBps } : account
          }),
          // The same volumes kept apart: what a venue charged by runs ahead of what it reported by the fills in flight.
          reportedVolumes: venueFeeAccountsOf(ctx.engineConfig, startNs, restored?.sim?.volumes).map((account) => account.volume),
          ...simLatenciesOf(ctx.config),
          queueCancelModel: ctx.config.queueCancelModel,
          selfTradePrevention: ctx.config.selfTradePrevention,
          clock: ctx.clock,
          logger: ctx.logger,
          health,
        },
        writer,
      )
      requests.attach(sessions)
      fastRequests.attach(timedFromTick(sessions))
      if (restored !== undefined) {
        const ended = sessions.recover(restored.sim?.orders ?? [], replayFor(restored, ctx))
        counters['orders_ended_session_lost'] = ended
        if (ended > 0) ctx.logger.warn({ orders: ended }, 'adapters restarted: the sim venues died with the last thread, and the orders they held are ended (REASON_SESSION_LOST)')
      }
    },
    configure(ctx) {
      // The operator's lever: a venue named in venuesDown takes no new orders from the next one on.
      health.configure(breakerSettingsOf(ctx.config), ctx.config.venuesDown)
    },
    step() {
      pump()
    },
    onFastPath() {
      pump()
    },
    health: () => ({
      ...(ccxt !== undefined ? { openOrders: ccxt.openOrders(), venues: ccxt.venueCounters() } : { openOrders: sessions.openOrders() }),
      venueHealth: health.detail(),
      tickToAckUs: tickToAck.histogram.summary(),
      tickToAckHistogram: tickToAck.histogram.encode(),
    }),
    snapshot: () => ({
      journal: journal.marks(),
      waiting: writer.pendingAnswers(),
      ...(ccxt !== undefined ? { ccxt: ccxt.snapshot() } : { sim: sessions.snapshot() }),
    }),
    async stop() {
      clearInterval(monitor)
      const written = writer.written
      if (ccxt !== undefined) {
        clearTimeout(timer)
        // Requests already on the rings (execution's last cancels as it stops) still reach the exchange, within a bound.
        pumpCcxt()
        await ccxt.drain(stopDrainMs)
        await ccxt.close()
      } else await deliverInFlight(STOP_DRAIN_MS)
      clearTimeout(timer)
      countAnswers()
      counters['answers_delivered_at_stop'] = writer.written - written
      log?.info({ delivered: writer.written - written }, 'adapters stopping: answers in flight delivered')
    },
  }
}

function breakerSettingsOf(config: AdaptersConfig): { failures: number; cooldownMs: number } {
  return { failures: config.venueBreakerFailures, cooldownMs: config.venueBreakerCooldownMs }
}

/**
 * The sim venues' two hops: drawn from recorded round trips when the config
 * lists some (each hop its own draws, one seed apart), else the constants.
 */
function simLatenciesOf(config: AdaptersConfig): { orderLatency: LatencySpec; responseLatency: LatencySpec } {
  // The feed latency folded into the hops (see simFeedLatencyUs): later at the venue, sooner back.
  const feedNs = config.simFeedLatencyUs * 1000
  const recorded = config.simRoundTripsUs
  if (recorded !== undefined) {
    const roundTripsNs = recorded.map((us) => us * 1000)
    return {
      orderLatency: { roundTripsNs, seed: config.simLatencySeed, shiftNs: feedNs },
      responseLatency: { roundTripsNs, seed: config.simLatencySeed + 1, shiftNs: -feedNs },
    }
  }
  return {
    orderLatency: { constantNs: config.simOrderLatencyUs * 1000, shiftNs: feedNs },
    responseLatency: { constantNs: (config.simResponseLatencyUs ?? config.simOrderLatencyUs) * 1000, shiftNs: -feedNs },
  }
}
