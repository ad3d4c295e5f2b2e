import { CHILD_FIELDS, PLAN_HEADER, VENUE_COST_FIELDS } from '../route-plan.js'
import type { Router, RouterOptions } from '../types.js'
import { argumentError, validateRoute } from './router-validation.js'

/**
 * The TypeScript twin of `native/src/router/mod.rs`: the same greedy fill in
 * ascending cost per lot over a binary heap of the venues' next levels (a
 * k-way merge), the same checks in the same order with the same messages,
 * and the same double operations in the same order, so it writes the plan
 * the addon writes, bit for bit. Change both together; the cost model and
 * the tie-breaking are documented there.
 */

const BASIS_POINTS = 10_000

/** Where an unfilled remainder would rest: lowest maker fee, then latency, then venue index. */
function restingVenue(venueCosts: Float64Array): number {
  let best = -1
  let bestFee = Infinity
  let bestLatency = Infinity
  for (let v = 0, at = 0; at < venueCosts.length; v++, at += VENUE_COST_FIELDS) {
    const fee = venueCosts[at + 1] as number
    const latency = venueCosts[at + 2] as number
    if (fee < bestFee || (fee === bestFee && latency < bestLatency)) {
      best = v
      bestFee = fee
      bestLatency = latency
    }
  }
  return best
}

export class FallbackRouter implements Router {
  readonly adverseTicksPerMs: number
  // Scratch reused across decisions, grown when a decision has more venues.
  #heap = new Uint32Array(0)
  #heapLength = 0
  #cost = new Float64Array(0)
  // Per venue, `1 + side * takerFeeBps / 10_000` and `adverse * latency`:
  // the two halves of the cost model, computed once a decision.
  #feeFactor = new Float64Array(0)
  #penalty = new Float64Array(0)
  #next = new Uint32Array(0)
  #filledLots = new Float64Array(0)
  #notional = new Float64Array(0)
  #worstPrice = new Float64Array(0)

  constructor(options: RouterOptions) {
    const adverse = options.adverseTicksPerMs
    if (!(Number.isFinite(adverse) && adverse >= 0)) {
      throw argumentError('Router', `adverseTicksPerMs must be a finite number of at least 0, got ${adverse}`)
    }
    this.adverseTicksPerMs = adverse
  }

  route(
    side: number,
    sizeLots: number,
    limitPriceTicks: number | undefined | null,
    levels: Float64Array,
    venueLevelEnds: Uint32Array,
    venueCosts: Float64Array,
    out: Float64Array,
  ): number {
    validateRoute(side, sizeLots, limitPriceTicks, levels, venueLevelEnds, venueCosts, out)
    const venues = venueLevelEnds.length
    this.#reserve(venues)
    const cost = this.#cost
    const feeFactor = this.#feeFactor
    const penalty = this.#penalty
    const next = this.#next
    const filledLots = this.#filledLots
    const notional = this.#notional
    const worstPrice = this.#worstPrice
    // Outside the limit: a buy above it, a sell below it (exact: a negation).
    const beyond = limitPriceTicks == null ? Infinity : side * limitPriceTicks
    const adverse = this.adverseTicksPerMs

    this.#heapLength = 0
    let start = 0
    for (let v = 0; v < venues; v++) {
      const end = venueLevelEnds[v] as number
      feeFactor[v] = 1 + side * (venueCosts[v * VENUE_COST_FIELDS] as number) / BASIS_POINTS
      penalty[v] = adverse * (venueCosts[v * VENUE_COST_FIELDS + 2] as number)
      filledLots[v] = 0
      notional[v] = 0
      if (start < end && side * (levels[2 * start] as number) <= beyond) {
        next[v] = start
        cost[v] = side * ((levels[2 * start] as number) * (feeFactor[v] as number)) + (penalty[v] as number)
        this.#push(v)
      }
      start = end
    }

    let remaining = sizeLots
    while (remaining > 0 && this.#heapLength > 0) {
      const v = this.#heap[0] as number
      const level = next[v] as number
      const price = levels[2 * level] as number
      const size = levels[2 * level + 1] as number
      const take = size < remaining ? size : remaining
      remaining -= take
      filledLots[v] = (filledLots[v] as number) + take
      notional[v] = (notional[v] as number) + price * take
      worstPrice[v] = price
      const following = level + 1
      if (following < (venueLevelEnds[v] as number) && side * (levels[2 * following] as number) <= beyond) {
        next[v] = following
        cost[v] = side * ((levels[2 * following] as number) * (feeFactor[v] as number)) + (penalty[v] as number)
        this.#siftDown(0)
      } else {
        this.#pop()
      }
    }

    out[0] = sizeLots - remaining
    out[1] = remaining
    out[2] = limitPriceTicks != null && remaining > 0 ? restingVenue(venueCosts) : -1
    let children = 0
    for (let v = 0; v < venues; v++) {
      const lots = filledLots[v] as number
      if (lots === 0) continue
      const childNotional = notional[v] as number
      const at = PLAN_HEADER + children * CHILD_FIELDS
      out[at] = v
      out[at + 1] = worstPrice[v] as number
      out[at + 2] = lots
      out[at + 3] = childNotional / lots
      out[at + 4] = childNotional * (venueCosts[v * VENUE_COST_FIELDS] as number) / BASIS_POINTS
      children += 1
    }
    return children
  }

  #reserve(venues: number): void {
    if (this.#cost.length >= venues) return
    this.#heap = new Uint32Array(venues)
    this.#cost = new Float64Array(venues)
    this.#feeFactor = new Float64Array(venues)
    this.#penalty = new Float64Array(venues)
    this.#next = new Uint32Array(venues)
    this.#filledLots = new Float64Array(venues)
    this.#notional = new Float64Array(venues)
    this.#worstPrice = new Float64Array(venues)
  }

  /** Heap order: lower cost first, then lower venue index. */
  #before(a: number, b: number): boolean {
    const ca = this.#cost[a] as number
    const cb = this.#cost[b] as number
    return ca < cb || (ca === cb && a < b)
  }

  #push(venue: number): void {
    const heap = this.#heap
    let i = this.#heapLength++
    heap[i] = venue
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#before(heap[i] as number, heap[parent] as number)) break
      const swap = heap[i] as number
      heap[i] = heap[parent] as number
      heap[parent] = swap
      i = parent
    }
  }

  #pop(): void {
    const last = this.#heap[--this.#heapLength] as number
    if (this.#heapLength > 0) {
      this.#heap[0] = last
      this.#siftDown(0)
    }
  }

  #siftDown(from: number): void {
    const heap = this.#heap
    const length = this.#heapLength
    let i = from
    for (;;) {
      const left = 2 * i + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && this.#before(heap[right] as number, heap[left] as number) ? right : left
      if (!this.#before(heap[child] as number, heap[i] as number)) break
      const swap = heap[i] as number
      heap[i] = heap[child] as number
      heap[child] = swap
      i = child
    }
  }
}
