import { WavesError } from '../../errors/index.js'
import type { ByteBuffer } from 'flatbuffers'
import { ConflatingPublisher, SingleProducerSequencer } from '../../ring/index.js'
import { MessageType, Quote } from '../../schemas/index.js'
import { universeOf } from '../../market/instruments.js'
import type { WavesConfig } from '../../config/index.js'
import type { Agent } from '../agent.js'
import { SyntheticMarket, type SyntheticMarketSink, type SyntheticQuote } from './synthetic-market.js'

type DataFeedsConfig = WavesConfig['data_feeds'] & {
  /** Market updates per instrument per sense step; default 1 (a knob for tests, not a config key yet). */
  updatesPerStep?: number
}

interface Snapshot {
  market: ReturnType<SyntheticMarket['snapshot']>
  published: number
}

/**
 * data_feeds: writes market data into the market ring. The embedded default
 * is a seeded synthetic market; replay, WebSocket and exchange feeds come
 * with the market-data capability. Publishing conflates per instrument and
 * venue, so a slow reader never blocks the feed and nothing vanishes
 * uncounted.
 */
export default function createDataFeeds(): Agent<Snapshot, DataFeedsConfig> {
  let market: SyntheticMarket
  let publisher: ConflatingPublisher
  let venues = 0
  const quote = new Quote()
  let published = 0
  let updatesPerStep = 1
  let now = (): number => 0

  let pending!: SyntheticQuote
  // One encoder for every offer: no closure per message.
  const encode = (_bytes: Uint8Array, offset: number, byteBuffer: ByteBuffer): void => {
    quote.__init(offset, byteBuffer)
    quote.mutate_ts_ns(now())
    quote.mutate_instrument_id(pending.instrumentId)
    quote.mutate_venue_id(pending.venueId)
    quote.mutate_flags(0)
    quote.mutate_bid_price_ticks(pending.bidPriceTicks)
    quote.mutate_bid_size_lots(pending.bidSizeLots)
    quote.mutate_ask_price_ticks(pending.askPriceTicks)
    quote.mutate_ask_size_lots(pending.askSizeLots)
    quote.mutate_venue_sequence(published + 1)
  }
  const publish = (q: SyntheticQuote): void => {
    pending = q
    publisher.offer(q.instrumentId * venues + (q.venueId - 1), MessageType.Quote, Quote.sizeOf(), encode)
    published++
  }
  const sink: SyntheticMarketSink = { quote: publish, bookDelta: () => {}, trade: () => {} }

  return {
    init(ctx, restored) {
      const source = ctx.config.source
      if (source !== 'synthetic') {
        throw new WavesError('ERR_FEED_UNAVAILABLE', `data_feeds source ${source} is not available yet; use synthetic`, { source })
      }
      const universe = universeOf(ctx.engineConfig)
      venues = universe.venues.length
      market = new SyntheticMarket(ctx.config.seed, universe.instruments.length, venues)
      publisher = new ConflatingPublisher(new SingleProducerSequencer(ctx.rings.market!), { keys: universe.instruments.length * venues })
      updatesPerStep = ctx.config.updatesPerStep ?? 1
      now = () => ctx.clock.nowNs()
      if (restored) {
        market.restore(restored.market)
        published = restored.published
      }
    },
    step(command, ctx) {
      if (command.step !== 2) return
      publisher.flush()
      for (let u = 0; u < updatesPerStep; u++) market.advance(sink)
      ctx.counters['published'] = published
      ctx.counters['held'] = publisher.held
      ctx.counters['conflated'] = publisher.sequencer.ring.conflatedCount
    },
    snapshot: () => ({ market: market.snapshot(), published }),
  }
}
