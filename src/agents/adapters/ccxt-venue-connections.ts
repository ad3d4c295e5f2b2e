import type { Clock } from '../../clock/clock.js'
import { WavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import { binanceUrlsOf } from '../../venues/ccxt/binance-urls.js'
import { CcxtVenue, createBinanceClient } from '../../venues/ccxt/index.js'

/** Where the keys of a ccxt binance venue come from: the environment, never the config file. */
export const BINANCE_KEY_VARIABLES = ['WAVES_BINANCE_API_KEY', 'WAVES_BINANCE_SECRET'] as const

export interface CcxtVenueConnectionsOptions {
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
}

/**
 * One signed ccxt binance client per configured venue, each with its own
 * endpoint and markets. Markets load at start; every call waits for its
 * venue's, and a load that failed is dropped so the next call loads again:
 * a venue that was unreachable at start is not lost for the run.
 */
export class CcxtVenueConnections {
  readonly names: readonly string[]
  readonly #venues: CcxtVenue[]
  readonly #markets: (Promise<void> | undefined)[]
  readonly #logger: Logger
  /** Builds a venue's client: one for calls, and one per user data stream subscription. */
  readonly #connect: (venueId: number, pro: boolean) => CcxtVenue
  /** Each venue's user data stream client, with its markets loading or loaded; made again after a failure. */
  readonly #streams: ({ venue: CcxtVenue; markets: Promise<void> } | undefined)[]

  constructor(options: CcxtVenueConnectionsOptions) {
    const apiKey = options.env[BINANCE_KEY_VARIABLES[0]]
    const secret = options.env[BINANCE_KEY_VARIABLES[1]]
    if (!apiKey || !secret) {
      throw new WavesError('ERR_VENUE_CONFIG', `execution.venue 'ccxt:binance' needs its keys in ${BINANCE_KEY_VARIABLES.join(' and ')}, and one is not set`, {
        variables: BINANCE_KEY_VARIABLES,
      })
    }
    this.names = options.venues
    this.#logger = options.logger
    this.#connect = (venueId, pro) => {
      const venue = options.venues[venueId - 1]!
      const urls = binanceUrlsOf(options.venueRestUrls?.[venue] ?? options.restUrl)
      const exchange = createBinanceClient({ apiKey, secret, timeoutMs: options.timeoutMs, pro, ...(urls !== undefined && { urls }) })
      // The window settling orders of unknown outcome is the one the venue enforces: set it, not assume it.
      exchange.options['recvWindow'] = options.recvWindowMs
      return new CcxtVenue({ exchange, venue, instruments: options.instruments, clock: options.clock, logger: options.logger.child({ venue }) })
    }
    this.#venues = options.venues.map((_, k) => this.#connect(k + 1, false))
    this.#streams = options.venues.map(() => undefined)
    this.#markets = this.#venues.map(() => undefined)
    this.#venues.forEach((_, k) => this.markets(k + 1).catch(() => {}))
  }

  get count(): number {
    return this.#venues.length
  }

  /** The venue with id `venueId` (from 1), or undefined when no session serves it. */
  venue(venueId: number): CcxtVenue | undefined {
    return this.#venues[venueId - 1]
  }

  /** The venue's markets, loading or loaded. */
  markets(venueId: number): Promise<void> {
    const k = venueId - 1
    const loaded = this.#markets[k]
    if (loaded !== undefined) return loaded
    const loading = this.#venues[k]!.loadMarkets()
    this.#markets[k] = loading
    loading.catch((err: unknown) => {
      if (this.#markets[k] === loading) this.#markets[k] = undefined
      this.#logger.error({ err, venue: this.names[k] }, 'ccxt venue markets did not load; the next call tries again')
    })
    return loading
  }

  /**
   * The venue's user data stream client (ccxt pro), its markets loaded: a
   * client of its own, so a stream that failed is begun again on a new
   * connection with nothing of the old one's state.
   */
  async stream(venueId: number): Promise<CcxtVenue> {
    let stream = this.#streams[venueId - 1]
    if (stream === undefined) {
      const venue = this.#connect(venueId, true)
      stream = { venue, markets: venue.loadMarkets() }
      this.#streams[venueId - 1] = stream
    }
    try {
      await stream.markets
    } catch (err) {
      if (this.#streams[venueId - 1] === stream) this.#streams[venueId - 1] = undefined
      throw err
    }
    return stream.venue
  }

  /** Closes the venue's stream client (after a failure, or at the end); the next `stream` makes a new one. */
  async closeStream(venueId: number, failed: CcxtVenue | undefined): Promise<void> {
    const stream = this.#streams[venueId - 1]
    if (stream === undefined || (failed !== undefined && stream.venue !== failed)) return
    this.#streams[venueId - 1] = undefined
    await stream.venue.close().catch(() => {})
  }

  /** Venue round trips and retries, per venue, for health. */
  counters(): Record<string, CcxtVenue['counters']> {
    return Object.fromEntries(this.#venues.map((v, k) => [this.names[k]!, { ...v.counters }]))
  }
}
