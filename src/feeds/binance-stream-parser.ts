import type { Clock } from '../clock/clock.js'
import { BookAction, Side } from '../schemas/index.js'
import type { FeedBookDelta, FeedBookLevel, FeedQuote, FeedRejectReason, FeedSink, FeedTrade } from './feed-source.js'
import type { SymbolTable } from './symbol-table.js'

/** What one frame turned out to be. */
export type StreamFrameResult = 'event' | 'control' | 'rejected'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isSequence = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/**
 * Reads Binance market-data stream frames, raw (`{"e":"trade",…}`) or
 * combined (`{"stream":"btcusdt@trade","data":{…}}`), and writes them into
 * a sink: `trade` and `aggTrade` as trades, `bookTicker` as quotes,
 * `depthUpdate` as book deltas (sequence `U`..`u`), partial depth
 * (`lastUpdateId`, `bids`, `asks`) as book snapshots. Subscription replies
 * are control frames. Anything else is rejected as malformed, with the
 * reason the sink counts; a frame is all or nothing, so a depth update with
 * one bad level writes none of its levels.
 *
 * Events are stamped with the clock's time of arrival (monotonic whatever
 * the venue's clock does), or optionally with the venue's event time `E`
 * put on the clock; `venueDelayMs` tracks how late frames arrive either way.
 */
export class BinanceStreamParser {
  readonly #table: SymbolTable
  readonly #venueId: number
  readonly #clock: Clock
  readonly #stampVenueTime: boolean
  readonly #trade: FeedTrade
  readonly #quote: FeedQuote
  readonly #delta: FeedBookDelta
  /** Depth levels of the frame at hand, checked before any is written: price, size, side per level. */
  #levels = new Float64Array(3 * 64)
  reason: FeedRejectReason = 'malformed'
  /** Wall-clock arrival minus the venue's event time of the last frame that had one, ms. */
  venueDelayMs = NaN
  /** Replies refusing a request (a subscription to a stream the venue does not have, say). */
  requestErrors = 0

  /**
   * `stamp` 'venue' puts the venue's event time (`E`) on the clock instead
   * of the arrival time, so the validation bridge's age limit measures how
   * late the venue's data is. It trusts the host's wall clock: a clock that
   * runs ahead of the venue's makes fresh data look old. Default 'arrival'.
   */
  constructor(table: SymbolTable, venueId: number, clock: Clock, stamp: 'arrival' | 'venue' = 'arrival') {
    this.#stampVenueTime = stamp === 'venue'
    this.#table = table
    this.#venueId = venueId
    this.#clock = clock
    this.#trade = { tsNs: 0, instrumentId: 0, venueId, aggressor: Side.Buy, priceTicks: 0, sizeLots: 0, venueTradeId: 0 }
    this.#quote = { tsNs: 0, instrumentId: 0, venueId, bidPriceTicks: 0, bidSizeLots: 0, askPriceTicks: 0, askSizeLots: 0, venueSequence: 0 }
    this.#delta = { tsNs: 0, instrumentId: 0, venueId, side: Side.Buy, action: BookAction.Set, priceTicks: 0, sizeLots: 0, venueSequence: 0, firstVenueSequence: 0 }
  }

  parse(text: string, sink: FeedSink): StreamFrameResult {
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      return this.#reject('malformed')
    }
    if (!isObject(frame)) return this.#reject('malformed')
    if ('id' in frame && ('result' in frame || 'error' in frame)) {
      if (frame['error'] !== undefined && frame['error'] !== null) this.requestErrors++
      return 'control'
    }
    const stream = typeof frame['stream'] === 'string' ? frame['stream'] : ''
    const data = isObject(frame['data']) ? frame['data'] : frame
    let tsNs = this.#clock.nowNs()
    if (typeof data['E'] === 'number' && Number.isFinite(data['E'])) {
      this.venueDelayMs = Date.now() - data['E']
      if (this.#stampVenueTime) tsNs -= this.venueDelayMs * 1e6
    }
    const event = data['e']
    if (event === 'trade' || event === 'aggTrade') return this.#onTrade(data, event === 'trade' ? data['t'] : data['a'], tsNs, sink)
    if (event === 'depthUpdate') return this.#onDepth(data, tsNs, sink)
    if ((event === 'bookTicker' || event === undefined) && 'u' in data && 'b' in data) return this.#onBookTicker(data, tsNs, sink)
    if (event === undefined && 'lastUpdateId' in data) return this.#onPartialDepth(data, stream, tsNs, sink)
    return this.#reject('malformed')
  }

