import { Ewma } from '../../market/ewma.js'
import { Side } from '../../schemas/index.js'

export interface IntentProposal {
  instrumentId: number
  side: Side
  priceTicks: number
  sizeLots: number
  /** How far the mid stood from its mean, in stdevs, when proposed. */
  zScore: number
}

export interface MeanReversionSettings {
  /** EWMA weight of the newest mid. */
  alpha: number
  /** |z| at which to lean against the move. */
  entryZ: number
  sizeLots: number
  /** Mid updates needed before the statistics are trusted. */
  warmup: number
}

export const DEFAULT_MEAN_REVERSION: MeanReversionSettings = Object.freeze({ alpha: 0.02, entryZ: 2, sizeLots: 1, warmup: 50 })

/**
 * The engine's first strategy: lean against a mid that has strayed more
 * than `entryZ` standard deviations from its EWMA, with an immediate-or-cancel
 * limit at the touch. Pure: fed mids and the touch, asked for proposals.
 */
export class MeanReversion {
  readonly settings: MeanReversionSettings
  readonly #stats: Ewma[]
  readonly #mid: Float64Array
  readonly #bid: Float64Array
  readonly #ask: Float64Array

  constructor(instruments: number, settings: MeanReversionSettings = DEFAULT_MEAN_REVERSION) {
    this.settings = settings
    this.#stats = Array.from({ length: instruments }, () => new Ewma(settings.alpha))
    this.#mid = new Float64Array(instruments).fill(NaN)
    this.#bid = new Float64Array(instruments).fill(NaN)
    this.#ask = new Float64Array(instruments).fill(NaN)
  }

  /** The consolidated touch of an instrument changed. */
  onTouch(instrument: number, bid: number, ask: number): void {
    if (instrument >= this.#mid.length || !(ask > bid)) return
    const mid = (bid + ask) / 2
    this.#bid[instrument] = bid
    this.#ask[instrument] = ask
    if (mid !== this.#mid[instrument]) this.#stats[instrument]!.update(mid)
    this.#mid[instrument] = mid
  }

  /** What to do now, at most one proposal per instrument. */
  propose(): IntentProposal[] {
    const out: IntentProposal[] = []
    for (let i = 0; i < this.#stats.length; i++) {
      const p = this.proposeFor(i)
      if (p !== undefined) out.push(p)
    }
    return out
  }

  /** What to do now about one instrument: the fast path asks after each tick. */
  proposeFor(i: number): IntentProposal | undefined {
    const stats = this.#stats[i]
    if (stats === undefined || stats.count < this.settings.warmup || !(stats.stdev > 0)) return undefined
    const z = (this.#mid[i]! - stats.mean) / stats.stdev
    if (z >= this.settings.entryZ) return { instrumentId: i, side: Side.Sell, priceTicks: this.#bid[i]!, sizeLots: this.settings.sizeLots, zScore: z }
    if (z <= -this.settings.entryZ) return { instrumentId: i, side: Side.Buy, priceTicks: this.#ask[i]!, sizeLots: this.settings.sizeLots, zScore: z }
    return undefined
  }
}
