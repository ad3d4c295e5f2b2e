import type { Clock } from '../../clock/clock.js'
import { isWavesError, WavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, OrderType, RefusedRequest } from '../../schemas/index.js'
import { binanceUrlsOf } from '../../venues/ccxt/binance-urls.js'
import { CcxtVenue, createBinanceClient } from '../../venues/ccxt/index.js'
import { VenueDownReason, venueFailureReasonOf } from '../../venues/health/index.js'
import type { Execution, OrderReport } from '../../venues/sim/venue-messages.js'
import { liveOrderOf, replacementOf, stateOf, type LiveOrder, type OrderState } from './ccxt-live-order.js'
import type { FillRingWriter } from './fill-ring-writer.js'
import { REASON_NO_VENUE, REASON_ORDER_FINISHED, REASON_REPLACED, REASON_UNKNOWN_ORDER, REASON_VENUE_DOWN, REASON_VENUE_REFUSED } from './reason-codes.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'
import {
  type RequestCounters,
  type VenueAmend,
  type VenueCancel,
  type VenueOrder,
  type VenueSessions,
} from './venue-requests.js'

/** Where the keys of a ccxt binance venue come from: the environment, never the config file. */
export const BINANCE_KEY_VARIABLES = ['WAVES_BINANCE_API_KEY', 'WAVES_BINANCE_SECRET'] as const

/** How far the venue's clock may run behind ours and still take a request (Binance refuses one more than 1 s ahead of it). */
const CLOCK_ALLOWANCE_MS = 1_000

export interface CcxtSessionsOptions {
  instruments: readonly InstrumentSpec[]
  /** Venue names in venue-id order (ids from 1); each is a session on the exchange. */
  venues: readonly string[]
  /** Spot REST base of a Binance-shaped server; absent: the real exchange. */
  restUrl?: string
  /** Spot REST base of particular venues, by name, in place of `restUrl`: a backup session on another endpoint. */
  venueRestUrls?: Readonly<Record<string, string>>
  timeoutMs: number
  /**
   * The receive window every signed request carries, ms: the venue refuses
   * a request signed longer ago. So an order whose last attempt is older
   * than this and that the venue does not know was never placed.
   */
  recvWindowMs: number
  env: Record<string, string | undefined>
  clock: Clock
  logger: Logger
  /** Breakers and the venue health board: which venues take orders. */
  health: VenueHealthKeeper
  /** Rung after answers were written, so readers of the fill ring wake. */
  onAnswers: () => void
}

/** What the sessions did, for the agent's counters. */
export interface CcxtSessionCounters extends RequestCounters {
  submitted: number
  unknownVenue: number
  rejected: number
  /** Requests whose outcome is unknown after every retry (creates, cancels, amends): polling settles them. */
  timeouts: number
  /** Orders whose answer was lost and that the venue found by client id, or that polling caught up on. */
  recovered: number
  /** Orders whose create failed and that the venue, asked after its receive window, does not know: never placed. */
  notPlaced: number
  pollFailures: number
}

/** Failures after which a request may or may not have taken effect at the venue. */
function outcomeUnknown(err: unknown): boolean {
  return isWavesError(err, 'ERR_VENUE_TIMEOUT') || isWavesError(err, 'ERR_VENUE_UNAVAILABLE') || isWavesError(err, 'ERR_VENUE_MALFORMED') || isWavesError(err, 'ERR_VENUE_RATE_LIMITED')
}