  #instrument(symbol: unknown): number {
    return typeof symbol === 'string' ? this.#table.instrumentId(symbol) : -2
  }

  #onTrade(d: Json, id: unknown, tsNs: number, sink: FeedSink): StreamFrameResult {
    const instrumentId = this.#instrument(d['s'])
    if (instrumentId < 0) return this.#reject(instrumentId === -1 ? 'unknown_instrument' : 'malformed')
    if (!isSequence(id) || typeof d['m'] !== 'boolean') return this.#reject('malformed')
    const price = this.#table.priceTicks(instrumentId, d['p'] as string)
    if (!price.ok) return this.#reject(price.reason)
    const size = this.#table.sizeLots(instrumentId, d['q'] as string)
    if (!size.ok) return this.#reject(size.reason)
    const t = this.#trade
    t.tsNs = tsNs
    t.instrumentId = instrumentId
    // m: the buyer was the maker, so the seller took liquidity.
    t.aggressor = d['m'] ? Side.Sell : Side.Buy
    t.priceTicks = price.steps
    t.sizeLots = size.steps
    t.venueTradeId = id
    sink.trade(t)
    return 'event'
  }

  #onBookTicker(d: Json, tsNs: number, sink: FeedSink): StreamFrameResult {
    const instrumentId = this.#instrument(d['s'])
    if (instrumentId < 0) return this.#reject(instrumentId === -1 ? 'unknown_instrument' : 'malformed')
    if (!isSequence(d['u'])) return this.#reject('malformed')
    const table = this.#table
    const bid = table.priceTicks(instrumentId, d['b'] as string)
    const bidSize = table.sizeLots(instrumentId, d['B'] as string)
    const ask = table.priceTicks(instrumentId, d['a'] as string)
    const askSize = table.sizeLots(instrumentId, d['A'] as string)
    if (!bid.ok) return this.#reject(bid.reason)
    if (!bidSize.ok) return this.#reject(bidSize.reason)
    if (!ask.ok) return this.#reject(ask.reason)
    if (!askSize.ok) return this.#reject(askSize.reason)
    const q = this.#quote
    q.tsNs = tsNs
    q.instrumentId = instrumentId
    q.bidPriceTicks = bid.steps
    q.bidSizeLots = bidSize.steps
    q.askPriceTicks = ask.steps
    q.askSizeLots = askSize.steps
    q.venueSequence = d['u']
    sink.quote(q)
    return 'event'
  }

  /** Checks every level of both sides into `#levels`; the count, or −1 with `reason` set. */
  #readLevels(instrumentId: number, bids: unknown, asks: unknown): number {
    if (!Array.isArray(bids) || !Array.isArray(asks)) return this.#fail('malformed')
    const count = bids.length + asks.length
    if (this.#levels.length < 3 * count) this.#levels = new Float64Array(3 * count)
    let k = 0
    for (const [side, levels] of [[Side.Buy, bids], [Side.Sell, asks]] as const) {
      for (const level of levels) {
        if (!Array.isArray(level) || level.length < 2) return this.#fail('malformed')
        const price = this.#table.priceTicks(instrumentId, level[0] as string)
        if (!price.ok) return this.#fail(price.reason)
        const size = this.#table.sizeLots(instrumentId, level[1] as string)
        if (!size.ok) return this.#fail(size.reason)
        this.#levels[k++] = price.steps
        this.#levels[k++] = size.steps
        this.#levels[k++] = side
      }
    }
    return count
  }

  #onDepth(d: Json, tsNs: number, sink: FeedSink): StreamFrameResult {
    const instrumentId = this.#instrument(d['s'])
    if (instrumentId < 0) return this.#reject(instrumentId === -1 ? 'unknown_instrument' : 'malformed')
    const first = d['U']
    const last = d['u']
    if (!isSequence(first) || !isSequence(last) || first > last) return this.#reject('malformed')
    const count = this.#readLevels(instrumentId, d['b'], d['a'])
    if (count < 0) return 'rejected'
    const delta = this.#delta
    delta.tsNs = tsNs
    delta.instrumentId = instrumentId
    delta.venueSequence = last
    delta.firstVenueSequence = first
    for (let k = 0; k < count; k++) {
      delta.priceTicks = this.#levels[3 * k]!
      delta.sizeLots = this.#levels[3 * k + 1]!
      delta.side = this.#levels[3 * k + 2]! as Side
      // Binance removes a level by sending it with size 0.
      delta.action = delta.sizeLots === 0 ? BookAction.Delete : BookAction.Set
      sink.bookDelta(delta)
    }
    return 'event'
  }

  #onPartialDepth(d: Json, stream: string, tsNs: number, sink: FeedSink): StreamFrameResult {
    // Partial depth names its symbol only in the stream name: btcusdt@depth5@100ms.
    const instrumentId = this.#instrument(stream.split('@')[0] ?? '')
    if (instrumentId < 0) return this.#reject(stream === '' ? 'malformed' : 'unknown_instrument')
    if (!isSequence(d['lastUpdateId'])) return this.#reject('malformed')
    const count = this.#readLevels(instrumentId, d['bids'], d['asks'])
    if (count < 0) return 'rejected'
    const bids: FeedBookLevel[] = []
    const asks: FeedBookLevel[] = []
    for (let k = 0; k < count; k++) {
      const level = { priceTicks: this.#levels[3 * k]!, sizeLots: this.#levels[3 * k + 1]!, orderCount: 0 }
      ;(this.#levels[3 * k + 2] === Side.Buy ? bids : asks).push(level)
    }
    sink.bookSnapshot({ tsNs, instrumentId, venueId: this.#venueId, bids, asks, venueSequence: d['lastUpdateId'] })
    return 'event'
  }

  #fail(reason: FeedRejectReason): -1 {
    this.reason = reason
    return -1
  }

  #reject(reason: FeedRejectReason): 'rejected' {
    this.reason = reason
    return 'rejected'
  }
}
