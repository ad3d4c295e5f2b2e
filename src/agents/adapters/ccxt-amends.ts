import type { Clock } from '../../clock/clock.js'
import type { Logger } from '../../log/logger.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, OrderType, RefusedRequest } from '../../schemas/index.js'
import { replacementOf, stateOf, type OrderState } from './ccxt-live-order.js'
import type { CcxtOrderBlotter } from './ccxt-order-blotter.js'
import type { CcxtRequestQueue } from './ccxt-request-queue.js'
import type { CcxtSessionCounters } from './ccxt-session-counters.js'
import type { CcxtVenueConnections } from './ccxt-venue-connections.js'
import { REASON_NO_VENUE, REASON_ORDER_FINISHED, REASON_REPLACED, REASON_UNKNOWN_ORDER, REASON_VENUE_DOWN, REASON_VENUE_REFUSED } from './reason-codes.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'
import type { VenueAmend } from './venue-requests.js'

export interface CcxtAmendsOptions {
  connections: CcxtVenueConnections
  blotter: CcxtOrderBlotter
  queue: CcxtRequestQueue
  health: VenueHealthKeeper
  counters: CcxtSessionCounters
  clock: Clock
  logger: Logger
}

/**
 * Amends through Binance's cancel-replace (ccxt `editOrder`): the order goes
 * on under the amend's new client id, behind the order's other requests.
 * Cancel-replace restates the whole order, so only an order the session
 * holds can be amended; and it places an order, so only on a venue that
 * takes orders, else it is refused with REASON_VENUE_DOWN and the order
 * stays as it was. A refusal is answered under both ids (under the new one
 * unless another live order holds it); an amend whose outcome is unknown
 * leaves both orders live for polling to settle.
 */
export class CcxtAmends {
  readonly #connections: CcxtVenueConnections
  readonly #blotter: CcxtOrderBlotter
  readonly #queue: CcxtRequestQueue
  readonly #health: VenueHealthKeeper
  readonly #counters: CcxtSessionCounters
  readonly #clock: Clock
  readonly #logger: Logger

  constructor(options: CcxtAmendsOptions) {
    this.#connections = options.connections
    this.#blotter = options.blotter
    this.#queue = options.queue
    this.#health = options.health
    this.#counters = options.counters
    this.#clock = options.clock
    this.#logger = options.logger
  }

  /** An amend from the venue ring. */
  request(request: VenueAmend): void {
    const { clientOrderId: id, newClientOrderId: nextId, venueId } = request
    const venue = this.#connections.venue(venueId)
    const live = this.#blotter.get(id)
    const refuse = (reasonCode: number, state: OrderState, answerNextId = true): void => {
      this.#blotter.refuse(id, venueId, RefusedRequest.Amend, reasonCode, state)
      if (answerNextId) this.#blotter.refuse(nextId, venueId, RefusedRequest.Amend, reasonCode, stateOf(undefined))
      this.#blotter.flush()
    }
    if (venue === undefined) {
      this.#counters.unknownVenue++
      return refuse(REASON_NO_VENUE, stateOf(live))
    }
    this.#counters.amends++
    if (live === undefined || isTerminal(live.status) || nextId === id || this.#blotter.has(nextId)) {
      this.#counters.refused++
      if (live === undefined) this.#counters.unknownOrders++
      const reasonCode = live === undefined ? REASON_UNKNOWN_ORDER : isTerminal(live.status) ? REASON_ORDER_FINISHED : REASON_VENUE_REFUSED
      // A new id that names another live order is that order's: nothing is said under it.
      return refuse(reasonCode, stateOf(live), nextId !== id && !this.#blotter.has(nextId))
    }
    const next = replacementOf(live, request)
    this.#blotter.add(nextId, next)
    const replacement = { clientOrderId: String(nextId), instrumentId: live.instrumentId, side: live.side, orderType: OrderType.Limit, timeInForce: live.timeInForce, priceTicks: next.priceTicks, sizeLots: next.sizeLots }
    this.#queue.enqueue(live, async () => {
      // Asked when the amend's turn comes: the venue may have gone down while it waited behind the create.
      if (!this.#health.accepts(venueId)) {
        this.#counters.refused++
        this.#blotter.forget(nextId)
        return refuse(REASON_VENUE_DOWN, stateOf(live))
      }
      try {
        await this.#connections.markets(venueId)
        const outcome = await venue.amend(String(id), replacement)
        this.#health.success(venueId)
        if (outcome.old !== undefined) this.#blotter.report(venueId, outcome.old, outcome.replaced ? REASON_REPLACED : undefined)
        if (outcome.replaced) return this.#blotter.report(venueId, outcome.replacement)
        this.#counters.refused++
        this.#blotter.forget(nextId)
        // Cancelled is no proof the order had ended before: a replacement refused after its cancel went through leaves it so.
        const ended = outcome.old !== undefined && isTerminal(outcome.old.status) && outcome.old.status !== OrderStatus.Cancelled
        const reasonCode = outcome.old === undefined ? REASON_UNKNOWN_ORDER : ended ? REASON_ORDER_FINISHED : REASON_VENUE_REFUSED
        if (outcome.old === undefined) this.#counters.unknownOrders++
        this.#logger.info({ clientOrderId: id, newClientOrderId: nextId, reason: outcome.reason }, 'amend refused by the venue')
        refuse(reasonCode, stateOf(outcome.old))
      } catch (err) {
        this.#health.orderCallFailed(venueId, err)
        // Either order may be what the venue holds now: both stay live and polling finds out.
        this.#counters.timeouts++
        next.uncertain = true
        next.failedAtNs = this.#clock.nowNs()
        this.#logger.warn({ err, clientOrderId: id, newClientOrderId: nextId }, 'amend outcome unknown; polling will settle it')
      }
    })
    // A cancel of the replacement waits for the amend that makes it.
    next.chain = live.chain
  }
}
