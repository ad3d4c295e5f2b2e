import { Side } from '../schemas/index.js'
import type { FeedBookLevel, FeedRejectReason, FeedSink } from './feed-source.js'
import type { SymbolTable } from './symbol-table.js'

/** The parts of ccxt's unified order book, trade and ticker the feeds read. */
export interface CcxtBookLike {
  bids: readonly (readonly (number | string | undefined)[])[]
  asks: readonly (readonly (number | string | undefined)[])[]
  nonce?: number | undefined
}
export interface CcxtTradeLike {
  id?: string | undefined
  side?: string | undefined
  price?: number | undefined
  amount?: number | undefined
}
export interface CcxtTickerLike {
  bid?: number | undefined
  ask?: number | undefined
  bidVolume?: number | undefined
  askVolume?: number | undefined
}

/**
 * Turns ccxt's unified market data (decimal numbers) into feed events in
 * ticks and lots. A value off the instrument's grid or not a number is one
 * rejection with its reason; the rest of the message still counts.
 */
export class CcxtFeedEvents {
  readonly #symbols: SymbolTable
  readonly #venueId: number
  readonly #lastTradeId = new Map<number, number>()

  constructor(symbols: SymbolTable, venueId: number) {
    this.#symbols = symbols
    this.#venueId = venueId
  }

  /**
   * A whole book as a snapshot of its top `depth` levels a side; false when
   * rejected. ccxt hands back an empty book for a body it could not parse, so
   * a book with no levels and no sequence is refused as malformed.
   */
  book(instrumentId: number, book: CcxtBookLike, depth: number, tsNs: number, sink: FeedSink): boolean {
    if (!Array.isArray(book.bids) || !Array.isArray(book.asks) || (book.bids.length === 0 && book.asks.length === 0 && book.nonce === undefined)) {
      this.#reject(sink, 'malformed', instrumentId, book)
      return false
    }
    const bids = this.#levels(instrumentId, book.bids, depth, sink)
    const asks = this.#levels(instrumentId, book.asks, depth, sink)
    if (bids === undefined || asks === undefined) return false
    sink.bookSnapshot({ tsNs, instrumentId, venueId: this.#venueId, bids, asks, venueSequence: book.nonce ?? 0 })
    return true
  }

  /** New trades only: a trade id at or below the last one sent is skipped (polls and watches overlap). */
  trades(instrumentId: number, trades: readonly CcxtTradeLike[], tsNs: number, sink: FeedSink): number {
    let sent = 0
    if (!Array.isArray(trades)) {
      this.#reject(sink, 'malformed', instrumentId, trades)
      return 0
    }
    for (const trade of trades) {
      const venueTradeId = Number(trade.id ?? 0)
      const last = this.#lastTradeId.get(instrumentId) ?? 0
      if (venueTradeId > 0 && venueTradeId <= last) continue
      const price = this.#symbols.priceTicks(instrumentId, trade.price as number)
      const size = this.#symbols.sizeLots(instrumentId, trade.amount as number)
      if (!price.ok || !size.ok) {
        this.#reject(sink, !price.ok ? price.reason : (size as { reason: FeedRejectReason }).reason, instrumentId, trade)
        continue
      }
      if (venueTradeId > 0) this.#lastTradeId.set(instrumentId, venueTradeId)
      sink.trade({ tsNs, instrumentId, venueId: this.#venueId, aggressor: trade.side === 'sell' ? Side.Sell : Side.Buy, priceTicks: price.steps, sizeLots: size.steps, venueTradeId })
      sent++
    }
    return sent
  }

  /** The ticker's best bid and offer as a quote; a ticker without both sides is not a quote. */
  quote(instrumentId: number, ticker: CcxtTickerLike, tsNs: number, sink: FeedSink): boolean {
    const values = [ticker.bid, ticker.ask, ticker.bidVolume, ticker.askVolume]
    if (values.some((v) => v === undefined)) {
      this.#reject(sink, 'malformed', instrumentId, ticker)
      return false
    }
    const bid = this.#symbols.priceTicks(instrumentId, ticker.bid!)
    const ask = this.#symbols.priceTicks(instrumentId, ticker.ask!)
    const bidSize = this.#symbols.sizeLots(instrumentId, ticker.bidVolume!)
    const askSize = this.#symbols.sizeLots(instrumentId, ticker.askVolume!)
    for (const c of [bid, ask, bidSize, askSize]) {
      if (!c.ok) {
        this.#reject(sink, c.reason, instrumentId, ticker)
        return false
      }
    }
    sink.quote({ tsNs, instrumentId, venueId: this.#venueId, bidPriceTicks: step(bid), askPriceTicks: step(ask), bidSizeLots: step(bidSize), askSizeLots: step(askSize), venueSequence: 0 })
    return true
  }

  #levels(instrumentId: number, levels: CcxtBookLike['bids'], depth: number, sink: FeedSink): FeedBookLevel[] | undefined {
    const out: FeedBookLevel[] = []
    for (const level of levels.slice(0, depth)) {
      const price = this.#symbols.priceTicks(instrumentId, level[0] as number)
      const size = this.#symbols.sizeLots(instrumentId, level[1] as number)
      if (!price.ok || !size.ok) {
        this.#reject(sink, !price.ok ? price.reason : (size as { reason: FeedRejectReason }).reason, instrumentId, level)
        return undefined
      }
      out.push({ priceTicks: price.steps, sizeLots: size.steps, orderCount: 0 })
    }
    return out
  }

  #reject(sink: FeedSink, reason: FeedRejectReason, instrumentId: number, value: unknown): void {
    sink.reject(reason, { venueId: this.#venueId, instrumentId, value: JSON.stringify(value).slice(0, 200) })
  }
}

function step(c: { ok: true; steps: number } | { ok: false }): number {
  return c.ok ? c.steps : 0
}

/** The ccxt unified symbol of an instrument ('BTC/USDT'). */
export function ccxtSymbolOf(symbols: SymbolTable, instrumentId: number): string {
  const spec = symbols.precisions[instrumentId]!.spec
  return `${spec.base}/${spec.quote}`
}
