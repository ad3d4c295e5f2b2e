import { formatDecimal, unitsAtScale, type ScaledDecimal } from '../market/decimal.js'

/**
 * Sums and presentation of exact amounts (`ScaledDecimal`). Amounts of one
 * currency arrive at different scales (a BTC position's tick × lot is 10^-7,
 * an ETH one's 10^-6, fees 10^-8), so a sum is taken at the larger scale and
 * stays exact; rounding happens once, when an amount is shown.
 */

export const ZERO_AMOUNT: ScaledDecimal = Object.freeze({ units: 0n, scale: 0 })

export function addAmounts(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  const scale = Math.max(a.scale, b.scale)
  return { units: unitsAtScale(a, scale)! + unitsAtScale(b, scale)!, scale }
}

export function subtractAmounts(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  return addAmounts(a, { units: -b.units, scale: b.scale })
}

/** True when the two amounts are the same number, whatever their scales. */
export function amountsEqual(a: ScaledDecimal, b: ScaledDecimal): boolean {
  return subtractAmounts(a, b).units === 0n
}

/**
 * a / b rounded to the nearest integer, ties to the even one (banker's
 * rounding), for b > 0: unbiased, so rounding many amounts does not drift
 * one way.
 */
export function divideHalfEven(a: bigint, b: bigint): bigint {
  const q = a / b
  const r = a % b
  const twice = (r < 0n ? -r : r) * 2n
  if (twice > b || (twice === b && q % 2n !== 0n)) return a < 0n ? q - 1n : q + 1n
  return q
}

/** The units of `amount` at `scale`, rounded half-even when that drops digits. */
export function unitsHalfEven(amount: ScaledDecimal, scale: number): bigint {
  if (scale >= amount.scale) return amount.units * 10n ** BigInt(scale - amount.scale)
  return divideHalfEven(amount.units, 10n ** BigInt(amount.scale - scale))
}

/** Decimal text of `amount` with exactly `decimals` fraction digits, rounded half-even: how the ledger shows money. */
export function formatAmount(amount: ScaledDecimal, decimals: number): string {
  return formatDecimal(unitsHalfEven(amount, decimals), decimals)
}

/** Decimal text of `amount` with no rounding at all: every digit it has. */
export function formatAmountExact(amount: ScaledDecimal): string {
  return formatDecimal(amount.units, amount.scale)
}
