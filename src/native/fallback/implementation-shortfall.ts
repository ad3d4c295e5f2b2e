import { WavesError } from '../../errors/index.js'

/**
 * The TypeScript twin of `native/src/slippage.rs`: same checks in the same
 * order, same messages, same double operations, so that it returns what the
 * addon returns bit for bit. Change both together.
 *
 * Exactness: every price and size must be a safe integer in 1..2^53 - 1.
 * The notional `Σ price × size` is summed in doubles and rejected once it
 * passes 2^53 - 1: while the true value stays within that bound each product
 * and sum is an exact integer, and once it passes the bound the rounded
 * value is at least 2^53, so the check fires at the same fill as the Rust
 * side's checked integer sum. Every price is at least 1, so the total size is
 * at most the notional and exact too. From the two exact integers on, both
 * sides apply the same IEEE-754 operations in the same order.
 */

const MAX_EXACT = Number.MAX_SAFE_INTEGER
const BASIS_POINTS = 10_000

function argumentError(message: string): WavesError {
  return new WavesError('ERR_NATIVE_ARGUMENT', message, { function: 'implementationShortfallBps' })
}

// `${x}` is ECMAScript's Number::toString, which the Rust side reproduces.
function notPositiveExact(what: string, value: number): WavesError {
  return argumentError(`${what} must be a positive integer no greater than ${MAX_EXACT}, got ${value}`)
}

export function implementationShortfallBps(side: number, arrivalPriceTicks: number, fills: Float64Array): number {
  if (side !== 1 && side !== -1) {
    throw argumentError(`side must be 1 (buy) or -1 (sell), got ${side}`)
  }
  if (!(Number.isSafeInteger(arrivalPriceTicks) && arrivalPriceTicks > 0)) {
    throw notPositiveExact('arrivalPriceTicks', arrivalPriceTicks)
  }
  const length = fills.length
  if (length === 0) {
    throw argumentError('fills must hold at least one [priceTicks, qtyLots] pair, got none')
  }
  if (length % 2 !== 0) {
    throw argumentError(`fills must hold [priceTicks, qtyLots] pairs, got an odd length ${length}`)
  }

  let notional = 0
  let size = 0
  for (let i = 0; i < length; i += 2) {
    const fill = i / 2
    const price = fills[i] as number
    const qty = fills[i + 1] as number
    if (!(Number.isSafeInteger(price) && price > 0)) {
      throw notPositiveExact(`fills[${i}] (priceTicks of fill ${fill})`, price)
    }
    if (!(Number.isSafeInteger(qty) && qty > 0)) {
      throw notPositiveExact(`fills[${i + 1}] (qtyLots of fill ${fill})`, qty)
    }
    notional += price * qty
    if (notional > MAX_EXACT) {
      throw argumentError(
        `fills notional (sum of priceTicks * qtyLots) exceeds ${MAX_EXACT} at fill ${fill}, beyond exact arithmetic`,
      )
    }
    size += qty
  }

  const vwap = notional / size
  const bps = side * (vwap - arrivalPriceTicks) / arrivalPriceTicks * BASIS_POINTS
  // A sell filled exactly at arrival gives -0; adding 0 makes it +0, as in Rust.
  return bps + 0
}
