import { Ewma } from '../../market/ewma.js'
import { depthImbalance, orderFlowImbalance, spreadBps } from '../../market/order-flow.js'
import { classifyRegime, type Regime } from '../../market/regime.js'
import { RollingRobustZ } from '../../market/robust-zscore.js'
import { TopOfBook } from '../../market/top-of-book.js'
import { Side } from '../../schemas/index.js'

export interface InstrumentConditions {
  instrumentId: number
  regime: Regime
  orderFlowImbalance: number
  depthImbalance: number
  tradeSignImbalance: number
  realizedVolBps: number
  spreadBps: number
  trendScore: number
  /** Quote updates the regime rests on. */
  updates: number
  /** Robust z-scores of the last closed cycle's measures. */
  returnZ: number
  spreadZ: number
  volumeZ: number
  updateRateZ: number
  /** Bits of `ANOMALY` set for each |z| at or beyond the threshold. */
  anomalies: number
  /** The largest |z|: 0 for normal, higher is stranger. */
  anomalyScore: number
}

/** The bits of `InstrumentConditions.anomalies`, as the board documents them. */
export const ANOMALY = Object.freeze({ return: 1, spread: 2, volume: 4, updateRate: 8 })

export interface ConditionsOptions {
  /** EWMA weight of the newest quote. */
  alpha: number
  /** Cycles of history the robust z-scores compare against. */
  anomalyWindow: number
  /** |z| from which a measure counts as anomalous. */
  anomalyThreshold: number
}

export const DEFAULT_CONDITIONS_OPTIONS: ConditionsOptions = Object.freeze({ alpha: 0.05, anomalyWindow: 64, anomalyThreshold: 4 })

/**
 * The smallest move in each measure that counts as one standard deviation:
 * return and spread 0.5 bps, volume one lot, update rate one update. Below
 * these, differences are rounding, not news.
 */
const MIN_SCALES = [0.5, 0.5, 1, 1]

/** Per instrument, what one cycle saw: reset when the cycle closes. */
class CycleTally {
  buyLots = 0
  sellLots = 0
  updates = 0
}

/**
 * Supply and demand per instrument, as the top of book and the tape show
 * them: order-flow, depth and trade-sign imbalance, realized volatility and
 * spread (EWMA per quote), robust z-scores of each cycle's return, spread,
 * volume and update rate against recent cycles (the anomalies), and the
 * regime the evidence points to. Pure logic: fed quotes and trades, closed
 * once per cycle, asked for conditions.
 */
export class ConditionsTracker {
  readonly book: TopOfBook
  readonly options: ConditionsOptions
  readonly #returns: Ewma[]
  readonly #spread: Ewma[]
  readonly #flow: Ewma[]
  readonly #tradeSign: Ewma[]
  readonly #lastMid: Float64Array
  readonly #cycleMid: Float64Array
  readonly #prev: Float64Array // per instrument: bid, bidSize, ask, askSize of the consolidated best
  readonly #tally: CycleTally[]
  readonly #z: RollingRobustZ[][] // per instrument: return, spread, volume, update rate
  readonly #lastZ: Float64Array // per instrument × 4

  constructor(instruments: number, venues: number, options: ConditionsOptions = DEFAULT_CONDITIONS_OPTIONS) {
    this.options = options
    this.book = new TopOfBook(instruments, venues)
    const ewmas = (): Ewma[] => Array.from({ length: instruments }, () => new Ewma(options.alpha))
    this.#returns = ewmas()
    this.#spread = ewmas()
    this.#flow = ewmas()
    this.#tradeSign = ewmas()
    this.#lastMid = new Float64Array(instruments).fill(NaN)
    this.#cycleMid = new Float64Array(instruments).fill(NaN)
    this.#prev = new Float64Array(instruments * 4).fill(NaN)
    this.#tally = Array.from({ length: instruments }, () => new CycleTally())
    this.#z = Array.from({ length: instruments }, () => MIN_SCALES.map((floor) => new RollingRobustZ(options.anomalyWindow, floor)))
    this.#lastZ = new Float64Array(instruments * 4)
  }

