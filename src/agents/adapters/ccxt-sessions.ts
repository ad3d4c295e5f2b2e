import { OrderStatus } from '../../schemas/index.js'
import { VenueDownReason, venueFailureReasonOf } from '../../venues/health/index.js'
import type { CcxtVenue } from '../../venues/ccxt/index.js'
import { CcxtAmends } from './ccxt-amends.js'
import { CcxtCancels } from './ccxt-cancels.js'
import { liveOrderOf, replacementOf, type LiveOrderSnapshot } from './ccxt-live-order.js'
import { CcxtOrderBlotter } from './ccxt-order-blotter.js'
import { CcxtRequestQueue } from './ccxt-request-queue.js'
import { ccxtSessionCounters, type CcxtSessionCounters } from './ccxt-session-counters.js'
import { CcxtVenueConnections, type CcxtVenueConnectionsOptions } from './ccxt-venue-connections.js'
import { CcxtUserStreams } from './ccxt-user-streams.js'
import { CcxtVenuePolling } from './ccxt-venue-polling.js'
import type { FillRingWriter } from './fill-ring-writer.js'
import type { AnswerReplay } from './session-journal.js'
import { REASON_NO_VENUE, REASON_VENUE_DOWN } from './reason-codes.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'
import type { VenueAmend, VenueCancel, VenueOrder, VenueSessions } from './venue-requests.js'

export { BINANCE_KEY_VARIABLES } from './ccxt-venue-connections.js'
export type { CcxtSessionCounters } from './ccxt-session-counters.js'

/** The connections' options, and what the sessions add: the venue breakers and the fill ring's wake-up. */
export interface CcxtSessionsOptions extends CcxtVenueConnectionsOptions {
  /** Keep each venue's user data stream open (see `CcxtUserStreams`). Default false. */
  userStreams?: boolean
  /** Breakers and the venue health board: which venues take orders. */
  health: VenueHealthKeeper
  /** Rung after answers were written, so readers of the fill ring wake. */
  onAnswers: () => void
}

/**
 * One ccxt venue session per configured venue: the `SimSessions` role for a
 * real exchange. Each order from the rings is sent without waiting; its
 * report goes onto the fill ring when it arrives; each venue's user data
 * stream (`CcxtUserStreams`) pushes order updates and fills as they happen,
 * and polling (on the monitor timer, `CcxtVenuePolling`) catches what calls
 * and streams missed. Requests
 * about one order go out one after the other (`CcxtRequestQueue`): a cancel
 * (`CcxtCancels`) never overtakes the create it cancels, nor an amend
 * (`CcxtAmends`, Binance's cancel-replace) the order it replaces.
 *
 * Every call's outcome feeds the venue's breaker (`VenueHealthKeeper`): a
 * call that times out or meets a 5xx, a 429/418, a broken answer or a
 * dropped connection (after the adapter's own retries) is a failure; an
 * order entry (create, cancel, amend) that gets any answer, or a probe that
 * does, is a success. A poll that is answered proves reads work, not order
 * entry, so it resets nothing. While a venue's breaker is open its orders
 * are answered Rejected (REASON_VENUE_DOWN) unsent, and it is not polled.
 */
export class CcxtSessions implements VenueSessions {
  readonly counters: CcxtSessionCounters = ccxtSessionCounters()
  readonly #connections: CcxtVenueConnections
  readonly #blotter: CcxtOrderBlotter
  readonly #queue: CcxtRequestQueue
  readonly #cancels: CcxtCancels
  readonly #amends: CcxtAmends
  readonly #polling: CcxtVenuePolling
  readonly #streams: CcxtUserStreams | undefined
  readonly #health: VenueHealthKeeper
  readonly #options: CcxtSessionsOptions

  constructor(options: CcxtSessionsOptions, writer: FillRingWriter) {
    this.#connections = new CcxtVenueConnections(options)
    this.#options = options
    this.#health = options.health
    const { clock, logger, health } = options
    const counters = this.counters
    const connections = this.#connections
    const blotter = (this.#blotter = new CcxtOrderBlotter({ writer, clock: options.clock, counters, onAnswers: options.onAnswers }))
    const queue = (this.#queue = new CcxtRequestQueue(options.logger, () => blotter.flush()))
    this.#cancels = new CcxtCancels({ connections, blotter, queue, health, counters, logger })
    this.#amends = new CcxtAmends({ connections, blotter, queue, health, counters, clock, logger })
    this.#polling = new CcxtVenuePolling({ connections, blotter, queue, cancels: this.#cancels, health, counters, recvWindowMs: options.recvWindowMs, clock, logger })
    this.#streams = options.userStreams === true ? new CcxtUserStreams({ connections, blotter, health, counters, logger }) : undefined
    this.#streams?.start()
  }

  /** `order` is the caller's to reuse once this returns: what the answers need is copied out of it first. */
  submit(order: VenueOrder): void {
    const { venueId, clientOrderId, sizeLots } = order
    const venue = this.#connections.venue(venueId)
    if (venue === undefined) {
      this.counters.unknownVenue++
      this.#blotter.reject(clientOrderId, venueId, sizeLots, REASON_NO_VENUE)
      return this.#blotter.flush()
    }
    if (!this.#health.accepts(venueId)) {
      this.#health.refused(venueId)
      this.#blotter.reject(clientOrderId, venueId, sizeLots, REASON_VENUE_DOWN)
      return this.#blotter.flush()
    }
    this.#health.sent(venueId)
    this.counters.submitted++
    const live = liveOrderOf(order)
    this.#blotter.add(clientOrderId, live)
    const sent = { clientOrderId: String(clientOrderId), instrumentId: order.instrumentId, side: order.side, orderType: order.orderType, timeInForce: order.timeInForce, priceTicks: order.priceTicks, sizeLots, postOnly: order.postOnly === true }
    this.#queue.enqueue(live, async () => {
      try {
        await this.#connections.markets(venueId)
      } catch (err) {
        // The venue's markets would not load, so nothing was sent: the order is free to go elsewhere.
        this.#blotter.forget(clientOrderId)
        this.counters.notPlaced++
        this.#health.failure(venueId, venueFailureReasonOf(err) ?? VenueDownReason.Unavailable)
        return this.#blotter.reject(clientOrderId, venueId, sizeLots, REASON_VENUE_DOWN)
      }
      try {
        const report = await venue.submit(sent)
        this.#health.success(venueId)
        this.#blotter.report(venueId, report)
      } catch (err) {
        this.#createFailed(clientOrderId, venueId, err)
      }
    })
  }

