/**
 * Market-data feeds: where the data_feeds agent's events come from and how
 * they reach the market ring.
 *
 * ```
 * source ──▶ ValidationBridge ──▶ DerivedSignals ──▶ RingFeedSink ──▶ market ring
 *
 * source:           csv, lobster, binance-ws, sentiment file or ws, ccxt, …
 * ValidationBridge: checks every event, counts rejections per reason, logs a sample
 * DerivedSignals:   returns, realized volatility, spread, imbalance
 * RingFeedSink:     FlatBuffers structs; quotes conflate, deltas and trades wait
 *                   in order, replays wait for room
 * ```
 */
import { monotonicClock, type Clock } from '../clock/clock.js'
import { WavesError } from '../errors/index.js'
import type { Logger } from '../log/logger.js'
import { BinanceStreamParser } from './binance-stream-parser.js'
import { CsvReplaySource } from './csv-replay-source.js'
import type { CsvKind } from './csv-rows.js'
import type { FeedSource, ReplayPace } from './feed-source.js'
import type { HeadlineScorer } from './headline-scorer.js'
import { LobsterReplaySource } from './lobster-replay-source.js'
import type { ReconnectBackoffOptions } from './reconnect-backoff.js'
import { SentimentFileSource, sentimentWebSocketSource } from './sentiment-source.js'
import type { SymbolTable } from './symbol-table.js'
import { WebSocketSource, binanceSubscribeFrame } from './websocket-source.js'

export * from './feed-source.js'
export { SymbolTable } from './symbol-table.js'
export { CsvReplaySource } from './csv-replay-source.js'
export { LobsterReplaySource } from './lobster-replay-source.js'
export { WebSocketSource, binanceSubscribeFrame } from './websocket-source.js'
export { SentimentFileSource, sentimentWebSocketSource } from './sentiment-source.js'
export type { CcxtRestSourceOptions, CcxtSourceCounters } from './ccxt-rest-source.js'
export type { CcxtProSourceOptions, CcxtProCounters } from './ccxt-pro-source.js'
export { DerivedSignals } from './derived-signals.js'
export { RingFeedSink } from './ring-feed-sink.js'
export { FeedPipeline, type FeedPipelineOptions } from './feed-pipeline.js'
export { ValidationBridge, type ValidationCounts } from './validation/validation-bridge.js'

/** Which source to run and how: what a config section would name. */
export type FeedSourceSpec =
  /** A Binance public-data CSV file replayed. */
  | { type: 'csv'; file: string; venue: string; kind?: CsvKind; symbol?: string; pace?: ReplayPace }
  /** A Binance-shaped market-data stream: `streams` like 'btcusdt@trade', 'btcusdt@bookTicker', 'btcusdt@depth@100ms'. */
  | {
      type: 'binance-ws'
      url: string
      venue: string
      streams: readonly string[]
      backoff?: ReconnectBackoffOptions
      idleTimeoutMs?: number
      /** Stamp events with the venue's event time instead of arrival (see BinanceStreamParser). Default 'arrival'. */
      stamp?: 'arrival' | 'venue'
    }
  /** A LOBSTER message file; `bookFile` defaults to its `_orderbook_` sibling. */
  | { type: 'lobster'; messageFile: string; bookFile?: string; venue: string; symbol?: string; pace?: ReplayPace }
  /** Scored headlines, JSON lines. */
  | { type: 'sentiment-file'; file: string; pace?: ReplayPace }
  /** Scored headlines, one JSON record per frame; `subscribeFrames` sent after every connect. */
  | { type: 'sentiment-ws'; url: string; subscribeFrames?: readonly string[]; backoff?: ReconnectBackoffOptions }
  | CcxtFeedSourceSpec

/**
 * An exchange through ccxt: 'ccxt' polls its REST API, 'ccxt-pro' runs `watch*`
 * loops over its WebSockets. `restUrl` (and `wsUrl` for pro) point the client
 * at a Binance-shaped server instead of the exchange; every other API goes to
 * that server's /unexpected/ paths.
 */
export interface CcxtFeedSourceSpec {
  type: 'ccxt' | 'ccxt-pro'
  exchange: 'binance'
  venue: string
  instruments: readonly string[]
  restUrl?: string
  wsUrl?: string
  pollIntervalMs?: number
  bookDepth?: number
}

export interface FeedSourceContext {
  symbols: SymbolTable
  clock?: Clock
  logger?: Logger
  /** Scores text-only headlines; without one, unscored records are rejected. */
  scorer?: HeadlineScorer
}

/**
 * Any source a spec names. ccxt is a large library (most of a second to load
 * per thread), so it is imported only when a ccxt source is asked for.
 */
export async function loadFeedSource(spec: FeedSourceSpec, ctx: FeedSourceContext): Promise<FeedSource> {
  if (isCcxtSpec(spec)) return (await import('./ccxt-feed-source.js')).createCcxtFeedSource(spec, ctx)
  return createFeedSource(spec, ctx)
}

function isCcxtSpec(spec: FeedSourceSpec): spec is CcxtFeedSourceSpec {
  return spec.type === 'ccxt' || spec.type === 'ccxt-pro'
}

/** The source a spec names, built and checked (unknown venue or symbol: ERR_FEED_CONFIG); ccxt sources through `loadFeedSource`. */
export function createFeedSource(spec: Exclude<FeedSourceSpec, CcxtFeedSourceSpec>, ctx: FeedSourceContext): FeedSource {
  const clock = ctx.clock ?? monotonicClock
  const optional = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
  switch (spec.type) {
    case 'csv':
      return new CsvReplaySource({ file: spec.file, venue: spec.venue, symbols: ctx.symbols, clock, ...optional({ kind: spec.kind, symbol: spec.symbol, pace: spec.pace }) })
    case 'binance-ws': {
      const venueId = ctx.symbols.venueId(spec.venue)
      if (venueId < 0) throw new WavesError('ERR_FEED_CONFIG', `venue ${spec.venue} is not a configured venue`, { venue: spec.venue })
      return new WebSocketSource({
        url: spec.url,
        name: `binance-ws:${spec.venue}`,
        parser: new BinanceStreamParser(ctx.symbols, venueId, clock, spec.stamp),
        subscribeFrames: [binanceSubscribeFrame(spec.streams)],
        ...optional({ backoff: spec.backoff, idleTimeoutMs: spec.idleTimeoutMs, logger: ctx.logger }),
      })
    }
    case 'lobster':
      return new LobsterReplaySource({
        messageFile: spec.messageFile,
        bookFile: spec.bookFile ?? spec.messageFile.replace(/_message_(\d+)\.csv$/, '_orderbook_$1.csv'),
        venue: spec.venue,
        symbols: ctx.symbols,
        clock,
        ...optional({ symbol: spec.symbol, pace: spec.pace }),
      })
    case 'sentiment-file':
      return new SentimentFileSource({ file: spec.file, symbols: ctx.symbols, clock, ...optional({ pace: spec.pace, scorer: ctx.scorer }) })
    case 'sentiment-ws':
      return sentimentWebSocketSource({ url: spec.url, symbols: ctx.symbols, clock, ...optional({ subscribeFrames: spec.subscribeFrames, backoff: spec.backoff, scorer: ctx.scorer, logger: ctx.logger }) })
  }
}
