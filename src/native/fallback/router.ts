import { CHILD_FIELDS, PLAN_HEADER, VENUE_COST_FIELDS } from '../route-plan.js'
import type { Router, RouterOptions } from '../types.js'
import { TicketField, type RouteTicket } from '../route-ticket.js'
import { argumentError, checkTicket, validateRoute } from './router-validation.js'

/**
 * The TypeScript twin of `native/src/router/mod.rs`: the same greedy fill in
 * ascending cost per lot as a k-way merge in runs (the cheapest venue's
 * levels taken for as long as they stay ahead of the runner-up, the run's
 * end found by a galloping search), the same checks in the same order with
 * the same messages, and the same double operations in the same order, so
 * it writes the plan the addon writes, bit for bit. Change both together;
 * the cost model, the tie-breaking and the exact sums are documented there.
 */

const BASIS_POINTS = 10_000

/** Where an unfilled remainder would rest: lowest maker fee, then latency, then venue index. */
function restingVenue(a: Float64Array, costsAt: number, venues: number): number {
  let best = -1
  let bestFee = Infinity
  let bestLatency = Infinity
  for (let v = 0; v < venues; v++) {
    const fee = a[costsAt + v * VENUE_COST_FIELDS + 1] as number
    const latency = a[costsAt + v * VENUE_COST_FIELDS + 2] as number
    if (fee < bestFee || (fee === bestFee && latency < bestLatency)) {
      best = v
      bestFee = fee
      bestLatency = latency
    }
  }
  return best
}

/** 2^53: below it, integer sums and products of doubles are exact. */
const EXACT_BELOW = 2 ** 53

/**
 * Σ price × lots over a venue's levels `from..to` (whole) and `lastTake`
 * lots of level `to`, rounded once. Doubles give the exact sum when every
 * product and partial sum is an integer below 2^53, which `bound` (the
 * largest price taken × the lots) vouches for; past it, BigInt does.
 */
function notionalOf(a: Float64Array, levelsAt: number, from: number, to: number, lastTake: number, bound: number): number {
  const price = (l: number): number => a[levelsAt + 2 * l] as number
  const size = (l: number): number => a[levelsAt + 2 * l + 1] as number
  if (bound < EXACT_BELOW) {
    let sum = 0
    for (let l = from; l < to; l++) sum += price(l) * size(l)
    return lastTake > 0 ? sum + price(to) * lastTake : sum
  }
  let sum = 0n
  for (let l = from; l < to; l++) sum += BigInt(price(l)) * BigInt(size(l))
  if (lastTake > 0) sum += BigInt(price(to)) * BigInt(lastTake)
  return Number(sum)
}

export class FallbackRouter implements Router {
  readonly adverseTicksPerMs: number
  // Scratch reused across decisions, grown when a decision has more venues.
  #cost = new Float64Array(0)
  // Per venue, `1 + side * takerFeeBps / 10_000` and `adverse * latency`:
  // the two halves of the cost model, computed once a decision.
  #feeFactor = new Float64Array(0)
  #penalty = new Float64Array(0)
  // Per venue, its next level not taken whole (the partly taken one when
  // `lastTake` is not 0), and its lots taken.
  #next = new Uint32Array(0)
  #lastTake = new Float64Array(0)
  #filled = new Float64Array(0)
  // The ticket's venue ends as integers, grown to the largest venue capacity seen.
  #ends = new Uint32Array(0)

  constructor(options: RouterOptions) {
    const adverse = options.adverseTicksPerMs
    if (!(Number.isFinite(adverse) && adverse >= 0)) {
      throw argumentError('Router', `adverseTicksPerMs must be a finite number of at least 0, got ${adverse}`)
    }
    this.adverseTicksPerMs = adverse
  }