  cancel(request: VenueCancel): void {
    this.#cancels.request(request)
  }

  amend(request: VenueAmend): void {
    this.#amends.request(request)
  }

  /** The monitor's turn (see `CcxtVenuePolling`). */
  poll(): void {
    this.#polling.poll()
  }

  /** Waits for the requests already sent to be answered, at most `timeoutMs` (the session is ending). */
  drain(timeoutMs: number): Promise<void> {
    return this.#queue.drain(timeoutMs)
  }

  /** Ends polling, waiting for the rounds in flight, and closes the venues' user data streams (the session is ending). */
  async close(): Promise<void> {
    await this.#polling.stop()
    await this.#streams?.stop()
  }

  /** What a snapshot keeps: the blotter's live orders. */
  snapshot(): Array<[number, LiveOrderSnapshot]> {
    return this.#blotter.snapshot()
  }

  /**
   * After a restart: the venues still hold what the last session placed,
   * so its blotter comes back from the snapshot, and what the rings carried
   * after it, which `replay` hands over, is taken in: an order taken off a
   * ring since, or not yet answered at the snapshot, is in doubt (sent or not) and settled by polling as any
   * create of unknown outcome is, found or, after the receive window,
   * answered as never placed; a cancel taken since is wanted again while
   * the order shows open; answers already on the ring are not written
   * again. Then polling and the streams bring what happened meanwhile.
   * Returns how many orders the blotter holds.
   */
  recover(orders: ReadonlyArray<readonly [number, LiveOrderSnapshot]>, replay: (requests: VenueSessions, answers: AnswerReplay) => void): number {
    const blotter = this.#blotter
    const inDoubt = <T extends { uncertain: boolean; failedAtNs: number }>(live: T): T => ({ ...live, uncertain: true, failedAtNs: this.#options.clock.nowNs() })
    // An order the venue had not answered when the snapshot was taken may never have reached it: in doubt too.
    blotter.restore(orders.map(([id, live]) => [id, live.status === OrderStatus.New ? inDoubt(live) : live] as const))
    replay(
      {
        submit: (o) => {
          if (!blotter.has(o.clientOrderId)) blotter.add(o.clientOrderId, inDoubt(liveOrderOf(o)))
        },
        cancel: (c) => {
          const live = blotter.get(c.clientOrderId)
          if (live !== undefined) live.cancelWanted = true
        },
        amend: (a) => {
          const old = blotter.get(a.clientOrderId)
          if (old !== undefined && !blotter.has(a.newClientOrderId)) blotter.add(a.newClientOrderId, inDoubt(replacementOf(old, a)))
        },
      },
      { event: (e) => blotter.toldEvent(e), fill: (f) => blotter.toldFill(f) },
    )
    return blotter.size
  }

  /** Orders each venue has live, as this side knows them, for health. */
  openOrders(): Record<string, number> {
    return this.#blotter.openOrders(this.#connections.names)
  }

  /** Venue round trips and retries, per venue, for health. */
  venueCounters(): Record<string, CcxtVenue['counters']> {
    return this.#connections.counters()
  }

  #createFailed(clientOrderId: number, venueId: number, err: unknown): void {
    const live = this.#blotter.get(clientOrderId)
    if (this.#health.orderCallFailed(venueId, err) !== undefined) {
      // The order may exist: polling settles it, by finding it or, after the receive window, by not.
      this.counters.timeouts++
      if (live !== undefined) {
        live.uncertain = true
        live.failedAtNs = this.#options.clock.nowNs()
      }
      this.#options.logger.warn({ err, clientOrderId }, 'order outcome unknown; polling will settle it')
      return
    }
    // The venue refused the order.
    this.counters.rejected++
    this.#blotter.forget(clientOrderId)
    this.#blotter.reject(clientOrderId, venueId, live?.sizeLots ?? 0, 0)
  }
}
