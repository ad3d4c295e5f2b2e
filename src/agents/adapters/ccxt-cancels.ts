import { isWavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, RefusedRequest } from '../../schemas/index.js'
import { stateOf } from './ccxt-live-order.js'
import type { CcxtOrderBlotter } from './ccxt-order-blotter.js'
import type { CcxtRequestQueue } from './ccxt-request-queue.js'
import type { CcxtSessionCounters } from './ccxt-session-counters.js'
import type { CcxtVenueConnections } from './ccxt-venue-connections.js'
import { REASON_NO_VENUE, REASON_ORDER_FINISHED, REASON_UNKNOWN_ORDER, REASON_VENUE_DOWN, REASON_VENUE_REFUSED } from './reason-codes.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'
import type { VenueCancel } from './venue-requests.js'

export interface CcxtCancelsOptions {
  connections: CcxtVenueConnections
  blotter: CcxtOrderBlotter
  queue: CcxtRequestQueue
  health: VenueHealthKeeper
  counters: CcxtSessionCounters
  logger: Logger
}

/**
 * Cancels through ccxt `cancelOrder`, each behind the order's other
 * requests. Every cancel is answered: Cancelled, or a refusal that carries
 * the order as it is. A cancel places nothing, so it goes to a venue an
 * operator took down; while a venue's breaker is open nothing goes out, and
 * a cancel of an order the session holds waits for polling to send it once
 * the venue answers again. A cancel whose outcome is unknown, or that finds
 * no order yet, is sent again by polling while the order shows open.
 */
export class CcxtCancels {
  readonly #connections: CcxtVenueConnections
  readonly #blotter: CcxtOrderBlotter
  readonly #queue: CcxtRequestQueue
  readonly #health: VenueHealthKeeper
  readonly #counters: CcxtSessionCounters
  readonly #logger: Logger

  constructor(options: CcxtCancelsOptions) {
    this.#connections = options.connections
    this.#blotter = options.blotter
    this.#queue = options.queue
    this.#health = options.health
    this.#counters = options.counters
    this.#logger = options.logger
  }

  /** A cancel from the venue ring. */
  request(request: VenueCancel): void {
    const { clientOrderId: id, venueId } = request
    const live = this.#blotter.get(id)
    if (this.#connections.venue(venueId) === undefined) {
      this.#counters.unknownVenue++
      this.#blotter.refuse(id, venueId, RefusedRequest.Cancel, REASON_NO_VENUE, stateOf(live))
      return this.#blotter.flush()
    }
    this.#counters.cancels++
    if (live !== undefined && isTerminal(live.status)) {
      this.#counters.refused++
      this.#blotter.refuse(id, venueId, RefusedRequest.Cancel, REASON_ORDER_FINISHED, stateOf(live))
      return this.#blotter.flush()
    }
    // An order this session does not hold (ended and forgotten, or sent before a restart) is still the venue's to answer for.
    const instrumentId = live?.instrumentId ?? request.instrumentId
    if (live === undefined) void this.#queue.run(() => this.send(venueId, id, instrumentId))
    else this.#queue.enqueue(live, () => this.send(venueId, id, instrumentId))
  }

  /**
   * One cancel, with the venue's retries behind it. Cancelled: written as
   * any report. Another end (it filled first): that status, then the
   * refusal. No such order, or no answer: the refusal or nothing, and
   * polling cancels the order if it shows up open.
   */
  async send(venueId: number, id: number, instrumentId: number): Promise<void> {
    const venue = this.#connections.venue(venueId)!
    const live = this.#blotter.get(id)
    // Ended while the cancel waited behind the order's other requests (an amend replaced it, say).
    if (live !== undefined && isTerminal(live.status)) {
      this.#counters.refused++
      return this.#blotter.refuse(id, venueId, RefusedRequest.Cancel, REASON_ORDER_FINISHED, stateOf(live))
    }
    if (!this.#health.reachable(venueId)) return this.#hold(venueId, id)
    try {
      await this.#connections.markets(venueId)
      const report = await venue.cancel(String(id), instrumentId)
      this.#health.success(venueId)
      // Every cancel is answered: one whose Cancelled the ring already carries (polling saw it first) is answered as finished.
      const told = live !== undefined && live.status === OrderStatus.Cancelled
      if (report.status === OrderStatus.Cancelled && !told) return this.#blotter.settle(venueId, report)
      this.#counters.refused++
      if (live !== undefined) this.#blotter.report(venueId, report)
      this.#blotter.refuse(id, venueId, RefusedRequest.Cancel, REASON_ORDER_FINISHED, stateOf(report))
    } catch (err) {
      if (this.#health.orderCallFailed(venueId, err) !== undefined) {
        this.#counters.timeouts++
        if (live !== undefined) live.cancelWanted = true
        this.#logger.warn({ err, clientOrderId: id }, 'cancel outcome unknown; polling will settle it')
        return
      }
      this.#counters.refused++
      const unknown = isWavesError(err, 'ERR_VENUE_UNKNOWN_ORDER')
      if (unknown) this.#counters.unknownOrders++
      // A create whose outcome is unknown may still land: then polling cancels it.
      if (unknown && live !== undefined) live.cancelWanted = true
      if (unknown) this.#logger.info({ clientOrderId: id, venueId }, 'cancel of an order the venue does not know')
      else this.#logger.warn({ err, clientOrderId: id }, 'cancel refused by the venue')
      this.#blotter.refuse(id, venueId, RefusedRequest.Cancel, unknown ? REASON_UNKNOWN_ORDER : REASON_VENUE_REFUSED, stateOf(live))
    }
  }

  /** The venue's breaker is open: nothing may go out until it closes. */
  #hold(venueId: number, id: number): void {
    const live = this.#blotter.get(id)
    if (live === undefined) {
      // Nothing to look up once the venue is back: the refusal says so, and the sender may cancel again.
      this.#counters.refused++
      this.#blotter.refuse(id, venueId, RefusedRequest.Cancel, REASON_VENUE_DOWN, stateOf(undefined))
      return
    }
    this.#counters.cancelsHeld++
    live.cancelWanted = true
    this.#logger.warn({ clientOrderId: id, venue: this.#connections.names[venueId - 1] }, 'cancel held while the venue is down; sent once polling finds the order open')
  }
}
