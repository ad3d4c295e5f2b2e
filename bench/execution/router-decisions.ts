/**
 * The routing decisions the execution bench replays: 8 venues × 50 levels
 * each, seeded so every run and both contenders see the same books.
 */
import { Xoshiro128 } from '../../src/random/seeded-random.js'
import { RouteTicket } from '../../src/native/index.js'

export const VENUES = 8
export const LEVELS_PER_VENUE = 50
/** Expected adverse move per ms of venue latency, in ticks. */
export const ADVERSE_TICKS_PER_MS = 0.5

/** One decision's route ticket, its plan written by whichever router routes it last. */
export type RouterDecision = RouteTicket

// Fees and latencies of eight venues of different kinds: cheap and slow,
// expensive and colocated, a maker rebate or two.
const TAKER_FEE_BPS = [1, 2.5, 4, 5, 7.5, 10, 3, 6]
const MAKER_FEE_BPS = [-0.5, 0, 1, 2, -1, 0, 1.5, 0.25]
const LATENCY_MS = [0.3, 1.2, 4, 0.8, 12, 2.5, 6, 0.5]

/**
 * `count` decisions around a mid of 10 000 000 ticks (BTC at a 0.01 tick):
 * each venue's side starts 0–5 ticks off the mid and steps 1–5 ticks a
 * level with 1–500 lots; parents take 5–60% of the total depth, buys and
 * sells alternating, every other one with a limit 40–200 ticks through the mid.
 */
export function routerDecisions(count: number, seed = 7): RouterDecision[] {
  const rng = Xoshiro128.fromSeed(seed)
  const between = (lo: number, hi: number): number => lo + (rng.nextUint32() % (hi - lo + 1))
  const mid = 10_000_000
  const decisions: RouterDecision[] = []
  for (let d = 0; d < count; d++) {
    const side = d % 2 === 0 ? 1 : -1
    const ticket = new RouteTicket(VENUES, VENUES * LEVELS_PER_VENUE)
    ticket.venues = VENUES
    let depth = 0
    for (let v = 0; v < VENUES; v++) {
      let price = mid + side * between(0, 5)
      for (let l = 0; l < LEVELS_PER_VENUE; l++) {
        price += side * between(1, 5)
        const size = between(1, 500)
        const at = 2 * (v * LEVELS_PER_VENUE + l)
        ticket.levels[at] = price
        ticket.levels[at + 1] = size
        depth += size
      }
      ticket.venueLevelEnds[v] = (v + 1) * LEVELS_PER_VENUE
      ticket.setVenueCosts(v, TAKER_FEE_BPS[v]!, MAKER_FEE_BPS[v]!, LATENCY_MS[v]!)
    }
    const sizeLots = Math.max(1, Math.floor((depth * between(5, 60)) / 100))
    ticket.setParent(side, sizeLots, d % 4 < 2 ? undefined : mid + side * between(40, 200))
    decisions.push(ticket)
  }
  return decisions
}
