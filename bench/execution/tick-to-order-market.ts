/**
 * The synthetic market of the tick-to-order bench: one instrument quoted
 * alike on four venues, a touch that swings 21 ticks up and down on every
 * tick, and a static ladder of depth behind it. Every thread of the bench
 * derives its view from these definitions, so the strategy's books and the
 * sim venue's books agree level for level.
 */
import type { InstrumentScale, PreTradeLimits } from '../../src/agents/risk-management/pre-trade-check.js'
import type { MeanReversionSettings } from '../../src/agents/strategy-engine/mean-reversion.js'
import type { InstrumentSpec } from '../../src/market/instrument-spec.js'

export const VENUES = 4
export const INSTRUMENT_ID = 0
/** A BTC-like instrument: a 0.01 tick and a 0.001 lot, the mid near 10 000.00. */
export const INSTRUMENT_SPEC: InstrumentSpec = Object.freeze({ symbol: 'BTC-USD', base: 'BTC', quote: 'USD', tickSize: '0.01', lotSize: '0.001', quoteDecimals: 2 })
export const INSTRUMENT_SCALE: InstrumentScale = Object.freeze({ quotePerTickLot: 0.01 * 0.001, basePerLot: 0.001 })

const CENTER_TICKS = 1_000_000
/** The touch after an up tick and after a down tick: mids 21 ticks apart, a one-tick spread. */
const UP_BID_TICKS = CENTER_TICKS + 10
const DOWN_BID_TICKS = CENTER_TICKS - 11
/** Levels of depth behind the touch on each side of each venue, clear of both touches. */
export const DEPTH_LEVELS = 20
const DEPTH_GAP_TICKS = 20

/**
 * Mean reversion set to trade on every tick once warm: with alpha 0.2 a mid
 * that alternates ±a around its mean settles at |z| ≈ 0.9 (the EWMA mean
 * lags by a/9, its stdev is about a), so entryZ 0.5 leans against every
 * move, selling each up tick and buying each down tick. Warm-up is short so
 * that nearly every tick of a run is an order. 12 lots is more than any one
 * venue shows at the touch, so the router splits each order in two or more.
 */
export const STRATEGY_SETTINGS: MeanReversionSettings = Object.freeze({ alpha: 0.2, entryZ: 0.5, sizeLots: 12, warmup: 8 })

/**
 * Loose on purpose: every check runs on every order, none refuses one (the
 * position swings between flat and 12 lots short, the rate stays under 20 000 a second),
 * so the row times the checks and not a rejection path.
 */
export const PRE_TRADE_LIMITS: PreTradeLimits = Object.freeze({ maxOrderNotional: 1_000, maxPosition: 1, maxOrdersPerSecond: 100_000 })

export const FEES = Object.freeze({ takerBps: 2.5, makerBps: 0 })
/** Router input: colocated to remote, so the router prefers some venues over others. */
export const VENUE_LATENCY_MS: readonly number[] = [0.3, 0.8, 1.2, 2.5]
export const ADVERSE_TICKS_PER_MS = 0.5

/** One tick of the feed: the instrument's touch with its sizes. */
export interface TickQuote {
  bidTicks: number
  bidLots: number
  askTicks: number
  askLots: number
}

/** Tick `k` of the feed (written into `out`): up on even ticks, down on odd, sizes cycling 4–6 lots. */
export function quoteOfTick(k: number, out: TickQuote): TickQuote {
  const bid = k % 2 === 0 ? UP_BID_TICKS : DOWN_BID_TICKS
  out.bidTicks = bid
  out.askTicks = bid + 1
  out.bidLots = 4 + (k % 3)
  out.askLots = 4 + ((k + 1) % 3)
  return out
}

/** What a venue (0-based) shows at the touch for a quoted size: the venues differ by a lot each, 4 to 9 lots in all. */
export function venueTouchLots(venue: number, quotedLots: number): number {
  return quotedLots + venue
}

/** The depth behind the touch, alike on every venue: `visit(isBid, priceTicks, sizeLots)` per level. */
export function forEachDepthLevel(visit: (isBid: boolean, priceTicks: number, sizeLots: number) => void): void {
  for (let level = 0; level < DEPTH_LEVELS; level++) {
    const sizeLots = 10 + 5 * level
    visit(true, DOWN_BID_TICKS - DEPTH_GAP_TICKS - level, sizeLots)
    visit(false, UP_BID_TICKS + 1 + DEPTH_GAP_TICKS + level, sizeLots)
  }
}
