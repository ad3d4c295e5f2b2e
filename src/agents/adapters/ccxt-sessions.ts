import type { Clock } from '../../clock/clock.js'
import { isWavesError, WavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, OrderType, RefusedRequest } from '../../schemas/index.js'
import { binanceUrlsOf } from '../../venues/ccxt/binance-urls.js'
import { CcxtVenue, createBinanceClient } from '../../venues/ccxt/index.js'
import type { Execution, OrderReport } from '../../venues/sim/venue-messages.js'
import { liveOrderOf, replacementOf, stateOf, type LiveOrder, type OrderState } from './ccxt-live-order.js'
import type { FillRingWriter } from './fill-ring-writer.js'
import {
  REASON_NO_VENUE,
  REASON_ORDER_FINISHED,
  REASON_REPLACED,
  REASON_UNKNOWN_ORDER,
  REASON_VENUE_REFUSED,
  type RequestCounters,
  type VenueAmend,
  type VenueCancel,
  type VenueOrder,
  type VenueSessions,
} from './venue-requests.js'

/** Where the keys of a ccxt binance venue come from: the environment, never the config file. */
export const BINANCE_KEY_VARIABLES = ['WAVES_BINANCE_API_KEY', 'WAVES_BINANCE_SECRET'] as const

export interface CcxtSessionsOptions {
  instruments: readonly InstrumentSpec[]
  /** Venue names in venue-id order (ids from 1); each is a session on the exchange. */
  venues: readonly string[]
  /** Spot REST base of a Binance-shaped server; absent: the real exchange. */
  restUrl?: string
  timeoutMs: number
  env: Record<string, string | undefined>
  clock: Clock
  logger: Logger
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
  pollFailures: number
}

/** Failures after which a request may or may not have taken effect at the venue. */
function outcomeUnknown(err: unknown): boolean {
  return isWavesError(err, 'ERR_VENUE_TIMEOUT') || isWavesError(err, 'ERR_VENUE_UNAVAILABLE') || isWavesError(err, 'ERR_VENUE_MALFORMED') || isWavesError(err, 'ERR_VENUE_RATE_LIMITED')
}

/**
 * One ccxt venue session per configured venue: the `SimSessions` role for a
 * real exchange. Each order from the rings is sent without waiting; its
 * report goes onto the fill ring when it arrives. `poll` (the monitor step)
 * looks up every live order and lists fills, so an answer that was lost, or
 * a fill that happened later, still reaches the ring, once.
 *
 * Requests about one order go out one after the other (a cancel waits for
 * the create it cancels); a cancel uses ccxt `cancelOrder`, an amend
 * Binance's cancel-replace (`editOrder`), the order going on under the
 * amend's new client id. A cancel whose outcome is unknown, or that finds
 * no order yet, is sent again by polling while the order shows open.
 */