/**
 * One ccxt venue session per configured venue: the `SimSessions` role for a
 * real exchange. Each order from the rings is sent without waiting; its
 * report goes onto the fill ring when it arrives. `poll` (on the monitor
 * timer) looks up every live order and lists fills, so an answer that was
 * lost, or a fill that happened later, still reaches the ring, once.
 *
 * Every order entry's outcome feeds the venue's breaker (`VenueHealthKeeper`):
 * a call that times out or meets a 5xx, a 429/418, a broken answer or a
 * dropped connection (after the adapter's own retries) is a failure; an
 * order entry that gets any answer, or a probe that does, is a success. A
 * poll that is answered proves reads work, not order entry, so it resets
 * nothing. While a venue's breaker is open its orders are answered Rejected
 * (REASON_VENUE_DOWN) unsent, and it is not polled; after the cooldown one
 * probe (a signed read of open orders) decides whether it is up again.
 * Cancels are sent whatever the breaker says: taking risk off is worth a try.
 *
 * Requests about one order go out one after the other (a cancel waits for
 * the create it cancels); a cancel uses ccxt `cancelOrder`, an amend
 * Binance's cancel-replace (`editOrder`), the order going on under the
 * amend's new client id. A cancel whose outcome is unknown, or that finds
 * no order yet, is sent again by polling while the order shows open.
 */
export class CcxtSessions implements VenueSessions {
  readonly counters: CcxtSessionCounters = { submitted: 0, unknownVenue: 0, rejected: 0, timeouts: 0, recovered: 0, notPlaced: 0, pollFailures: 0, cancels: 0, amends: 0, refused: 0, unknownOrders: 0 }
  readonly #venues: CcxtVenue[]
  readonly #writer: FillRingWriter
  readonly #options: CcxtSessionsOptions
  readonly #health: VenueHealthKeeper
  /** Orders sent and not yet settled, by client id; everything known of an order goes with it when it is forgotten. */
  readonly #live = new Map<number, LiveOrder>()
  /** Each venue's markets, loading or loaded; a load that failed is dropped, and the next call loads again. */
  readonly #markets: (Promise<void> | undefined)[]
  readonly #polling: boolean[]
  /** Answers written when the fill ring's readers were last woken. */
  #announced = 0
  readonly #inFlight = new Set<Promise<void>>()

