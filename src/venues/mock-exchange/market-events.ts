import { formatDecimal } from '../../market/decimal.js'
import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { Side } from '../../schemas/index.js'
import type { ShownLevel } from '../sim/matching-engine.js'
import type { LevelChange, PublicMarket, TapeTrade } from './public-market.js'

type Level = [string, string]

const levelOf = (precision: InstrumentPrecision, priceTicks: number, sizeLots: number): Level => [precision.ticksToPrice(priceTicks), precision.lotsToSize(sizeLots)]

/** `GET /api/v3/depth`. */
export function depthJson(market: PublicMarket, bids: readonly ShownLevel[], asks: readonly ShownLevel[], precision: InstrumentPrecision): object {
  return {
    lastUpdateId: market.updateId,
    bids: bids.map((l) => levelOf(precision, l.priceTicks, l.sizeLots)),
    asks: asks.map((l) => levelOf(precision, l.priceTicks, l.sizeLots)),
  }
}

/** A `depthUpdate` stream event: one update id per change set, so `U` = `u`. */
export function depthUpdateEvent(symbol: string, market: PublicMarket, changes: readonly LevelChange[], precision: InstrumentPrecision, nowMs: number): object {
  const side = (s: Side): Level[] => changes.filter((c) => c.side === s).map((c) => levelOf(precision, c.priceTicks, c.sizeLots))
  return { e: 'depthUpdate', E: nowMs, s: symbol, U: market.updateId, u: market.updateId, b: side(Side.Buy), a: side(Side.Sell) }
}

/** A `trade` stream event; `m` says the buyer was the maker, i.e. the seller took. */
export function tradeEvent(symbol: string, trade: TapeTrade, precision: InstrumentPrecision, nowMs: number): object {
  const [p, q] = levelOf(precision, trade.priceTicks, trade.sizeLots)
  return { e: 'trade', E: nowMs, s: symbol, t: trade.tradeId, p, q, T: trade.timeMs, m: trade.aggressor === Side.Sell, M: true }
}

/** An `aggTrade` stream event (one print per aggregate here). */
export function aggTradeEvent(symbol: string, trade: TapeTrade, precision: InstrumentPrecision, nowMs: number): object {
  const [p, q] = levelOf(precision, trade.priceTicks, trade.sizeLots)
  return { e: 'aggTrade', E: nowMs, s: symbol, a: trade.tradeId, p, q, f: trade.tradeId, l: trade.tradeId, T: trade.timeMs, m: trade.aggressor === Side.Sell, M: true }
}

/** Rows of `GET /api/v3/aggTrades`. */
export function aggTradeJson(trade: TapeTrade, precision: InstrumentPrecision): object {
  const [p, q] = levelOf(precision, trade.priceTicks, trade.sizeLots)
  return { a: trade.tradeId, p, q, f: trade.tradeId, l: trade.tradeId, T: trade.timeMs, m: trade.aggressor === Side.Sell, M: true }
}

/** Rows of `GET /api/v3/trades`. */
export function publicTradeJson(trade: TapeTrade, precision: InstrumentPrecision): object {
  const [price, qty] = levelOf(precision, trade.priceTicks, trade.sizeLots)
  const quote = precision.notional(trade.priceTicks, trade.sizeLots)
  return { id: trade.tradeId, price, qty, quoteQty: formatDecimal(quote.units, quote.scale), time: trade.timeMs, isBuyerMaker: trade.aggressor === Side.Sell, isBestMatch: true }
}

/** The 24-hour figures over the tape, in REST (`/ticker/24hr`) field names. */
export function tickerJson(symbol: string, market: PublicMarket, bestBid: ShownLevel | undefined, bestAsk: ShownLevel | undefined, precision: InstrumentPrecision, nowMs: number): Record<string, unknown> {
  const tape = market.tape
  const first = tape[0]
  const last = market.lastTrade()
  const price = (ticks: number | undefined): string => (ticks === undefined ? '0' : precision.ticksToPrice(ticks))
  const size = (lots: number | undefined): string => (lots === undefined ? '0' : precision.lotsToSize(lots))
  const prices = tape.map((t) => t.priceTicks)
  let quoteUnits = 0n
  let quoteScale = 0
  for (const t of tape) {
    const n = precision.notional(t.priceTicks, t.sizeLots)
    quoteUnits += n.units
    quoteScale = n.scale
  }
  return {
    symbol,
    priceChange: '0',
    priceChangePercent: '0',
    weightedAvgPrice: price(last?.priceTicks),
    prevClosePrice: price(first?.priceTicks),
    lastPrice: price(last?.priceTicks),
    lastQty: size(last?.sizeLots),
    bidPrice: price(bestBid?.priceTicks),
    bidQty: size(bestBid?.sizeLots),
    askPrice: price(bestAsk?.priceTicks),
    askQty: size(bestAsk?.sizeLots),
    openPrice: price(first?.priceTicks),
    highPrice: price(prices.length > 0 ? Math.max(...prices) : undefined),
    lowPrice: price(prices.length > 0 ? Math.min(...prices) : undefined),
    volume: size(tape.reduce((sum, t) => sum + t.sizeLots, 0)),
    quoteVolume: formatDecimal(quoteUnits, quoteScale),
    openTime: first?.timeMs ?? nowMs,
    closeTime: nowMs,
    firstId: first?.tradeId ?? -1,
    lastId: last?.tradeId ?? -1,
    count: tape.length,
  }
}

/** The same figures as a `24hrTicker` stream event. */
export function tickerEvent(ticker: Record<string, unknown>, nowMs: number): object {
  const t = ticker
  return {
    e: '24hrTicker', E: nowMs, s: t['symbol'], p: t['priceChange'], P: t['priceChangePercent'], w: t['weightedAvgPrice'], x: t['prevClosePrice'],
    c: t['lastPrice'], Q: t['lastQty'], b: t['bidPrice'], B: t['bidQty'], a: t['askPrice'], A: t['askQty'], o: t['openPrice'], h: t['highPrice'],
    l: t['lowPrice'], v: t['volume'], q: t['quoteVolume'], O: t['openTime'], C: t['closeTime'], F: t['firstId'], L: t['lastId'], n: t['count'],
  }
}

/** The `24hrMiniTicker` stream event: last price and the day's range, no book. */
export function miniTickerEvent(ticker: Record<string, unknown>, nowMs: number): object {
  const t = ticker
  return { e: '24hrMiniTicker', E: nowMs, s: t['symbol'], c: t['lastPrice'], o: t['openPrice'], h: t['highPrice'], l: t['lowPrice'], v: t['volume'], q: t['quoteVolume'] }
}

/** A `bookTicker` stream event: the best bid and offer as shown, under the book's update id. */
export function bookTickerEvent(symbol: string, market: PublicMarket, bestBid: ShownLevel | undefined, bestAsk: ShownLevel | undefined, precision: InstrumentPrecision): object {
  const [b, B] = bestBid === undefined ? ['0', '0'] : levelOf(precision, bestBid.priceTicks, bestBid.sizeLots)
  const [a, A] = bestAsk === undefined ? ['0', '0'] : levelOf(precision, bestAsk.priceTicks, bestAsk.sizeLots)
  return { u: market.updateId, s: symbol, b, B, a, A }
}