export class CcxtSessions implements VenueSessions {
  readonly counters: CcxtSessionCounters = { submitted: 0, unknownVenue: 0, rejected: 0, timeouts: 0, recovered: 0, pollFailures: 0, cancels: 0, amends: 0, refused: 0, unknownOrders: 0 }
  readonly #venues: CcxtVenue[]
  readonly #writer: FillRingWriter
  readonly #options: CcxtSessionsOptions
  /** Orders sent and not yet settled, by client id; everything known of an order goes with it when it is forgotten. */
  readonly #live = new Map<number, LiveOrder>()
  readonly #ready: Promise<void>
  #polling = false
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
    const urls = binanceUrlsOf(options.restUrl)
    this.#venues = options.venues.map((venue) => {
      const exchange = createBinanceClient({ apiKey, secret, timeoutMs: options.timeoutMs, ...(urls !== undefined && { urls }) })
      return new CcxtVenue({ exchange, venue, instruments: options.instruments, clock: options.clock, logger: options.logger.child({ venue }) })
    })
    // Markets load once per session; every order waits for it rather than fail on an unloaded client.
    this.#ready = Promise.all(this.#venues.map((v) => v.loadMarkets())).then(() => undefined)
    this.#ready.catch((err: unknown) => options.logger.error({ err }, 'ccxt venue markets did not load'))
  }

  submit(order: VenueOrder): void {
    const venue = this.#venues[order.venueId - 1]
    if (venue === undefined) {
      this.counters.unknownVenue++
      this.#reject(order.clientOrderId, order.venueId, order.sizeLots, REASON_NO_VENUE)
      this.#flush()
      return
    }
    this.counters.submitted++
    const live = liveOrderOf(order)
    this.#live.set(order.clientOrderId, live)
    const sent = { clientOrderId: String(order.clientOrderId), instrumentId: order.instrumentId, side: order.side, orderType: order.orderType, timeInForce: order.timeInForce, priceTicks: order.priceTicks, sizeLots: order.sizeLots }
    this.#enqueue(live, async () => {
      try {
        this.#report(order.venueId, await this.#ready.then(() => venue.submit(sent)))
      } catch (err) {
        if (outcomeUnknown(err) && !isWavesError(err, 'ERR_VENUE_RATE_LIMITED')) {
          // The order may exist: the monitor's lookup by client id settles it.
          this.counters.timeouts++
          live.uncertain = true
          this.#options.logger.warn({ err, clientOrderId: order.clientOrderId }, 'order outcome unknown; polling will settle it')
          return
        }
        this.counters.rejected++
        this.#live.delete(order.clientOrderId)
        this.#reject(order.clientOrderId, order.venueId, order.sizeLots, 0)
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
        const outcome = await this.#ready.then(() => venue.amend(String(id), replacement))
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

  /** The monitor step: looks up every live order and lists fills of its instruments. One round at a time. */
  poll(): void {
    if (this.#polling || this.#live.size === 0) return
    this.#polling = true
    this.#pollRound()
      .catch((err: unknown) => {
        this.counters.pollFailures++
        this.#options.logger.warn({ err }, 'ccxt venue poll failed')
      })
      .finally(() => {
        this.#polling = false
        this.#flush()
      })
  }

  async #pollRound(): Promise<void> {
    await this.#ready
    const instrumentsByVenue = new Map<number, Set<number>>()
    for (const live of this.#live.values()) {
      const set = instrumentsByVenue.get(live.venueId) ?? new Set<number>()
      set.add(live.instrumentId)
      instrumentsByVenue.set(live.venueId, set)
    }
    for (const [venueId, instruments] of instrumentsByVenue) {
      const venue = this.#venues[venueId - 1]!
      for (const instrumentId of instruments) for (const x of await venue.fills(instrumentId)) this.#execution(venueId, x)
    }
    for (const [clientOrderId, live] of [...this.#live]) {
      const report = await this.#venues[live.venueId - 1]!.order(String(clientOrderId), live.instrumentId)
      if (report === undefined) continue
      if (live.uncertain) {
        live.uncertain = false
        this.counters.recovered++
      }
      this.#report(live.venueId, report)
      if (live.cancelWanted && !isTerminal(report.status)) {
        live.cancelWanted = false
        const venue = this.#venues[live.venueId - 1]!
        this.#enqueue(live, () => this.#sendCancel(venue, live.venueId, clientOrderId, live.instrumentId))
      }
    }
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
      const report = await this.#ready.then(() => venue.cancel(String(id), instrumentId))
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
    this.#writer.execution(venueId, x, this.#options.clock.nowNs(), live.strategyId)
    this.#forgetWhenSettled(id, live)
  }

  #reject(clientOrderId: number, venueId: number, sizeLots: number, reasonCode: number): void {
    this.#writer.event({ tsNs: this.#options.clock.nowNs(), clientOrderId, venueId, status: OrderStatus.Rejected, reasonCode, filledLots: 0, remainingLots: sizeLots })
  }
}
