import type { WavesConfig } from '../../config/index.js'
import { WinkHeadlineScorer } from '../../feeds/headline-scorer.js'
import { BookResync } from '../../feeds/book-resync.js'
import { createFeedSource, FeedPipeline, loadFeedSource, SymbolTable, type FeedSource, type FeedSourceSpec, type ReplayPace } from '../../feeds/index.js'
import { instrumentSpecsOf, universeOf } from '../../market/instruments.js'
import { SingleProducerSequencer } from '../../ring/index.js'
import type { Agent, AgentContext } from '../agent.js'
import { SyntheticMarket } from './synthetic-market.js'
import { SyntheticSource } from './synthetic-source.js'

type DataFeedsConfig = WavesConfig['data_feeds'] & {
  /** Market updates per instrument per sense step; default 1 (a knob for tests, not a config key yet). */
  updatesPerStep?: number
}

/** Cycles between two snapshots of the synthetic books. */
const SNAPSHOT_EVERY_CYCLES = 100

interface Snapshot {
  market: ReturnType<SyntheticMarket['snapshot']> | undefined
}

/**
 * data_feeds: runs the configured market-data source through the validation
 * bridge and the derived signals into the market ring. The embedded default
 * is the seeded synthetic L2 market, advanced once per sense step; a replayed
 * file or a WebSocket stream writes as its data arrives, between steps too.
 * Quotes conflate per instrument and venue when a reader lags; book deltas
 * and trades wait in order and any loss is counted. Readers on the fast path
 * are woken as each quote is written, and once after any other writes.
 */
export default function createDataFeeds(): Agent<Snapshot, DataFeedsConfig> {
  let pipeline: FeedPipeline
  let source: FeedSource
  let resync: BookResync
  let synthetic: SyntheticSource | undefined
  const extras: FeedSource[] = []
  let updatesPerStep = 1

  return {
    async init(ctx, restored) {
      const universe = universeOf(ctx.engineConfig)
      const symbols = new SymbolTable(instrumentSpecsOf(ctx.engineConfig), universe.venues)
      source = await sourceOf(ctx, symbols)
      resync = BookResync.attach(ctx.bookResync)
      if (source instanceof SyntheticSource) {
        synthetic = source
        if (restored?.market !== undefined) source.market.restore(restored.market)
      }
      pipeline = new FeedPipeline(source, {
        instruments: universe.instruments.length,
        venues: universe.venues.length,
        sequencer: new SingleProducerSequencer(ctx.rings.market!),
        clock: ctx.clock,
        logger: ctx.logger,
        ...(ctx.config.maxFeedAgeMs !== undefined && { maxAgeNs: ctx.config.maxFeedAgeMs * 1e6 }),
        onPublished: () => ctx.notifyFastPath('market'),
      })
      updatesPerStep = ctx.config.updatesPerStep ?? 1
      const ended = (what: string) => (err: unknown) => {
        ctx.counters['source_failures'] = (ctx.counters['source_failures'] ?? 0) + 1
        ctx.logger.error({ err, source: what }, 'feed source failed')
      }
      pipeline.start().catch(ended(source.name))
      if (ctx.config.sentimentFile !== undefined) {
        const headlines = createFeedSource(
          { type: 'sentiment-file', file: ctx.config.sentimentFile, pace: paceOf(ctx.config.replaySpeed) },
          { symbols, clock: ctx.clock, logger: ctx.logger, scorer: new WinkHeadlineScorer() },
        )
        extras.push(headlines)
        headlines.start(pipeline.bridge).catch(ended(headlines.name))
      }
    },
    step(command, ctx) {
      if (command.step !== 2) return
      // Every so often the whole books, so any reader that lost its place is whole again.
      if (synthetic !== undefined && command.cycle % SNAPSHOT_EVERY_CYCLES === 0) synthetic.snapshotBooks()
      // A reader restarted since the last step: whole books now, not at the next periodic snapshot.
      const requests = resync.take()
      if (requests > 0 && source.snapshotBooks !== undefined) {
        source.snapshotBooks()
        // Counted per restarted reader answered, as the coordinator counts the requests.
        ctx.counters['book_resyncs'] = (ctx.counters['book_resyncs'] ?? 0) + requests
        ctx.logger.info({ source: source.name, requests }, 'a reader of the market ring restarted: whole books written again')
      }
      synthetic?.advance(updatesPerStep)
      pipeline.flush()
      pipeline.writeCounters(ctx.counters)
    },
    snapshot: () => ({ market: synthetic?.market.snapshot() }),
    async stop() {
      await Promise.all([pipeline.stop(), ...extras.map((s) => s.stop())])
    },
  }
}

function paceOf(speed: number): ReplayPace {
  return speed === 0 ? { mode: 'fast' } : { mode: 'recorded', speed }
}

/** The source the config names, built against the run's instruments and venues. */
async function sourceOf(ctx: AgentContext<DataFeedsConfig>, symbols: SymbolTable): Promise<FeedSource> {
  const c = ctx.config
  const venue = c.feedVenue ?? symbols.venues[0]!
  const built = { symbols, clock: ctx.clock, logger: ctx.logger }
  switch (c.source) {
    case 'synthetic':
      return new SyntheticSource(new SyntheticMarket(c.seed, symbols.instruments.length, symbols.venues.length), ctx.clock)
    case 'ccxt':
    case 'ccxt-pro':
      return loadFeedSource(
        {
          type: c.source,
          exchange: c.ccxtExchange,
          venue,
          instruments: symbols.instruments,
          pollIntervalMs: c.ccxtPollIntervalMs,
          bookDepth: c.ccxtBookDepth,
          ...(c.ccxtRestUrl !== undefined && { restUrl: c.ccxtRestUrl }),
          ...(c.ccxtWsUrl !== undefined && { wsUrl: c.ccxtWsUrl }),
        },
        built,
      )
    case 'websocket': {
      const streams = c.websocketStreams ?? symbols.instruments.flatMap((_, id) => defaultStreams(symbols, id))
      // An age limit needs the venue's own event time: stamped on arrival, nothing is ever stale.
      const stamp = c.maxFeedAgeMs !== undefined ? 'venue' : 'arrival'
      return createFeedSource({ type: 'binance-ws', url: c.websocketUrl!, venue, streams, stamp }, built)
    }
    case 'replay': {
      const lobster = c.replayFormat === 'lobster' || (c.replayFormat === undefined && /_message_\d+\.csv$/i.test(c.replayFile!))
      if (lobster) {
        const spec: FeedSourceSpec = { type: 'lobster', messageFile: c.replayFile!, venue, pace: paceOf(c.replaySpeed) }
        if (c.replaySymbol !== undefined) spec.symbol = c.replaySymbol
        return createFeedSource(spec, built)
      }
      const spec: FeedSourceSpec = { type: 'csv', file: c.replayFile!, venue, pace: paceOf(c.replaySpeed) }
      if (c.replayFormat !== undefined) spec.kind = c.replayFormat
      if (c.replaySymbol !== undefined) spec.symbol = c.replaySymbol
      return createFeedSource(spec, built)
    }
  }
}

/** Trades and book tickers of one instrument, as Binance names its streams ('btcusdt@trade'). */
function defaultStreams(symbols: SymbolTable, instrumentId: number): string[] {
  const spec = symbols.precisions[instrumentId]!.spec
  const stream = `${spec.base}${spec.quote}`.toLowerCase()
  return [`${stream}@trade`, `${stream}@bookTicker`]
}
