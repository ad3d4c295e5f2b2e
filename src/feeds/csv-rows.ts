import { Side } from '../schemas/index.js'
import type { FeedQuote, FeedRejectReason, FeedTrade } from './feed-source.js'
import type { Conversion, SymbolTable } from './symbol-table.js'

/**
 * The Binance public-data CSV files (data.binance.vision), one row per line,
 * with or without a header row:
 *
 * - aggTrades: aggTradeId, price, quantity, firstTradeId, lastTradeId, timestamp, isBuyerMaker[, isBestMatch]
 * - trades: id, price, qty, quoteQty, time, isBuyerMaker[, isBestMatch]
 * - bookTicker: update_id, best_bid_price, best_bid_qty, best_ask_price, best_ask_qty, transaction_time[, event_time]
 * - klines: open_time, open, high, low, close, volume, close_time, quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore
 *
 * Timestamps are epoch milliseconds, or microseconds in spot files from
 * 2025 on; the parser tells them apart by magnitude. `isBuyerMaker` True
 * means the buyer's order rested, so the seller took liquidity.
 */
export type CsvKind = 'aggTrades' | 'trades' | 'bookTicker' | 'klines'

export const CSV_KINDS: readonly CsvKind[] = ['aggTrades', 'trades', 'bookTicker', 'klines']

/** What one line turned out to be; the parser's fields hold the details. */
export type CsvLineResult = 'trade' | 'quote' | 'header' | 'blank' | 'rejected'

/** Columns per kind: the fewest a row may have and the most. */
const COLUMNS: Record<CsvKind, [number, number]> = { aggTrades: [7, 8], trades: [6, 7], bookTicker: [6, 7], klines: [11, 12] }

const INTEGER = /^\d{1,19}$/
const HEADER_CELL = /^[A-Za-z_ ]+$/

/** Nanoseconds per unit of an epoch timestamp, judged by its size (ms until the year 5000, then µs, then ns). */
export function epochUnitNs(value: number): number {
  return value < 1e14 ? 1e6 : value < 1e17 ? 1e3 : 1
}

/** The kind a Binance public-data file name announces (`BTCUSDT-aggTrades-2026-01-01.csv`, `BTCUSDT-1m-2026-01.csv`). */
export function csvKindOfFile(fileName: string): CsvKind | undefined {
  if (/-aggTrades-/i.test(fileName)) return 'aggTrades'
  if (/-trades-/i.test(fileName)) return 'trades'
  if (/-bookTicker-/i.test(fileName)) return 'bookTicker'
  if (/-\d+[smhdwM]-/.test(fileName)) return 'klines'
  return undefined
}

/** The symbol a Binance public-data file name starts with. */
export function csvSymbolOfFile(fileName: string): string {
  return /([A-Za-z0-9]+)-[^/\\]*$/.exec(fileName)?.[1] ?? ''
}

/**
 * Turns lines of one CSV kind into trades or quotes of one instrument on one
 * venue. It reuses its `trade` and `quote` objects; `recordedTime` is the
 * row's timestamp in the file's unit and `reason` why a row was rejected.
 */
export class CsvRowParser {
  readonly kind: CsvKind
  readonly trade: FeedTrade
  readonly quote: FeedQuote
  recordedTime = 0
  reason: FeedRejectReason = 'malformed'
  readonly #table: SymbolTable
  readonly #instrumentId: number
  #lines = 0

  constructor(kind: CsvKind, table: SymbolTable, instrumentId: number, venueId: number) {
    this.kind = kind
    this.#table = table
    this.#instrumentId = instrumentId
    this.trade = { tsNs: 0, instrumentId, venueId, aggressor: Side.Buy, priceTicks: 0, sizeLots: 0, venueTradeId: 0 }
    this.quote = { tsNs: 0, instrumentId, venueId, bidPriceTicks: 0, bidSizeLots: 0, askPriceTicks: 0, askSizeLots: 0, venueSequence: 0 }
  }

