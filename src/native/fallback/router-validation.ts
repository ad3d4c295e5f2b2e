import { WavesError } from '../../errors/index.js'
import { VENUE_COST_FIELDS } from '../route-plan.js'
import { TICKET_HEADER, TicketField, ticketLength } from '../route-ticket.js'

/**
 * The checks of a routing decision, the twin of `native/src/router/ticket.rs`
 * and `validate.rs`: the same checks in the same order with the same messages.
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

const isCount = (v: number, max: number): boolean => v >= 0 && v <= max && Math.trunc(v) === v
/** Largest capacity a ticket may declare, as on the Rust side. */
const MAX_CAPACITY = 16_777_216

/** Where a checked ticket's regions start, and what it asks. */
export interface TicketShape {
  venues: number
  /** Level pairs in use: the last venue's end. */
  pairs: number
  costsAt: number
  levelsAt: number
  planAt: number
  limitPriceTicks: number | undefined
}

/**
 * The route ticket's own shape, the twin of `native/src/router/ticket.rs`:
 * length, capacities, venue count, limit flag, then each venue's end, copied
 * into `ends` as integers (it must hold the ticket's venue capacity).
 */
export function checkTicket(a: Float64Array, ends: Uint32Array): TicketShape {
  // The addon keeps a ticket's address between decisions, which only a shared buffer guarantees; refused alike here.
  if (!(a.buffer instanceof SharedArrayBuffer)) fail('the route ticket must be a Float64Array over a SharedArrayBuffer')
  if (a.length < TICKET_HEADER) fail(`a route ticket must hold its 8-number header, got ${a.length} numbers`)
  const venueCapacity = a[TicketField.VenueCapacity] as number
  const pairCapacity = a[TicketField.PairCapacity] as number
  if (!isCount(venueCapacity, MAX_CAPACITY) || !isCount(pairCapacity, MAX_CAPACITY)) {
    fail(`a route ticket's capacities must be integers from 0 to ${MAX_CAPACITY}, got ${venueCapacity} venues and ${pairCapacity} level pairs`)
  }
  const needed = ticketLength(venueCapacity, pairCapacity)
  if (a.length !== needed) {
    fail(`a route ticket for ${venueCapacity} venues and ${pairCapacity} level pairs must hold ${needed} numbers, got ${a.length}`)
  }
  const venues = a[TicketField.Venues] as number
  if (!isCount(venues, venueCapacity)) {
    fail(`the route ticket's venue count must be an integer from 0 to its capacity ${venueCapacity}, got ${venues}`)
  }
  const hasLimit = a[TicketField.HasLimit] as number
  if (hasLimit !== 0 && hasLimit !== 1) fail(`the route ticket's limit flag must be 0 (market) or 1 (limit), got ${hasLimit}`)
  for (let venue = 0; venue < venues; venue++) {
    const end = a[TICKET_HEADER + venue] as number
    if (!isCount(end, pairCapacity)) {
      fail(`venueLevelEnds[${venue}] must be an integer from 0 to the ticket's ${pairCapacity} level pairs, got ${end}`)
    }
    ends[venue] = end
  }
  // Checked integers below 2^24: `| 0` keeps them small integers to V8, so
  // indexing with them needs no conversion from a double per access.
  const costsAt = (TICKET_HEADER + venueCapacity) | 0
  const levelsAt = (costsAt + VENUE_COST_FIELDS * venueCapacity) | 0
  return {
    venues: venues | 0,
    pairs: venues > 0 ? (ends[venues - 1] as number) : 0,
    costsAt,
    levelsAt,
    planAt: (levelsAt + 2 * pairCapacity) | 0,
    limitPriceTicks: hasLimit === 1 ? (a[TicketField.LimitPriceTicks] as number) : undefined,
  }
}

/**
 * The checks of the parent and the books, the twin of
 * `native/src/router/validate.rs` from the side on; the array shapes it also
 * checks there cannot go wrong in a ticket that passed `checkTicket`.
 */
export function validateRoute(
  side: number,
  sizeLots: number,
  limitPriceTicks: number | undefined,
  a: Float64Array,
  t: TicketShape,
  ends: Uint32Array,
): void {
  if (side !== 1 && side !== -1) fail(`side must be 1 (buy) or -1 (sell), got ${side}`)
  if (!isPositiveExact(sizeLots)) fail(`sizeLots ${EXACT}, got ${sizeLots}`)
  if (limitPriceTicks !== undefined && !isPositiveExact(limitPriceTicks)) {
    fail(`limitPriceTicks ${EXACT} when given, got ${limitPriceTicks}`)
  }
  const venues = t.venues
  let previousEnd = 0
  for (let venue = 0; venue < venues; venue++) {
    const end = ends[venue] as number
    if (end < previousEnd) fail(`venueLevelEnds[${venue}] must not be below the previous end ${previousEnd}, got ${end}`)
    previousEnd = end
  }

  const costsAt = t.costsAt
  const levelsAt = t.levelsAt
  let start = 0
  for (let venue = 0; venue < venues; venue++) {
    const at = venue * VENUE_COST_FIELDS
    const taker = a[costsAt + at] as number
    const maker = a[costsAt + at + 1] as number
    const latency = a[costsAt + at + 2] as number
    if (!isFee(taker)) fail(`venueCosts[${at}] (takerFeeBps of venue ${venue}) ${FEE_RANGE}, got ${taker}`)
    if (!isFee(maker)) fail(`venueCosts[${at + 1}] (makerFeeBps of venue ${venue}) ${FEE_RANGE}, got ${maker}`)
    if (!(Number.isFinite(latency) && latency >= 0)) {
      fail(`venueCosts[${at + 2}] (latencyMs of venue ${venue}) must be a finite number of at least 0, got ${latency}`)
    }
    const end = ends[venue] as number
    // The first level has nothing to be above or below.
    let previous = side > 0 ? -Infinity : Infinity
    for (let level = start; level < end; level++) {
      const price = a[levelsAt + 2 * level] as number
      const size = a[levelsAt + 2 * level + 1] as number
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
