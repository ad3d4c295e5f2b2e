import { monotonicClock, type Clock } from '../clock/clock.js'
import { WavesError } from '../errors/index.js'
import { childLogger, type Logger } from '../log/logger.js'
import { CcxtFeedEvents, ccxtSymbolOf, type CcxtBookLike, type CcxtTickerLike, type CcxtTradeLike } from './ccxt-feed-events.js'
import type { CcxtChannel, CcxtSourceCounters } from './ccxt-rest-source.js'
import type { FeedSink, FeedSource } from './feed-source.js'
import { checkBackoffOptions, reconnectDelayMs, type ReconnectBackoffOptions } from './reconnect-backoff.js'
import type { SymbolTable } from './symbol-table.js'

/** The WebSocket calls the source makes, as a ccxt `pro` exchange has them. */
export interface CcxtProMarketData {
  watchOrderBook(symbol: string, limit?: number): Promise<unknown>
  watchTrades(symbol: string): Promise<unknown>
  watchTicker(symbol: string, params?: Record<string, unknown>): Promise<unknown>
  close(): Promise<unknown>
}

export interface CcxtProSourceOptions {
  /** A ccxt `pro` client the source owns: `stop` closes it. */
  exchange: CcxtProMarketData
  venue: string
  symbols: SymbolTable
  instruments: readonly string[]
  channels?: readonly CcxtChannel[]
  /** Levels a side per book snapshot. Default 20. */
  bookDepth?: number
  /** Wait before watching again after a failure (a dropped socket). */
  backoff?: ReconnectBackoffOptions
  /** Uniform in [0, 1): the backoff's jitter. Default Math.random. */
  random?: () => number
  clock?: Clock
  logger?: Logger
}

export interface CcxtProCounters extends CcxtSourceCounters {
  /** Watches started again after a failure: each a reconnect of ccxt's socket. */
  rewatches: number
}

/**
 * Market data over a venue's WebSocket streams through ccxt `pro`: one
 * `watchOrderBook`, `watchTrades` and `watchTicker` loop per instrument.
 * ccxt keeps the book from the depth stream and its REST snapshot; each
 * update goes out as a snapshot of the top levels, trades once each, the
 * ticker as a quote. When a socket drops, the pending watch fails; the loop
 * waits a jittered, growing backoff and watches again, which reconnects and
 * resubscribes.
 */
export class CcxtProSource implements FeedSource {
  readonly name: string
  readonly counters: CcxtProCounters = { polls: 0, snapshots: 0, trades: 0, quotes: 0, errors: 0, rewatches: 0 }
  readonly #options: CcxtProSourceOptions
  readonly #instrumentIds: number[]
  readonly #events: CcxtFeedEvents
  readonly #clock: Clock
  readonly #log: Logger
  readonly #random: () => number
  readonly #wakers = new Set<() => void>()
  #stopped = false
  #running: Promise<void> | undefined

  constructor(options: CcxtProSourceOptions) {
    const venueId = options.symbols.venueId(options.venue)
    if (venueId < 0) throw new WavesError('ERR_FEED_CONFIG', `venue ${options.venue} is not a configured venue`, { venue: options.venue })
    this.#instrumentIds = options.instruments.map((name) => {
      const id = options.symbols.instrumentId(name)
      if (id < 0) throw new WavesError('ERR_FEED_CONFIG', `instrument ${name} is not a configured instrument`, { instrument: name })
      return id
    })
    checkBackoffOptions(options.backoff ?? {})
    this.#options = options
    this.name = `ccxt-pro:${options.venue}`
    this.#events = new CcxtFeedEvents(options.symbols, venueId)
    this.#clock = options.clock ?? monotonicClock
    this.#log = options.logger ?? childLogger({ component: 'ccxt-pro-source', venue: options.venue })
    this.#random = options.random ?? Math.random
  }

  start(sink: FeedSink): Promise<void> {
    if (this.#running !== undefined) throw new WavesError('ERR_FEED_STATE', `${this.name} was already started`, { source: this.name })
    const loops: Promise<void>[] = []
    for (const id of this.#instrumentIds) {
      for (const channel of this.#options.channels ?? ['book', 'trades', 'ticker']) loops.push(this.#watch(id, channel, sink))
    }
    this.#running = Promise.all(loops).then(() => undefined)
    return this.#running
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const wake of this.#wakers) wake()
    await this.#options.exchange.close()
    await this.#running
  }

  async #watch(instrumentId: number, channel: CcxtChannel, sink: FeedSink): Promise<void> {
    const ex = this.#options.exchange
    const symbol = ccxtSymbolOf(this.#options.symbols, instrumentId)
    const depth = this.#options.bookDepth ?? 20
    let failures = 0
    while (!this.#stopped) {
      try {
        if (channel === 'book') {
          const book = (await ex.watchOrderBook(symbol)) as CcxtBookLike
          if (this.#stopped) break
          if (this.#events.book(instrumentId, book, depth, this.#clock.nowNs(), sink)) this.counters.snapshots++
        } else if (channel === 'trades') {
          const trades = (await ex.watchTrades(symbol)) as CcxtTradeLike[]
          if (this.#stopped) break
          this.counters.trades += this.#events.trades(instrumentId, trades, this.#clock.nowNs(), sink)
        } else {
          // The full 24-hour ticker stream carries the best bid and offer; ccxt's default mini ticker does not.
          const ticker = (await ex.watchTicker(symbol, { name: 'ticker' })) as CcxtTickerLike
          if (this.#stopped) break
          if (this.#events.quote(instrumentId, ticker, this.#clock.nowNs(), sink)) this.counters.quotes++
        }
        failures = 0
      } catch (err) {
        if (this.#stopped) break
        this.counters.errors++
        const waitMs = reconnectDelayMs(failures++, this.#options.backoff ?? {}, this.#random())
        this.#log.warn({ err, symbol, channel, waitMs }, 'market data watch failed; watching again')
        await this.#pause(waitMs)
        this.counters.rewatches++
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.#wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.#wakers.add(wake)
    })
  }
}
