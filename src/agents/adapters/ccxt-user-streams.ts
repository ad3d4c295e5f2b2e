import type { Logger } from '../../log/logger.js'
import { reconnectDelayMs } from '../../feeds/reconnect-backoff.js'
import type { CcxtOrderBlotter } from './ccxt-order-blotter.js'
import type { CcxtSessionCounters } from './ccxt-session-counters.js'
import type { CcxtVenueConnections } from './ccxt-venue-connections.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'

export interface CcxtUserStreamsOptions {
  connections: CcxtVenueConnections
  blotter: CcxtOrderBlotter
  health: VenueHealthKeeper
  counters: CcxtSessionCounters
  logger: Logger
}

/** Wait after a stream failed, growing with each failure in a row: the feeds' reconnect curve, 100 ms to 5 s with jitter. */
const RESUBSCRIBE = { initialMs: 100, maxMs: 5_000 }

/**
 * Each venue's user data stream, kept open: order updates and own fills
 * pushed by the venue (ccxt pro `watchOrders` / `watchMyTrades` over
 * Binance's WebSocket API) reach the fill ring as they happen, instead of at
 * the next poll. Polling goes on beside it as the backstop for anything a
 * stream missed; the blotter writes each report and fill once, whichever
 * path brings it first. A stream that fails is subscribed again after a
 * back-off; its failures are counted and logged, never fatal.
 */
export class CcxtUserStreams {
  readonly #o: CcxtUserStreamsOptions
  #stopped = false
  readonly #running: Promise<void>[] = []

  constructor(options: CcxtUserStreamsOptions) {
    this.#o = options
  }

  start(): void {
    for (let venueId = 1; venueId <= this.#o.connections.count; venueId++) {
      this.#running.push(this.#follow(venueId, 'orders'), this.#follow(venueId, 'fills'))
    }
  }

  /** Closes every venue's streams and waits for the loops to end. */
  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all(Array.from({ length: this.#o.connections.count }, (_, k) => this.#o.connections.closeStream(k + 1, undefined)))
    await Promise.all(this.#running)
  }

  async #follow(venueId: number, kind: 'orders' | 'fills'): Promise<void> {
    const { connections, blotter, health, counters, logger } = this.#o
    let failures = 0
    while (!this.#stopped) {
      let venue: Awaited<ReturnType<CcxtVenueConnections['stream']>> | undefined
      try {
        venue = await connections.stream(venueId)
        if (kind === 'orders') {
          for (const report of await venue.watchReports()) blotter.streamedReport(venueId, report)
        } else {
          for (const fill of await venue.watchFills()) if (blotter.execution(venueId, fill)) health.filled(venueId)
        }
        blotter.flush()
        counters.streamUpdates++
        failures = 0
      } catch (err) {
        if (this.#stopped) return
        counters.streamFailures++
        // A new connection and client for the next try: nothing of the failed one's state is kept.
        await connections.closeStream(venueId, venue)
        const waitMs = reconnectDelayMs(failures++, RESUBSCRIBE, Math.random())
        logger.warn({ err, venue: connections.names[venueId - 1], stream: kind, waitMs }, 'venue user data stream failed; subscribing again')
        await new Promise((resolve) => setTimeout(resolve, waitMs))
      }
    }
  }
}
