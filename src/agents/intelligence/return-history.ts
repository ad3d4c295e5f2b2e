/**
 * The last `window` one-cycle log returns of each instrument, sampled from
 * its mid once per cycle, kept in place (a circular buffer per instrument)
 * and handed out in time order, aligned across instruments.
 */
export class ReturnHistory {
  readonly window: number
  readonly #returns: Float64Array[]
  readonly #lastMid: Float64Array
  #count = 0
  #next = 0

  constructor(instruments: number, window: number) {
    this.window = window
    this.#returns = Array.from({ length: instruments }, () => new Float64Array(window))
    this.#lastMid = new Float64Array(instruments).fill(NaN)
  }

  /** Samples every instrument's mid; a return is recorded once all have a previous mid. */
  sample(mids: ArrayLike<number>): void {
    let complete = true
    for (let i = 0; i < this.#lastMid.length; i++) if (!(mids[i]! > 0 && this.#lastMid[i]! > 0)) complete = false
    if (complete) {
      for (let i = 0; i < this.#lastMid.length; i++) this.#returns[i]![this.#next] = Math.log(mids[i]! / this.#lastMid[i]!)
      this.#next = (this.#next + 1) % this.window
      this.#count = Math.min(this.window, this.#count + 1)
    }
    for (let i = 0; i < this.#lastMid.length; i++) if (mids[i]! > 0) this.#lastMid[i] = mids[i]!
  }

  get length(): number {
    return this.#count
  }

  /** Copies of the returns, oldest first, one array per instrument. */
  series(): Float64Array[] {
    return this.#returns.map((r) => {
      const out = new Float64Array(this.#count)
      const start = (this.#next - this.#count + this.window) % this.window
      for (let k = 0; k < this.#count; k++) out[k] = r[(start + k) % this.window]!
      return out
    })
  }
}