  onQuote(instrument: number, venue: number, bid: number, bidSize: number, ask: number, askSize: number, tsNs: number): boolean {
    if (!this.book.update(instrument, venue, bid, bidSize, ask, askSize, tsNs)) return false
    this.#tally[instrument]!.updates++
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
      this.#returns[instrument]!.update(Math.log(mid / lastMid) * 10_000)
    }
    this.#lastMid[instrument] = mid
    if (bestAsk > bestBid) this.#spread[instrument]!.update(spreadBps(bestBid, bestAsk))
    return true
  }

  /** A print on the tape; false for an instrument outside the universe. */
  onTrade(instrument: number, aggressor: Side, sizeLots: number): boolean {
    const tally = this.#tally[instrument]
    if (tally === undefined || !(sizeLots > 0)) return false
    if (aggressor === Side.Buy) tally.buyLots += sizeLots
    else tally.sellLots += sizeLots
    return true
  }

  /**
   * Ends a cycle for every instrument: scores the cycle's return (mid to
   * mid since the last close), spread, traded volume and quote updates
   * against the cycles before, and starts a new tally.
   */
  closeCycle(): void {
    for (let i = 0; i < this.#tally.length; i++) {
      const tally = this.#tally[i]!
      const mid = this.#lastMid[i]!
      const previous = this.#cycleMid[i]!
      const returnBps = mid > 0 && previous > 0 ? Math.log(mid / previous) * 10_000 : NaN
      const bid = this.book.bestBid(i)
      const ask = this.book.bestAsk(i)
      const spread = ask > bid ? spreadBps(bid, ask) : NaN
      const volume = tally.buyLots + tally.sellLots
      if (volume > 0) this.#tradeSign[i]!.update((tally.buyLots - tally.sellLots) / volume)
      const [rz, sz, vz, uz] = this.#z[i]!
      this.#lastZ[i * 4] = rz!.push(returnBps)
      this.#lastZ[i * 4 + 1] = sz!.push(spread)
      this.#lastZ[i * 4 + 2] = vz!.push(volume)
      this.#lastZ[i * 4 + 3] = uz!.push(tally.updates)
      if (mid > 0) this.#cycleMid[i] = mid
      tally.buyLots = 0
      tally.sellLots = 0
      tally.updates = 0
    }
  }

  conditions(instrument: number): InstrumentConditions {
    const returns = this.#returns[instrument]!
    const sizes = this.book.bestSizes(instrument)
    const vol = returns.stdev
    const spread = this.#spread[instrument]!.mean
    const trendScore = vol > 0 ? returns.mean / vol : 0
    const z = this.#lastZ.subarray(instrument * 4, instrument * 4 + 4)
    let anomalies = 0
    let anomalyScore = 0
    const bits = [ANOMALY.return, ANOMALY.spread, ANOMALY.volume, ANOMALY.updateRate]
    for (let k = 0; k < 4; k++) {
      const size = Math.abs(z[k]!)
      if (size >= this.options.anomalyThreshold) anomalies |= bits[k]!
      anomalyScore = Math.max(anomalyScore, size)
    }
    return {
      instrumentId: instrument,
      regime: classifyRegime({ updates: returns.count, spreadBps: spread, realizedVolBps: vol, trendScore }),
      orderFlowImbalance: this.#flow[instrument]!.mean,
      depthImbalance: depthImbalance(sizes.bid, sizes.ask),
      tradeSignImbalance: this.#tradeSign[instrument]!.mean,
      realizedVolBps: vol,
      spreadBps: spread,
      trendScore,
      updates: returns.count,
      returnZ: z[0]!,
      spreadZ: z[1]!,
      volumeZ: z[2]!,
      updateRateZ: z[3]!,
      anomalies,
      anomalyScore,
    }
  }
}
