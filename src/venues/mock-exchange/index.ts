/**
 * A local mock of Binance spot (REST, WebSocket streams, WebSocket API) over
 * the sim matching engine, with programmable faults: what the ccxt adapter
 * and the ccxt feed sources are tested against.
 */
export { MockBinanceExchange, type MockBinanceExchangeOptions, type MockBinanceUrls, type MockExchangeCounters } from './mock-binance-exchange.js'
export { FaultPlan, type Fault, type FaultKind } from './fault-plan.js'
export { BINANCE_ERRORS, type BinanceError } from './binance-errors.js'
export { binanceSymbolOf, exchangeInfoOf } from './exchange-info.js'
export { hmacSha256Hex } from './request-signature.js'
export { MarketFeedSink, type MarketDataTarget } from './market-feed-sink.js'
