import { Ewma } from '../../market/ewma.js'
import { depthImbalance, orderFlowImbalance, spreadBps } from '../../market/order-flow.js'
import { classifyRegime, type Regime } from '../../market/regime.js'
import { TopOfBook } from '../../market/top-of-book.js'

export interface InstrumentConditions {
  instrumentId: number
  regime: Regime
  orderFlowImbalance: number
  depthImbalance: number
  realizedVolBps: number
  spreadBps: number
  /** Robust z-score of the latest mid return against its EWMA: how unusual the last move was. */
  anomalyScore: number
  updates: number
}

const ALPHA = 0.05

/**
 * Supply and demand as the top of book shows them, per instrument:
 * order-flow and depth imbalance, realized volatility and spread (EWMA), an
 * anomaly score for the latest move, and the regime they point to. Pure
 * logic: fed quotes, asked for conditions.
 */
export class ConditionsTracker {
  readonly book: TopOfBook
  readonly #returns: Ewma[]
  readonly #spread: Ewma[]
  readonly #flow: Ewma[]
  readonly #lastMid: Float64Array
  readonly #lastReturnBps: Float64Array
  readonly #prev: Float64Array // per instrument: bid, bidSize, ask, askSize of the consolidated best

  constructor(instruments: number, venues: number) {
    this.book = new TopOfBook(instruments, venues)
    this.#returns = Array.from({ length: instruments }, () => new Ewma(ALPHA))
    this.#spread = Array.from({ length: instruments }, () => new Ewma(ALPHA))
    this.#flow = Array.from({ length: instruments }, () => new Ewma(ALPHA))
    this.#lastMid = new Float64Array(instruments).fill(NaN)
    this.#lastReturnBps = new Float64Array(instruments)
    this.#prev = new Float64Array(instruments * 4).fill(NaN)
  }

  onQuote(instrument: number, venue: number, bid: number, bidSize: number, ask: number, askSize: number, tsNs: number): boolean {
    if (!this.book.update(instrument, venue, bid, bidSize, ask, askSize, tsNs)) return false
    const bestBid = this.book.bestBid(instrument)
    const bestAsk = this.book.bestAsk(instrument)
    const sizes = this.book.bestSizes(instrument)
    const p = instrument * 4
    if (!Number.isNaN(this.#prev[p]!)) {
      this.#flow[instrument]!.update(orderFlowImbalance(this.#prev[p]!, this.#prev[p + 1]!, this.#prev[p + 2]!, this.#prev[p + 3]!, bestBid, sizes.bid, bestAsk, sizes.ask))
    }
    this.#prev[p] = bestBid
    this.#prev[p + 1] = sizes.bid
    this.#prev[p + 2] = bestAsk
    this.#prev[p + 3] = sizes.ask
    const mid = (bestBid + bestAsk) / 2
    const lastMid = this.#lastMid[instrument]!
    if (!Number.isNaN(lastMid) && mid > 0 && lastMid > 0 && mid !== lastMid) {
      const returnBps = Math.log(mid / lastMid) * 10_000
      this.#lastReturnBps[instrument] = returnBps
      this.#returns[instrument]!.update(returnBps)
    }
    this.#lastMid[instrument] = mid
    if (bestAsk > bestBid) this.#spread[instrument]!.update(spreadBps(bestBid, bestAsk))
    return true
  }

  conditions(instrument: number): InstrumentConditions {
    const returns = this.#returns[instrument]!
    const sizes = this.book.bestSizes(instrument)
    const vol = returns.stdev
    const spread = this.#spread[instrument]!.mean
    const anomaly = vol > 0 ? Math.abs(this.#lastReturnBps[instrument]! - returns.mean) / vol : 0
    return {
      instrumentId: instrument,
      regime: classifyRegime({ updates: returns.count, spreadBps: spread, realizedVolBps: vol, trendScore: vol > 0 ? returns.mean / vol : 0 }),
      orderFlowImbalance: this.#flow[instrument]!.mean,
      depthImbalance: depthImbalance(sizes.bid, sizes.ask),
      realizedVolBps: vol,
      spreadBps: spread,
      anomalyScore: anomaly,
      updates: returns.count,
    }
  }
}
