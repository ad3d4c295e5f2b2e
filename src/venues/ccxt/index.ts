/** Real venues through ccxt: order entry with idempotent retries, and the spot binance client setup. */
export { CcxtVenue, type AmendOutcome, type CcxtVenueCounters, type CcxtVenueOptions, type VenueBalance } from './ccxt-venue.js'
export { createBinanceClient, pointBinanceAt, type BinanceClientOptions, type CcxtExchange, type CcxtProExchange } from './binance-client.js'
export { failureKindOf, venueError, type FailureKind } from './venue-errors.js'
export { DEFAULT_RETRY_OPTIONS, retryDelayMs, type RetryOptions } from './retry-policy.js'
