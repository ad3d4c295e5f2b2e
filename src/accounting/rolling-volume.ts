import { formatDecimal, parseDecimal, type ScaledDecimal } from '../market/decimal.js'
import { addAmounts, ZERO_AMOUNT } from './amount.js'

const NS_PER_DAY = 86_400e9

/**
 * Traded volume over the last `windowDays` whole UTC days, exact: what a
 * venue's fee tier is decided by. A fill counts from its day until
 * `windowDays` days later; a venue that re-evaluates once a day (after
 * 00:00 UTC) and one that re-evaluates after every trade both read it with
 * the time they decide at.
 */
export class RollingVolume {
  readonly windowDays: number
  readonly #byDay = new Map<number, ScaledDecimal>()

  constructor(windowDays = 30) {
    this.windowDays = windowDays
  }

  /** Counts `notional` (price × size, in the quote) on the UTC day of `tsNs`. */
  add(tsNs: number, notional: ScaledDecimal): void {
    const day = Math.floor(tsNs / NS_PER_DAY)
    this.#byDay.set(day, addAmounts(this.#byDay.get(day) ?? ZERO_AMOUNT, notional))
    for (const old of this.#byDay.keys()) if (old <= day - this.windowDays) this.#byDay.delete(old)
  }

  /** Each day's volume, `[UTC day number, decimal text]`, for a snapshot. */
  toSnapshot(): Array<[number, string]> {
    return [...this.#byDay].map(([day, volume]) => [day, formatDecimal(volume.units, volume.scale)])
  }

  /** Adds a snapshot's days back (each day's volume to what it holds already). */
  restore(days: ReadonlyArray<readonly [number, string]>): void {
    for (const [day, volume] of days) this.#byDay.set(day, addAmounts(this.#byDay.get(day) ?? ZERO_AMOUNT, parseDecimal(volume)))
  }

  /** Σ volume of the days in (today − windowDays, today], today being the UTC day of `nowNs`. */
  total(nowNs: number): ScaledDecimal {
    const today = Math.floor(nowNs / NS_PER_DAY)
    let sum = ZERO_AMOUNT
    for (const [day, volume] of this.#byDay) if (day > today - this.windowDays && day <= today) sum = addAmounts(sum, volume)
    return sum
  }
}
