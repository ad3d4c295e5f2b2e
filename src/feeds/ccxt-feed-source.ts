import { monotonicClock } from '../clock/clock.js'
import { createBinanceClient } from '../venues/ccxt/binance-client.js'
import { binanceUrlsOf } from '../venues/ccxt/binance-urls.js'
import { CcxtProSource } from './ccxt-pro-source.js'
import { CcxtRestSource } from './ccxt-rest-source.js'
import type { FeedSource } from './feed-source.js'
import type { CcxtFeedSourceSpec, FeedSourceContext } from './index.js'

/** A ccxt source built from its spec: loaded on demand by `loadFeedSource`, since it brings ccxt in. */
export function createCcxtFeedSource(spec: CcxtFeedSourceSpec, ctx: FeedSourceContext): FeedSource {
  const urls = binanceUrlsOf(spec.restUrl, spec.wsUrl)
  const exchange = createBinanceClient({ pro: spec.type === 'ccxt-pro', ...(urls !== undefined && { urls }) })
  const common = {
    exchange,
    venue: spec.venue,
    symbols: ctx.symbols,
    instruments: spec.instruments,
    clock: ctx.clock ?? monotonicClock,
    ...(spec.bookDepth !== undefined && { bookDepth: spec.bookDepth }),
    ...(ctx.logger !== undefined && { logger: ctx.logger }),
  }
  return spec.type === 'ccxt' ? new CcxtRestSource({ ...common, ...(spec.pollIntervalMs !== undefined && { pollIntervalMs: spec.pollIntervalMs }) }) : new CcxtProSource(common)
}