  constructor(options: CcxtSessionsOptions, writer: FillRingWriter) {
    const apiKey = options.env[BINANCE_KEY_VARIABLES[0]]
    const secret = options.env[BINANCE_KEY_VARIABLES[1]]
    if (!apiKey || !secret) {
      throw new WavesError('ERR_VENUE_CONFIG', `execution.venue 'ccxt:binance' needs its keys in ${BINANCE_KEY_VARIABLES.join(' and ')}, and one is not set`, {
        variables: BINANCE_KEY_VARIABLES,
      })
    }
    this.#options = options
    this.#writer = writer
    this.#health = options.health
    this.#venues = options.venues.map((venue) => {
      const urls = binanceUrlsOf(options.venueRestUrls?.[venue] ?? options.restUrl)
      const exchange = createBinanceClient({ apiKey, secret, timeoutMs: options.timeoutMs, ...(urls !== undefined && { urls }) })
      // The window settling orders of unknown outcome is the one the venue enforces: set it, not assume it.
      exchange.options['recvWindow'] = options.recvWindowMs
      return new CcxtVenue({ exchange, venue, instruments: options.instruments, clock: options.clock, logger: options.logger.child({ venue }) })
    })
    this.#markets = this.#venues.map(() => undefined)
    this.#polling = this.#venues.map(() => false)
    // Markets load at start; every order waits for its venue's rather than fail on an unloaded client.
    this.#venues.forEach((_, k) => this.#marketsOf(k).catch(() => {}))
  }

  /** `order` is the caller's to reuse once this returns: what the answers need is copied out of it first. */
  submit(order: VenueOrder): void {
    const { venueId, clientOrderId, sizeLots } = order
    const venue = this.#venues[venueId - 1]
    if (venue === undefined) {
      this.counters.unknownVenue++
      this.#reject(clientOrderId, venueId, sizeLots, REASON_NO_VENUE)
      this.#flush()
      return
    }
    if (!this.#health.accepts(venueId)) {
      this.#health.refused(venueId)
      this.#reject(clientOrderId, venueId, sizeLots, REASON_VENUE_DOWN)
      this.#flush()
      return
    }
    this.#health.sent(venueId)
    this.counters.submitted++
    const live = liveOrderOf(order)
    this.#live.set(clientOrderId, live)
    const sent = { clientOrderId: String(clientOrderId), instrumentId: order.instrumentId, side: order.side, orderType: order.orderType, timeInForce: order.timeInForce, priceTicks: order.priceTicks, sizeLots }
    this.#enqueue(live, async () => {
      try {
        await this.#marketsOf(venueId - 1)
      } catch (err) {
        // The venue's markets would not load, so nothing was sent: the order is free to go elsewhere.
        this.#live.delete(clientOrderId)
        this.counters.notPlaced++
        this.#health.failure(venueId, venueFailureReasonOf(err) ?? VenueDownReason.Unavailable)
        this.#reject(clientOrderId, venueId, sizeLots, REASON_VENUE_DOWN)
        return
      }
      try {
        const report = await venue.submit(sent)
        this.#health.success(venueId)
        this.#report(venueId, report)
      } catch (err) {
        this.#createFailed(clientOrderId, venueId, live, err)
      }
    })
  }

  cancel(request: VenueCancel): void {
    const { clientOrderId: id, venueId } = request
    const venue = this.#venues[venueId - 1]
    const live = this.#live.get(id)
    if (venue === undefined) {
      this.counters.unknownVenue++
      this.#refuse(id, venueId, RefusedRequest.Cancel, REASON_NO_VENUE, stateOf(live))
      return this.#flush()
    }
    this.counters.cancels++
    if (live !== undefined && isTerminal(live.status)) {
      this.counters.refused++
      this.#refuse(id, venueId, RefusedRequest.Cancel, REASON_ORDER_FINISHED, stateOf(live))
      return this.#flush()
    }
    // An order this session does not hold (ended and forgotten, or sent before a restart) is still the venue's to answer for.
    const instrumentId = live?.instrumentId ?? request.instrumentId
    if (live === undefined) void this.#settled(() => this.#sendCancel(venue, venueId, id, instrumentId))
    else this.#enqueue(live, () => this.#sendCancel(venue, venueId, id, instrumentId))
  }

  amend(request: VenueAmend): void {
    const { clientOrderId: id, newClientOrderId: nextId, venueId } = request
    const venue = this.#venues[venueId - 1]
    const live = this.#live.get(id)
    const refuse = (reasonCode: number, state: OrderState, answerNextId = true): void => {
      this.#refuse(id, venueId, RefusedRequest.Amend, reasonCode, state)
      if (answerNextId) this.#refuse(nextId, venueId, RefusedRequest.Amend, reasonCode, stateOf(undefined))
      this.#flush()
    }
    if (venue === undefined) {
      this.counters.unknownVenue++
      return refuse(REASON_NO_VENUE, stateOf(live))
    }
    this.counters.amends++
    // Cancel-replace restates the whole order: without the session's record of it there is nothing to restate.
    if (live === undefined || isTerminal(live.status) || nextId === id || this.#live.has(nextId)) {
      this.counters.refused++
      if (live === undefined) this.counters.unknownOrders++
      const reasonCode = live === undefined ? REASON_UNKNOWN_ORDER : isTerminal(live.status) ? REASON_ORDER_FINISHED : REASON_VENUE_REFUSED
      // A new id that names another live order is that order's: nothing is said under it.
      return refuse(reasonCode, stateOf(live), nextId !== id && !this.#live.has(nextId))
    }
    const next = replacementOf(live, request)
    this.#live.set(nextId, next)
    const replacement = { clientOrderId: String(nextId), instrumentId: live.instrumentId, side: live.side, orderType: OrderType.Limit, timeInForce: live.timeInForce, priceTicks: next.priceTicks, sizeLots: next.sizeLots }
    this.#enqueue(live, async () => {
      try {
        const outcome = await this.#marketsOf(venueId - 1).then(() => venue.amend(String(id), replacement))
        if (outcome.old !== undefined) this.#report(venueId, outcome.old, outcome.replaced ? REASON_REPLACED : undefined)
        if (outcome.replaced) return this.#report(venueId, outcome.replacement)
        this.counters.refused++
        this.#live.delete(nextId)
        // Cancelled is no proof the order had ended before: a replacement refused after its cancel went through leaves it so.
        const ended = outcome.old !== undefined && isTerminal(outcome.old.status) && outcome.old.status !== OrderStatus.Cancelled
        const reasonCode = outcome.old === undefined ? REASON_UNKNOWN_ORDER : ended ? REASON_ORDER_FINISHED : REASON_VENUE_REFUSED
        if (outcome.old === undefined) this.counters.unknownOrders++
        this.#options.logger.info({ clientOrderId: id, newClientOrderId: nextId, reason: outcome.reason }, 'amend refused by the venue')
        refuse(reasonCode, stateOf(outcome.old))
      } catch (err) {
        // Either order may be what the venue holds now: both stay live and polling finds out.
        this.counters.timeouts++
        next.uncertain = true
        this.#options.logger.warn({ err, clientOrderId: id, newClientOrderId: nextId }, 'amend outcome unknown; polling will settle it')
      }
    })
    // A cancel of the replacement waits for the amend that makes it.
    next.chain = live.chain
  }

  /**
   * The monitor's turn: a probe to each venue whose breaker has cooled off,
   * and for each venue that is reachable, its live orders looked up and its
   * fills listed. Venues are polled apart, so one that hangs holds up no
   * other's answers; one round per venue at a time.
   */
  poll(): void {
    for (let k = 0; k < this.#venues.length; k++) {
      const venueId = k + 1
      if (this.#health.probeDue(venueId)) {
        this.#probe(k)
        continue
      }
      if (this.#polling[k] || !this.#health.reachable(venueId) || !this.#hasLive(venueId)) continue
      this.#polling[k] = true
      this.#pollVenue(k)
        .catch((err: unknown) => {
          this.counters.pollFailures++
          const reason = venueFailureReasonOf(err)
          if (reason !== undefined) this.#health.failure(venueId, reason)
          this.#options.logger.warn({ err, venue: this.#options.venues[k] }, 'ccxt venue poll failed')
        })
        .finally(() => {
          this.#polling[k] = false
          this.#flush()
        })
    }
  }

  async #pollVenue(k: number): Promise<void> {
    const venueId = k + 1
    const venue = this.#venues[k]!
    await this.#marketsOf(k)
    const instruments = new Set<number>()
    for (const live of this.#live.values()) if (live.venueId === venueId) instruments.add(live.instrumentId)
    for (const instrumentId of instruments) for (const x of await venue.fills(instrumentId)) this.#execution(venueId, x)
    const settleAfterNs = (this.#options.recvWindowMs + CLOCK_ALLOWANCE_MS) * 1e6
    for (const [clientOrderId, live] of [...this.#live]) {
      if (live.venueId !== venueId) continue
      const report = await venue.order(String(clientOrderId), live.instrumentId)
      if (report === undefined) {
        if (live.uncertain && this.#options.clock.nowNs() - live.failedAtNs >= settleAfterNs) this.#notPlaced(clientOrderId, live)
        continue
      }
      if (live.uncertain) {
        live.uncertain = false
        this.counters.recovered++
      }
      this.#report(venueId, report)
      if (live.cancelWanted && !isTerminal(report.status)) {
        live.cancelWanted = false
        this.#enqueue(live, () => this.#sendCancel(venue, venueId, clientOrderId, live.instrumentId))
      }
    }
  }

  #marketsOf(k: number): Promise<void> {
    const loaded = this.#markets[k]
    if (loaded !== undefined) return loaded
    const loading = this.#venues[k]!.loadMarkets()
    this.#markets[k] = loading
    loading.catch((err: unknown) => {
      if (this.#markets[k] === loading) this.#markets[k] = undefined
      this.#options.logger.error({ err, venue: this.#options.venues[k] }, 'ccxt venue markets did not load; the next call tries again')
    })
    return loading
  }

  #createFailed(clientOrderId: number, venueId: number, live: LiveOrder, err: unknown): void {
    const reason = venueFailureReasonOf(err)
    if (reason !== undefined) {
      this.#health.failure(venueId, reason)
      // The order may exist: polling settles it, by finding it or, after the receive window, by not.
      this.counters.timeouts++
      live.uncertain = true
      live.failedAtNs = this.#options.clock.nowNs()
      this.#options.logger.warn({ err, clientOrderId }, 'order outcome unknown; polling will settle it')
      return
    }
    // The venue refused the order: it answered, so it is there.
    if (isWavesError(err, 'ERR_VENUE_REJECTED')) this.#health.success(venueId)
    this.counters.rejected++
    this.#live.delete(clientOrderId)
    this.#reject(clientOrderId, venueId, live.sizeLots, 0)
  }

  #probe(k: number): void {
    const venueId = k + 1
    this.#marketsOf(k)
      .then(() => this.#venues[k]!.openOrders(0))
      .then(
        () => this.#health.probeSucceeded(venueId),
        (err: unknown) => {
          const reason = venueFailureReasonOf(err)
          // A refusal is an answer: the venue is there.
          if (reason === undefined) this.#health.probeSucceeded(venueId)
          else this.#health.probeFailed(venueId, reason)
        },
      )
  }

  #hasLive(venueId: number): boolean {
    for (const live of this.#live.values()) if (live.venueId === venueId) return true
    return false
  }

  /** Every attempt to place it is past the receive window and the venue does not know it: it never will. */
  #notPlaced(clientOrderId: number, live: LiveOrder): void {
    this.#live.delete(clientOrderId)
    this.counters.notPlaced++
    this.#options.logger.warn({ clientOrderId, venue: this.#options.venues[live.venueId - 1] }, 'order was never placed; answered Rejected so its lots can go elsewhere')
    this.#reject(clientOrderId, live.venueId, live.sizeLots, REASON_VENUE_DOWN)
  }

  /**
   * One cancel, with the venue's retries behind it. Cancelled: written as
   * any report. Another end (it filled first): that status, then the
   * refusal. No such order, or no answer: the refusal or nothing, and
   * polling cancels the order if it shows up open.
   */
  async #sendCancel(venue: CcxtVenue, venueId: number, id: number, instrumentId: number): Promise<void> {
    const live = this.#live.get(id)
    // Ended while the cancel waited behind the order's other requests (an amend replaced it, say).
    if (live !== undefined && isTerminal(live.status)) {
      this.counters.refused++
      return this.#refuse(id, venueId, RefusedRequest.Cancel, REASON_ORDER_FINISHED, stateOf(live))
    }
    try {
      const report = await this.#marketsOf(venueId - 1).then(() => venue.cancel(String(id), instrumentId))
      // Every cancel is answered: one whose Cancelled the ring already carries (polling saw it first) is answered as finished.
      const told = live !== undefined && live.status === OrderStatus.Cancelled
      if (report.status === OrderStatus.Cancelled && !told) return this.#settle(venueId, report)
      this.counters.refused++
      if (live !== undefined) this.#report(venueId, report)
      this.#refuse(id, venueId, RefusedRequest.Cancel, REASON_ORDER_FINISHED, stateOf(report))
    } catch (err) {
      if (outcomeUnknown(err)) {
        this.counters.timeouts++
        if (live !== undefined) live.cancelWanted = true
        this.#options.logger.warn({ err, clientOrderId: id }, 'cancel outcome unknown; polling will settle it')
        return
      }
      this.counters.refused++
      const unknown = isWavesError(err, 'ERR_VENUE_UNKNOWN_ORDER')
      if (unknown) this.counters.unknownOrders++
      // A create whose outcome is unknown may still land: then polling cancels it.
      if (unknown && live !== undefined) live.cancelWanted = true
      if (unknown) this.#options.logger.info({ clientOrderId: id, venueId }, 'cancel of an order the venue does not know')
      else this.#options.logger.warn({ err, clientOrderId: id }, 'cancel refused by the venue')
      this.#refuse(id, venueId, RefusedRequest.Cancel, unknown ? REASON_UNKNOWN_ORDER : REASON_VENUE_REFUSED, stateOf(live))
    }
  }

  /** Waits for the requests already sent to be answered, at most `timeoutMs` (the session is ending). */
  async drain(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
    await Promise.race([Promise.allSettled([...this.#inFlight]), late])
    clearTimeout(timer)
  }

  /** Orders each venue has live, as this side knows them, for health. */
  openOrders(): Record<string, number> {
    const open: Record<string, number> = {}
    this.#options.venues.forEach((name, k) => (open[name] = [...this.#live.values()].filter((o) => o.venueId === k + 1).length))
    return open
  }

  /** Venue round trips and retries, per venue, for health. */
  venueCounters(): Record<string, CcxtVenue['counters']> {
    return Object.fromEntries(this.#venues.map((v, k) => [this.#options.venues[k]!, { ...v.counters }]))
  }

  /** Runs `task` after the order's last request; a failure is logged, never left to stop the requests behind it. */
  #enqueue(live: LiveOrder, task: () => Promise<void>): void {
    live.chain = this.#settled(() => live.chain.then(task))
  }

  #settled(task: () => Promise<void>): Promise<void> {
    const done = task()
      .catch((err: unknown) => this.#options.logger.error({ err }, 'ccxt venue request failed unexpectedly'))
      .finally(() => {
        this.#inFlight.delete(done)
        this.#flush()
      })
    this.#inFlight.add(done)
    return done
  }

  /** Writes what waits and wakes the fill ring's readers if anything was written since they were last woken. */
  #flush(): void {
    this.#writer.flush()
    if (this.#writer.written === this.#announced) return
    this.#announced = this.#writer.written
    this.#options.onAnswers()
  }

  /** A report is written when it changes what the ring last said about the order. */
  #report(venueId: number, r: OrderReport, reasonCode?: number): void {
    const id = Number(r.clientOrderId)
    const live = this.#live.get(id)
    if (live === undefined) return
    if (live.status === r.status && live.filledLots === r.filledLots) return
    live.status = r.status
    live.filledLots = r.filledLots
    if (r.status === OrderStatus.Rejected) this.counters.rejected++
    this.#writer.report(venueId, reasonCode === undefined ? r : { ...r, reasonCode }, this.#options.clock.nowNs())
    // Kept until its fills are listed: the next poll's fills come before the order is forgotten.
    this.#forgetWhenSettled(id, live)
  }

  /** A report of an order this session may no longer hold: written either way, as the venue gave it. */
  #settle(venueId: number, r: OrderReport): void {
    if (this.#live.has(Number(r.clientOrderId))) this.#report(venueId, r)
    else this.#writer.report(venueId, r, this.#options.clock.nowNs())
  }

  #refuse(clientOrderId: number, venueId: number, refused: RefusedRequest, reasonCode: number, state: OrderState): void {
    this.#writer.event({ tsNs: this.#options.clock.nowNs(), clientOrderId, venueId, refused, reasonCode, ...state })
  }

  #forgetWhenSettled(id: number, live: LiveOrder): void {
    if (isTerminal(live.status) && live.filledSeenLots >= live.filledLots) this.#live.delete(id)
  }

  #execution(venueId: number, x: Execution): void {
    const id = Number(x.clientOrderId)
    const live = this.#live.get(id)
    // Fills of orders this engine did not send (another session on the account), or already written, are not news.
    if (live === undefined || live.venueId !== venueId || live.trades.has(x.tradeId)) return
    live.trades.add(x.tradeId)
    live.filledSeenLots += x.sizeLots
    this.#health.filled(venueId)
    this.#writer.execution(venueId, x, this.#options.clock.nowNs(), live.strategyId)
    this.#forgetWhenSettled(id, live)
  }

  #reject(clientOrderId: number, venueId: number, sizeLots: number, reasonCode: number): void {
    this.#writer.event({ tsNs: this.#options.clock.nowNs(), clientOrderId, venueId, status: OrderStatus.Rejected, reasonCode, filledLots: 0, remainingLots: sizeLots })
  }
}