  parse(line: string): CsvLineResult {
    const first = this.#lines++ === 0
    const text = line.trim()
    if (text.length === 0) return 'blank'
    const cells = text.split(',')
    const [fewest, most] = COLUMNS[this.kind]
    if (cells.length < fewest || cells.length > most) return this.#reject('malformed')
    // A header is a first line of column names only; any other first line is data, good or bad.
    if (first && cells.every((c) => HEADER_CELL.test(c))) return 'header'
    switch (this.kind) {
      case 'aggTrades':
        return this.#trade(cells[0]!, cells[1]!, cells[2]!, cells[5]!, cells[6]!)
      case 'trades':
        return this.#trade(cells[0]!, cells[1]!, cells[2]!, cells[4]!, cells[5]!)
      case 'bookTicker':
        return this.#quote(cells)
      case 'klines':
        return this.#kline(cells)
    }
  }

  #trade(id: string, price: string, size: string, time: string, isBuyerMaker: string): CsvLineResult {
    const maker = isBuyerMaker.toLowerCase()
    if (!INTEGER.test(id) || !INTEGER.test(time) || (maker !== 'true' && maker !== 'false')) return this.#reject('malformed')
    const t = this.trade
    const ok = this.#set(this.#table.priceTicks(this.#instrumentId, price), 'priceTicks', t) && this.#set(this.#table.sizeLots(this.#instrumentId, size), 'sizeLots', t)
    if (!ok) return 'rejected'
    t.aggressor = maker === 'true' ? Side.Sell : Side.Buy
    t.venueTradeId = Number(id)
    this.recordedTime = Number(time)
    return 'trade'
  }

  #quote(cells: string[]): CsvLineResult {
    if (!INTEGER.test(cells[0]!) || !INTEGER.test(cells[5]!)) return this.#reject('malformed')
    const q = this.quote
    const table = this.#table
    const id = this.#instrumentId
    const ok =
      this.#set(table.priceTicks(id, cells[1]!), 'bidPriceTicks', q) &&
      this.#set(table.sizeLots(id, cells[2]!), 'bidSizeLots', q) &&
      this.#set(table.priceTicks(id, cells[3]!), 'askPriceTicks', q) &&
      this.#set(table.sizeLots(id, cells[4]!), 'askSizeLots', q)
    if (!ok) return 'rejected'
    q.venueSequence = Number(cells[0])
    this.recordedTime = Number(cells[5])
    return 'quote'
  }

  /**
   * A bar becomes one print at its close time and close price carrying the
   * bar's volume, the aggressor being the side that took most of it: enough
   * for returns and volatility, which is what bars are replayed for.
   */
  #kline(cells: string[]): CsvLineResult {
    if (!INTEGER.test(cells[6]!)) return this.#reject('malformed')
    const t = this.trade
    const id = this.#instrumentId
    const volume = this.#table.sizeLots(id, cells[5]!)
    const takerBuy = this.#table.sizeLots(id, cells[9]!)
    if (!this.#set(this.#table.priceTicks(id, cells[4]!), 'priceTicks', t) || !this.#set(volume, 'sizeLots', t) || !takerBuy.ok) {
      return takerBuy.ok ? 'rejected' : this.#reject(takerBuy.reason)
    }
    t.aggressor = 2 * takerBuy.steps >= t.sizeLots ? Side.Buy : Side.Sell
    t.venueTradeId = 0
    this.recordedTime = Number(cells[6])
    return 'trade'
  }

  #set<T extends object>(c: Conversion, field: keyof T & string, into: T): boolean {
    if (!c.ok) {
      this.reason = c.reason
      return false
    }
    ;(into as Record<string, number>)[field] = c.steps
    return true
  }

  #reject(reason: FeedRejectReason): 'rejected' {
    this.reason = reason
    return 'rejected'
  }
}

