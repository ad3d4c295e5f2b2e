/**
 * Best bid and offer per instrument and venue, and the consolidated best
 * across venues. Flat typed arrays indexed by instrument × venue: updating it
 * per quote allocates nothing.
 */
export class TopOfBook {
  readonly instruments: number
  readonly venues: number
  readonly #bid: Float64Array
  readonly #ask: Float64Array
  readonly #bidSize: Float64Array
  readonly #askSize: Float64Array
  readonly #tsNs: Float64Array

  constructor(instruments: number, venues: number) {
    this.instruments = instruments
    this.venues = venues
    const cells = instruments * venues
    this.#bid = new Float64Array(cells).fill(NaN)
    this.#ask = new Float64Array(cells).fill(NaN)
    this.#bidSize = new Float64Array(cells)
    this.#askSize = new Float64Array(cells)
    this.#tsNs = new Float64Array(cells)
  }

  /** Records a quote; venue ids start at 1. False for an instrument or venue outside the universe. */
  update(instrument: number, venue: number, bid: number, bidSize: number, ask: number, askSize: number, tsNs: number): boolean {
    if (instrument >= this.instruments || venue < 1 || venue > this.venues) return false
    const cell = instrument * this.venues + venue - 1
    this.#bid[cell] = bid
    this.#ask[cell] = ask
    this.#bidSize[cell] = bidSize
    this.#askSize[cell] = askSize
    this.#tsNs[cell] = tsNs
    return true
  }

  /** Highest bid across venues (NaN before any quote). */
  bestBid(instrument: number): number {
    let best = NaN
    for (let v = 0; v < this.venues; v++) {
      const bid = this.#bid[instrument * this.venues + v]!
      if (!(bid <= best)) best = Number.isNaN(bid) ? best : bid
    }
    return best
  }

  /** Lowest ask across venues (NaN before any quote). */
  bestAsk(instrument: number): number {
    let best = NaN
    for (let v = 0; v < this.venues; v++) {
      const ask = this.#ask[instrument * this.venues + v]!
      if (!(ask >= best)) best = Number.isNaN(ask) ? best : ask
    }
    return best
  }

  /** Size at the best bid and best ask, summed over the venues quoting them. */
  bestSizes(instrument: number): { bid: number; ask: number } {
    const bestBid = this.bestBid(instrument)
    const bestAsk = this.bestAsk(instrument)
    let bid = 0
    let ask = 0
    for (let v = 0; v < this.venues; v++) {
      const cell = instrument * this.venues + v
      if (this.#bid[cell] === bestBid) bid += this.#bidSize[cell]!
      if (this.#ask[cell] === bestAsk) ask += this.#askSize[cell]!
    }
    return { bid, ask }
  }

  mid(instrument: number): number {
    return (this.bestBid(instrument) + this.bestAsk(instrument)) / 2
  }

  /** Latest quote time of the instrument on any venue, ns (0 before any). */
  lastUpdateNs(instrument: number): number {
    let latest = 0
    for (let v = 0; v < this.venues; v++) latest = Math.max(latest, this.#tsNs[instrument * this.venues + v]!)
    return latest
  }
}
