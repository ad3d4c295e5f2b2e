import { WavesError } from '../../errors/index.js'
import { CHILD_FIELDS, PLAN_HEADER, VENUE_COST_FIELDS } from '../route-plan.js'

/**
 * The checks of a routing request, the twin of `native/src/router/validate.rs`:
 * the same checks in the same order with the same messages.
 */

const MAX_EXACT = Number.MAX_SAFE_INTEGER
/** Fees must stay strictly within ±100%, which keeps each venue's costs in book order. */
const MAX_FEE_BPS = 10_000
const EXACT = `must be a positive integer no greater than ${MAX_EXACT}`
const FEE_RANGE = `must be a finite number above -${MAX_FEE_BPS} and below ${MAX_FEE_BPS}`

const priceOf = (level: number, venue: number): string => `(priceTicks of level ${level}, venue ${venue})`

export function argumentError(fn: string, message: string): WavesError {
  return new WavesError('ERR_NATIVE_ARGUMENT', message, { function: fn })
}

function fail(message: string): never {
  throw argumentError('Router.route', message)
}

const isPositiveExact = (v: number): boolean => v >= 1 && v <= MAX_EXACT && Math.trunc(v) === v
const isFee = (v: number): boolean => v > -MAX_FEE_BPS && v < MAX_FEE_BPS

/** Whether two views share a byte; an empty view shares none (as in Rust). */
function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.byteLength > 0 &&
    b.byteLength > 0 &&
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  )
}

export function validateRoute(
  side: number,
  sizeLots: number,
  limitPriceTicks: number | undefined | null,
  levels: Float64Array,
  venueLevelEnds: Uint32Array,
  venueCosts: Float64Array,
  out: Float64Array,
): void {
  if (side !== 1 && side !== -1) fail(`side must be 1 (buy) or -1 (sell), got ${side}`)
  if (!isPositiveExact(sizeLots)) fail(`sizeLots ${EXACT}, got ${sizeLots}`)
  if (limitPriceTicks != null && !isPositiveExact(limitPriceTicks)) {
    fail(`limitPriceTicks ${EXACT} when given, got ${limitPriceTicks}`)
  }
  const venues = venueLevelEnds.length
  if (venueCosts.length !== venues * VENUE_COST_FIELDS) {
    fail(
      `venueCosts must hold [takerFeeBps, makerFeeBps, latencyMs] for each of ${venues} venues (${venues * VENUE_COST_FIELDS} numbers), got ${venueCosts.length}`,
    )
  }
  if (levels.length % 2 !== 0) fail(`levels must hold [priceTicks, sizeLots] pairs, got an odd length ${levels.length}`)
  const pairs = levels.length / 2
  let previousEnd = 0
  for (let venue = 0; venue < venues; venue++) {
    const end = venueLevelEnds[venue] as number
    if (end < previousEnd) fail(`venueLevelEnds[${venue}] must not be below the previous end ${previousEnd}, got ${end}`)
    previousEnd = end
  }
  if (previousEnd !== pairs) {
    fail(`venueLevelEnds must end at the ${pairs} level pairs of levels, got a last end of ${previousEnd}`)
  }
  const needed = PLAN_HEADER + CHILD_FIELDS * venues
  if (out.length < needed) fail(`out must hold at least ${needed} numbers for this many venues, got ${out.length}`)
  if (overlaps(out, levels)) fail('out must not share memory with levels')
  if (overlaps(out, venueLevelEnds)) fail('out must not share memory with venueLevelEnds')
  if (overlaps(out, venueCosts)) fail('out must not share memory with venueCosts')

  let start = 0
  for (let venue = 0; venue < venues; venue++) {
    const at = venue * VENUE_COST_FIELDS
    const taker = venueCosts[at] as number
    const maker = venueCosts[at + 1] as number
    const latency = venueCosts[at + 2] as number
    if (!isFee(taker)) fail(`venueCosts[${at}] (takerFeeBps of venue ${venue}) ${FEE_RANGE}, got ${taker}`)
    if (!isFee(maker)) fail(`venueCosts[${at + 1}] (makerFeeBps of venue ${venue}) ${FEE_RANGE}, got ${maker}`)
    if (!(Number.isFinite(latency) && latency >= 0)) {
      fail(`venueCosts[${at + 2}] (latencyMs of venue ${venue}) must be a finite number of at least 0, got ${latency}`)
    }
    const end = venueLevelEnds[venue] as number
    // The first level has nothing to be above or below.
    let previous = side > 0 ? -Infinity : Infinity
    for (let level = start; level < end; level++) {
      const price = levels[2 * level] as number
      const size = levels[2 * level + 1] as number
      // Messages are built only on the way out: nothing is allocated per level.
      if (!isPositiveExact(price)) fail(`levels[${2 * level}] ${priceOf(level, venue)} ${EXACT}, got ${price}`)
      if (!isPositiveExact(size)) {
        fail(`levels[${2 * level + 1}] (sizeLots of level ${level}, venue ${venue}) ${EXACT}, got ${size}`)
      }
      if (side * price <= side * previous) {
        const direction = side > 0 ? 'above' : 'below'
        fail(`levels[${2 * level}] ${priceOf(level, venue)} must be ${direction} the previous level's ${previous}, got ${price}`)
      }
      previous = price
    }
    start = end
  }
}

