import type { InstrumentSpec } from '../../market/instrument-spec.js'

/** A spec's symbol as Binance spells it: base and quote run together ('BTCUSDT'). */
export function binanceSymbolOf(spec: InstrumentSpec): string {
  return `${spec.base}${spec.quote}`.toUpperCase()
}

/** Decimal places of a step given as text ('0.00001' → 5, '1' → 0). */
function decimalsOf(step: string): number {
  const dot = step.indexOf('.')
  return dot < 0 ? 0 : step.length - dot - 1
}

/**
 * `GET /api/v3/exchangeInfo` for the listed instruments: what ccxt's
 * `loadMarkets` reads (status, assets, PRICE_FILTER tick, LOT_SIZE step,
 * NOTIONAL, order types, permissions). The tick and lot come from the
 * instrument specs, so ccxt rounds to exactly the grid the engine trades on.
 */
export function exchangeInfoOf(instruments: readonly InstrumentSpec[], serverTimeMs: number): object {
  return {
    timezone: 'UTC',
    serverTime: serverTimeMs,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
    ],
    exchangeFilters: [],
    symbols: instruments.map((spec) => ({
      symbol: binanceSymbolOf(spec),
      status: 'TRADING',
      baseAsset: spec.base,
      baseAssetPrecision: 8,
      quoteAsset: spec.quote,
      quotePrecision: spec.quoteDecimals,
      quoteAssetPrecision: spec.quoteDecimals,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: spec.quoteDecimals,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
      icebergAllowed: false,
      ocoAllowed: false,
      quoteOrderQtyMarketAllowed: false,
      allowTrailingStop: false,
      cancelReplaceAllowed: false,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: spec.tickSize, maxPrice: '10000000', tickSize: spec.tickSize },
        { filterType: 'LOT_SIZE', minQty: spec.lotSize, maxQty: '9000000', stepSize: spec.lotSize },
        { filterType: 'NOTIONAL', minNotional: '0', applyMinToMarket: false, maxNotional: '90000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'NONE',
      allowedSelfTradePreventionModes: ['NONE'],
      pricePrecision: decimalsOf(spec.tickSize),
      quantityPrecision: decimalsOf(spec.lotSize),
    })),
  }
}
