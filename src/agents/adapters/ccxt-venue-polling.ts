import type { Clock } from '../../clock/clock.js'
import type { Logger } from '../../log/logger.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { RefusedRequest } from '../../schemas/index.js'
import { venueFailureReasonOf } from '../../venues/health/index.js'
import type { CcxtCancels } from './ccxt-cancels.js'
import type { LiveOrder } from './ccxt-live-order.js'
import type { CcxtOrderBlotter } from './ccxt-order-blotter.js'
import type { CcxtRequestQueue } from './ccxt-request-queue.js'
import type { CcxtSessionCounters } from './ccxt-session-counters.js'
import type { CcxtVenueConnections } from './ccxt-venue-connections.js'
import { REASON_VENUE_DOWN } from './reason-codes.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'

/** How far the venue's clock may run behind ours and still take a request (Binance refuses one more than 1 s ahead of it). */
const CLOCK_ALLOWANCE_MS = 1_000

export interface CcxtVenuePollingOptions {
  connections: CcxtVenueConnections
  blotter: CcxtOrderBlotter
  queue: CcxtRequestQueue
  cancels: CcxtCancels
  health: VenueHealthKeeper
  counters: CcxtSessionCounters
  /** The receive window the venues enforce, ms (see `CcxtVenueConnectionsOptions`). */
  recvWindowMs: number
  clock: Clock
  logger: Logger
}

/**
 * The monitor's side of the ccxt sessions: each venue's live orders looked
 * up and its fills listed, so an answer that was lost, or a fill that
 * happened later, still reaches the ring, once. An order whose request
 * failed with the outcome unknown is settled by the lookup: found, it is
 * recovered; not found after the receive window and a second more, it was
 * never placed and is answered Rejected with REASON_VENUE_DOWN, its lots
 * free to go elsewhere. A cancel still wanted goes out again while the
 * order shows open. A venue whose breaker is open is not polled; once it
 * has cooled off one probe (a signed read of open orders) decides whether
 * it is up again. Venues are polled apart, so one that hangs holds up no
 * other's answers; one round per venue at a time.
 */
export class CcxtVenuePolling {
  readonly #connections: CcxtVenueConnections
  readonly #blotter: CcxtOrderBlotter
  readonly #queue: CcxtRequestQueue
  readonly #cancels: CcxtCancels
  readonly #health: VenueHealthKeeper
  readonly #counters: CcxtSessionCounters
  readonly #settleAfterNs: number
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #polling: boolean[]
  /** Rounds and probes in flight: a stopping session waits for them, so nothing is written after it stopped. */
  readonly #inFlight = new Set<Promise<void>>()
  #stopped = false

  constructor(options: CcxtVenuePollingOptions) {
    this.#connections = options.connections
    this.#blotter = options.blotter
    this.#queue = options.queue
    this.#cancels = options.cancels
    this.#health = options.health
    this.#counters = options.counters
    this.#settleAfterNs = (options.recvWindowMs + CLOCK_ALLOWANCE_MS) * 1e6
    this.#clock = options.clock
    this.#logger = options.logger
    this.#polling = Array.from({ length: options.connections.count }, () => false)
  }

  /** One turn: a probe to each venue whose breaker has cooled off, a round for each reachable venue with live orders. */
  poll(): void {
    if (this.#stopped) return
    for (let venueId = 1; venueId <= this.#connections.count; venueId++) {
      if (this.#health.probeDue(venueId)) {
        this.#track(this.#probe(venueId))
        continue
      }
      if (this.#polling[venueId - 1] || !this.#health.reachable(venueId) || !this.#blotter.hasOrdersAt(venueId)) continue
      this.#polling[venueId - 1] = true
      const round = this.#pollVenue(venueId)
        .catch((err: unknown) => {
          this.#counters.pollFailures++
          const reason = venueFailureReasonOf(err)
          if (reason !== undefined) this.#health.failure(venueId, reason)
          this.#logger.warn({ err, venue: this.#connections.names[venueId - 1] }, 'ccxt venue poll failed')
        })
        .finally(() => {
          this.#polling[venueId - 1] = false
          this.#blotter.flush()
        })
      this.#track(round)
    }
  }

  /** Polls no more, and waits for the rounds and probes in flight to finish. */
  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all(this.#inFlight)
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work)
    void work.finally(() => this.#inFlight.delete(work))
  }

  #probe(venueId: number): Promise<void> {
    return this.#connections
      .markets(venueId)
      .then(() => this.#connections.venue(venueId)!.openOrders(0))
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

  async #pollVenue(venueId: number): Promise<void> {
    const venue = this.#connections.venue(venueId)!
    await this.#connections.markets(venueId)
    const orders = this.#blotter.ordersAt(venueId)
    const instruments = new Set(orders.map(([, live]) => live.instrumentId))
    for (const instrumentId of instruments) {
      for (const x of await venue.fills(instrumentId)) if (this.#blotter.execution(venueId, x)) this.#health.filled(venueId)
    }
    for (const [clientOrderId, live] of orders) {
      // Settled while this round waited on the venue (an answer came, or the order was refused).
      if (this.#blotter.get(clientOrderId) !== live) continue
      const report = await venue.order(String(clientOrderId), live.instrumentId)
      if (report === undefined) {
        if (live.uncertain && this.#clock.nowNs() - live.failedAtNs >= this.#settleAfterNs) this.#notPlaced(clientOrderId, live)
        continue
      }
      if (live.uncertain) {
        live.uncertain = false
        this.#counters.recovered++
      }
      this.#blotter.report(venueId, report)
      if (live.cancelWanted && !isTerminal(report.status)) {
        live.cancelWanted = false
        this.#queue.enqueue(live, () => this.#cancels.send(venueId, clientOrderId, live.instrumentId))
      }
    }
  }

  /** Every attempt to place it is past the receive window and the venue does not know it: it never will. */
  #notPlaced(clientOrderId: number, live: LiveOrder): void {
    this.#blotter.forget(clientOrderId)
    this.#counters.notPlaced++
    const venue = this.#connections.names[live.venueId - 1]
    if (live.replaces === undefined) {
      this.#logger.warn({ clientOrderId, venue }, 'order was never placed; answered Rejected so its lots can go elsewhere')
      this.#blotter.reject(clientOrderId, live.venueId, live.sizeLots, REASON_VENUE_DOWN)
      return
    }
    // The amend that was to place it did not: the amended order is as polling finds it, and the amend is refused.
    this.#logger.warn({ clientOrderId, amended: live.replaces, venue }, 'amend replacement was never placed; the amend is answered refused')
    this.#blotter.reject(clientOrderId, live.venueId, 0, REASON_VENUE_DOWN, RefusedRequest.Amend)
  }
}
