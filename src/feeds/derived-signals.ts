import { depthImbalance, orderFlowImbalance, spreadBps } from '../market/order-flow.js'
import { Side } from '../schemas/index.js'
import type { FeedBookDelta, FeedBookSnapshot, FeedQuote, FeedRejectReason, FeedSentiment, FeedSink, FeedTrade } from './feed-source.js'

/** Log return from `previous` to `price`, in basis points; NaN unless both are positive. */
export function logReturnBps(previous: number, price: number): number {
  return previous > 0 && price > 0 ? Math.log(price / previous) * 10_000 : NaN
}

/**
 * Sums over the last `window` values, updated in O(1) per value: the
 * evicted value leaves the sum as the new one enters. Recomputed from the
 * window every `window` pushes so rounding cannot accumulate.
 */
export class RollingSum {
  readonly window: number
  readonly #values: Float64Array
  #next = 0
  #count = 0
  sum = 0

  constructor(window: number) {
    if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`window must be a positive integer, got ${window}`)
    this.window = window
    this.#values = new Float64Array(window)
  }

  get count(): number {
    return this.#count
  }

  push(x: number): void {
    this.sum += x - this.#values[this.#next]!
    this.#values[this.#next] = x
    this.#next = (this.#next + 1) % this.window
    if (this.#count < this.window) this.#count++
    if (this.#next === 0) this.sum = this.#values.reduce((a, b) => a + b, 0)
  }
}

/** What the signals say about one instrument on one venue right now. */
export interface SignalReading {
  /** Log return of the last trade price over the one before, bps. */
  tradeReturnBps: number
  /** Root mean square of the last `window` trade returns, bps per trade: realized volatility. */
  realizedVolBps: number
  /** (bought − sold) / (bought + sold) over the last `window` trades, in [−1, 1]. */
  tradeImbalance: number
  /** Log return of the mid over the previous quote's, bps. */
  midReturnBps: number
  spreadBps: number
  /** Top-of-book size imbalance of the last quote, in [−1, 1]. */
  depthImbalance: number
  /** Order-flow imbalance of the last quote change, lots (Cont, Kukanov and Stoikov). */
  orderFlowImbalance: number
  trades: number
  quotes: number
}

const QUOTE_FIELDS = 4

/**
 * Derived signals over the feed: trade returns, realized volatility and
 * trade-flow imbalance over a rolling window of trades, and per quote the
 * mid return, spread, depth and order-flow imbalance (the market/ functions).
 * A `FeedSink` that updates its signals and passes every event on unchanged,
 * so it sits behind the validation bridge and sees only good data.
 */
export class DerivedSignals implements FeedSink {
  readonly downstream: FeedSink | undefined
  readonly #venues: number
  readonly #returnsSquared: RollingSum[]
  readonly #signedSize: RollingSum[]
  readonly #size: RollingSum[]
  readonly #readings: SignalReading[]
  readonly #lastTradePrice: Float64Array
  /** Per cell: bid, bid size, ask, ask size of the previous quote. */
  readonly #previousQuote: Float64Array

  constructor(options: { instruments: number; venues: number; window: number }, downstream?: FeedSink) {
    const cells = options.instruments * options.venues
    this.downstream = downstream
    this.#venues = options.venues
    const sums = (): RollingSum[] => Array.from({ length: cells }, () => new RollingSum(options.window))
    this.#returnsSquared = sums()
    this.#signedSize = sums()
    this.#size = sums()
    this.#readings = Array.from({ length: cells }, () => ({
      tradeReturnBps: NaN,
      realizedVolBps: NaN,
      tradeImbalance: 0,
      midReturnBps: NaN,
      spreadBps: NaN,
      depthImbalance: 0,
      orderFlowImbalance: 0,
      trades: 0,
      quotes: 0,
    }))
    this.#lastTradePrice = new Float64Array(cells)
    this.#previousQuote = new Float64Array(cells * QUOTE_FIELDS).fill(NaN)
  }

  /** The live reading of an instrument on a venue (updated in place; copy to keep). */
  reading(instrumentId: number, venueId: number): Readonly<SignalReading> {
    return this.#readings[instrumentId * this.#venues + venueId - 1]!
  }

  trade(t: FeedTrade): void {
    const cell = t.instrumentId * this.#venues + t.venueId - 1
    const r = this.#readings[cell]!
    const previous = this.#lastTradePrice[cell]!
    if (previous > 0) {
      r.tradeReturnBps = logReturnBps(previous, t.priceTicks)
      const squares = this.#returnsSquared[cell]!
      squares.push(r.tradeReturnBps * r.tradeReturnBps)
      r.realizedVolBps = Math.sqrt(squares.sum / squares.count)
    }
    this.#lastTradePrice[cell] = t.priceTicks
    this.#signedSize[cell]!.push(t.aggressor === Side.Buy ? t.sizeLots : -t.sizeLots)
    this.#size[cell]!.push(t.sizeLots)
    const total = this.#size[cell]!.sum
    r.tradeImbalance = total > 0 ? this.#signedSize[cell]!.sum / total : 0
    r.trades++
    this.downstream?.trade(t)
  }

  quote(q: FeedQuote): void {
    const cell = q.instrumentId * this.#venues + q.venueId - 1
    const r = this.#readings[cell]!
    const p = cell * QUOTE_FIELDS
    const prev = this.#previousQuote
    if (r.quotes > 0) {
      r.midReturnBps = logReturnBps((prev[p]! + prev[p + 2]!) / 2, (q.bidPriceTicks + q.askPriceTicks) / 2)
      r.orderFlowImbalance = orderFlowImbalance(prev[p]!, prev[p + 1]!, prev[p + 2]!, prev[p + 3]!, q.bidPriceTicks, q.bidSizeLots, q.askPriceTicks, q.askSizeLots)
    }
    r.spreadBps = spreadBps(q.bidPriceTicks, q.askPriceTicks)
    r.depthImbalance = depthImbalance(q.bidSizeLots, q.askSizeLots)
    prev[p] = q.bidPriceTicks
    prev[p + 1] = q.bidSizeLots
    prev[p + 2] = q.askPriceTicks
    prev[p + 3] = q.askSizeLots
    r.quotes++
    this.downstream?.quote(q)
  }

  bookSnapshot(s: FeedBookSnapshot): void {
    this.downstream?.bookSnapshot(s)
  }

  bookDelta(d: FeedBookDelta): void {
    this.downstream?.bookDelta(d)
  }

  sentiment(s: FeedSentiment): void {
    this.downstream?.sentiment(s)
  }

  reject(reason: FeedRejectReason, detail: Readonly<Record<string, unknown>>): void {
    this.downstream?.reject(reason, detail)
  }

  ready(): Promise<void> | undefined {
    return this.downstream?.ready?.()
  }
}
