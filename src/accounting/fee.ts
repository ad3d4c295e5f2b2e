import { WavesError } from '../errors/index.js'
import { parseDecimal, type ScaledDecimal } from '../market/decimal.js'

/**
 * The fee of one fill, exactly, in the quote currency's smallest unit
 * (10^-quoteDecimals): `notional × bps / 10_000`, rounded toward +∞.
 *
 * Rounding toward +∞ means a charged fee is never understated and a rebate
 * (negative bps, as some venues pay makers) is never overstated, so the books
 * never look better than the venue's statement. `bps` may be fractional
 * (7.5, 2.25): it is read through its shortest decimal text, so 7.5 is
 * exactly 75/10 and no binary rounding reaches the fee.
 *
 * # Errors
 * `ERR_FEE_INPUT` when `bps` is not finite or `quoteDecimals` is not a
 * non-negative integer.
 */
export function feeQuoteUnits(notional: ScaledDecimal, bps: number, quoteDecimals: number): bigint {
  if (!Number.isFinite(bps)) {
    throw new WavesError('ERR_FEE_INPUT', `fee rate must be a finite number of basis points, got ${bps}`, { bps })
  }
  if (!Number.isInteger(quoteDecimals) || quoteDecimals < 0) {
    throw new WavesError('ERR_FEE_INPUT', `quote decimals must be a non-negative integer, got ${quoteDecimals}`, { quoteDecimals })
  }
  const rate = rateOf(bps)
  // notional.units × 10^-notional.scale × rate.units × 10^-rate.scale × 10^-4,
  // expressed in units of 10^-quoteDecimals.
  const product = notional.units * rate.units
  const shift = quoteDecimals - notional.scale - rate.scale - 4
  if (shift >= 0) return product * 10n ** BigInt(shift)
  return ceilDiv(product, 10n ** BigInt(-shift))
}

// A venue charges a handful of rates; reading each one's text once keeps the
// per-fill cost to a few bigint operations.
const RATE_CACHE_LIMIT = 64
const rates = new Map<number, ScaledDecimal>()

function rateOf(bps: number): ScaledDecimal {
  let rate = rates.get(bps)
  if (rate === undefined) {
    if (rates.size >= RATE_CACHE_LIMIT) rates.clear()
    rate = parseDecimal(bps)
    rates.set(bps, rate)
  }
  return rate
}

/** ⌈a / b⌉ for b > 0: bigint division truncates toward zero, so only a positive remainder rounds up. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b > 0n ? q + 1n : q
}