  route(ticket: RouteTicket): number {
    const a = ticket.array
    a[TicketField.AdverseTicksPerMs] = this.adverseTicksPerMs
    const venueCapacity = a[TicketField.VenueCapacity] as number
    if (this.#ends.length < venueCapacity && Number.isInteger(venueCapacity) && venueCapacity <= a.length) this.#ends = new Uint32Array(venueCapacity)
    const t = checkTicket(a, this.#ends)
    const side = a[TicketField.Side] as number
    const sizeLots = a[TicketField.SizeLots] as number
    const limitPriceTicks = t.limitPriceTicks
    const ends = this.#ends
    validateRoute(side, sizeLots, limitPriceTicks, a, t, ends)
    const venues = t.venues
    const L = t.levelsAt
    const C = t.costsAt
    const P = t.planAt
    this.#reserve(venues)
    const cost = this.#cost
    const feeFactor = this.#feeFactor
    const penalty = this.#penalty
    const next = this.#next
    const lastTake = this.#lastTake
    const filled = this.#filled
    // Outside the limit: a buy above it, a sell below it (exact: a negation).
    const beyond = limitPriceTicks === undefined ? Infinity : side * limitPriceTicks
    const adverse = this.adverseTicksPerMs

    let start = 0
    for (let v = 0; v < venues; v++) {
      const end = ends[v] as number
      feeFactor[v] = 1 + side * (a[C + v * VENUE_COST_FIELDS] as number) / BASIS_POINTS
      penalty[v] = adverse * (a[C + v * VENUE_COST_FIELDS + 2] as number)
      next[v] = start
      lastTake[v] = 0
      filled[v] = 0
      cost[v] = Infinity
      if (start < end && side * (a[L + 2 * start] as number) <= beyond) {
        cost[v] = side * ((a[L + 2 * start] as number) * (feeFactor[v] as number)) + (penalty[v] as number)
      }
      start = end
    }

    let remaining = sizeLots
    while (remaining > 0) {
      // The cheapest venue and the runner-up, each tie to the lower index.
      let best = -1
      let bestCost = Infinity
      let second = -1
      let secondCost = Infinity
      for (let u = 0; u < venues; u++) {
        const c = cost[u] as number
        if (c < bestCost) {
          second = best
          secondCost = bestCost
          best = u
          bestCost = c
        } else if (c < secondCost) {
          second = u
          secondCost = c
        }
      }
      if (best < 0) break // every venue is exhausted or beyond the limit
      const v = best
      const ff = feeFactor[v] as number
      const pen = penalty[v] as number
      const end = ends[v] as number
      // -1 stands for "none" as usize::MAX does there: no index is above it.
      const secondIndex = second < 0 ? Infinity : second
      const staysAhead = (level: number): boolean => {
        const price = a[L + 2 * level] as number
        const c = side * (price * ff) + pen
        return side * price <= beyond && (c < secondCost || (c === secondCost && v < secondIndex))
      }
      const from = next[v] as number
      const runEnd = firstFailing(from + 1, end, staysAhead)

      const before = remaining
      let level = from
      while (level < runEnd) {
        const size = a[L + 2 * level + 1] as number
        if (size >= remaining) {
          lastTake[v] = remaining
          remaining = 0
          break
        }
        remaining -= size
        level += 1
      }
      filled[v] = (filled[v] as number) + (before - remaining)
      next[v] = level
      cost[v] = level < end && side * (a[L + 2 * level] as number) <= beyond ? side * ((a[L + 2 * level] as number) * ff) + pen : Infinity
    }

    a[P] = sizeLots - remaining
    a[P + 1] = remaining
    a[P + 2] = limitPriceTicks !== undefined && remaining > 0 ? restingVenue(a, C, venues) : -1
    let children = 0
    start = 0
    for (let v = 0; v < venues; v++) {
      const first = start
      start = ends[v] as number
      const lots = filled[v] as number
      if (lots === 0) continue
      const nextLevel = next[v] as number
      const last = lastTake[v] as number
      // The worst level taken: the partly taken one, else the last whole one.
      const worst = a[L + 2 * (last > 0 ? nextLevel : nextLevel - 1)] as number
      const bound = Math.max(a[L + 2 * first] as number, worst) * lots
      const notional = notionalOf(a, L, first, nextLevel, last, bound)
      const at = P + PLAN_HEADER + children * CHILD_FIELDS
      a[at] = v
      a[at + 1] = worst
      a[at + 2] = lots
      a[at + 3] = notional / lots
      a[at + 4] = notional * (a[C + v * VENUE_COST_FIELDS] as number) / BASIS_POINTS
      children += 1
    }
    return children
  }

  #reserve(venues: number): void {
    if (this.#cost.length >= venues) return
    this.#cost = new Float64Array(venues)
    this.#feeFactor = new Float64Array(venues)
    this.#penalty = new Float64Array(venues)
    this.#next = new Uint32Array(venues)
    this.#lastTake = new Float64Array(venues)
    this.#filled = new Float64Array(venues)
  }
}

/**
 * The first level in `from..end` failing `holds`, or `end`, for a test that
 * holds up to some level and fails from there on: the last level first (a
 * run is usually a venue's whole side), then galloping and bisecting.
 */
function firstFailing(from: number, end: number, holds: (level: number) => boolean): number {
  if (from >= end || holds(end - 1)) return end
  // `end - 1` fails: the search is within `from..end - 1`.
  const last = end - 1
  let lo = from
  let step = 1
  let hi = last
  for (;;) {
    const probe = lo + step - 1
    if (probe >= last) break
    if (!holds(probe)) {
      hi = probe
      break
    }
    lo = probe + 1
    step *= 2
  }
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1)
    if (holds(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}
