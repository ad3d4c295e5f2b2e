import { monotonicClock, type Clock } from '../clock/clock.js'
import { WavesError } from '../errors/index.js'
import { childLogger, type Logger } from '../log/logger.js'
import { CcxtFeedEvents, ccxtSymbolOf, type CcxtBookLike, type CcxtTickerLike, type CcxtTradeLike } from './ccxt-feed-events.js'
import type { FeedSink, FeedSource } from './feed-source.js'
import type { SymbolTable } from './symbol-table.js'

/** What the source asks of a venue: books, trades, tickers. */
export type CcxtChannel = 'book' | 'trades' | 'ticker'

/** The REST calls the source makes, as any ccxt exchange has them. */
export interface CcxtRestMarketData {
  fetchOrderBook(symbol: string, limit?: number): Promise<unknown>
  fetchTrades(symbol: string, since?: number, limit?: number): Promise<unknown>
  fetchTicker(symbol: string): Promise<unknown>
}

export interface CcxtRestSourceOptions {
  exchange: CcxtRestMarketData
  /** Configured venue name (for the venue id). */
  venue: string
  symbols: SymbolTable
  /** Configured instrument names to poll ('BTC-USDT'). */
  instruments: readonly string[]
  channels?: readonly CcxtChannel[]
  /** Gap between the end of one poll round and the start of the next. Default 1 000. */
  pollIntervalMs?: number
  /** Levels a side per book snapshot. Default 20. */
  bookDepth?: number
  clock?: Clock
  logger?: Logger
}

export interface CcxtSourceCounters {
  polls: number
  snapshots: number
  trades: number
  quotes: number
  /** Calls that failed (timeouts, refusals, broken answers); the source carries on. */
  errors: number
}

/**
 * Market data by polling a venue's REST API through ccxt: per round and
 * instrument, a book snapshot, the trades not yet seen, and the ticker's
 * best bid and offer as a quote. A failed call is counted and the next
 * round tries again; polling leans on ccxt's rate limiter for pacing.
 */
export class CcxtRestSource implements FeedSource {
  readonly name: string
  readonly counters: CcxtSourceCounters = { polls: 0, snapshots: 0, trades: 0, quotes: 0, errors: 0 }
  readonly #options: CcxtRestSourceOptions
  readonly #instrumentIds: number[]
  readonly #events: CcxtFeedEvents
  readonly #clock: Clock
  readonly #log: Logger
  #stopped = false
  #wake: (() => void) | undefined
  #running: Promise<void> | undefined

  constructor(options: CcxtRestSourceOptions) {
    const venueId = options.symbols.venueId(options.venue)
    if (venueId < 0) throw new WavesError('ERR_FEED_CONFIG', `venue ${options.venue} is not a configured venue`, { venue: options.venue })
    this.#instrumentIds = options.instruments.map((name) => {
      const id = options.symbols.instrumentId(name)
      if (id < 0) throw new WavesError('ERR_FEED_CONFIG', `instrument ${name} is not a configured instrument`, { instrument: name })
      return id
    })
    if (options.pollIntervalMs !== undefined && !(options.pollIntervalMs >= 0)) throw new RangeError(`pollIntervalMs must not be negative, got ${options.pollIntervalMs}`)
    this.#options = options
    this.name = `ccxt-rest:${options.venue}`
    this.#events = new CcxtFeedEvents(options.symbols, venueId)
    this.#clock = options.clock ?? monotonicClock
    this.#log = options.logger ?? childLogger({ component: 'ccxt-rest-source', venue: options.venue })
  }

  start(sink: FeedSink): Promise<void> {
    if (this.#running !== undefined) throw new WavesError('ERR_FEED_STATE', `${this.name} was already started`, { source: this.name })
    this.#running = this.#run(sink)
    return this.#running
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#wake?.()
    await this.#running
  }

  /** One poll of every instrument and channel. */
  async pollOnce(sink: FeedSink): Promise<void> {
    const channels = this.#options.channels ?? ['book', 'trades', 'ticker']
    const depth = this.#options.bookDepth ?? 20
    const ex = this.#options.exchange
    this.counters.polls++
    for (const id of this.#instrumentIds) {
      const symbol = ccxtSymbolOf(this.#options.symbols, id)
      for (const channel of channels) {
        if (this.#stopped) return
        try {
          if (channel === 'book') {
            const book = (await ex.fetchOrderBook(symbol, depth)) as CcxtBookLike
            if (this.#events.book(id, book, depth, this.#clock.nowNs(), sink)) this.counters.snapshots++
          } else if (channel === 'trades') {
            this.counters.trades += this.#events.trades(id, (await ex.fetchTrades(symbol)) as CcxtTradeLike[], this.#clock.nowNs(), sink)
          } else {
            if (this.#events.quote(id, (await ex.fetchTicker(symbol)) as CcxtTickerLike, this.#clock.nowNs(), sink)) this.counters.quotes++
          }
        } catch (err) {
          this.counters.errors++
          this.#log.warn({ err, symbol, channel, errors: this.counters.errors }, 'market data poll failed')
        }
      }
    }
  }

  async #run(sink: FeedSink): Promise<void> {
    const intervalMs = this.#options.pollIntervalMs ?? 1000
    while (!this.#stopped) {
      await this.pollOnce(sink)
      if (this.#stopped) break
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs)
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }
}
