import type { QuoteFields } from '../../market/quote-fields.js'
import { BookAction, Side } from '../../schemas/index.js'
import {
  MARKET_WIDE_INSTRUMENT,
  type FeedBookDelta,
  type FeedBookLevel,
  type FeedBookSnapshot,
  type FeedRejectReason,
  type FeedSentiment,
  type FeedTrade,
} from '../feed-source.js'

/**
 * The checks one event passes on its own, without history: each returns the
 * first rule the event breaks, or undefined. Pure, and allocation-free on
 * the good path. Ticks and lots must be integers: a fraction means the
 * venue's price or size was off the instrument's grid.
 *
 * History-dependent checks (order, staleness, sequences) live in the bridge.
 */

/** Where the instrument and venue ids must fall. */
export interface FeedUniverse {
  instruments: number
  venues: number
}

function instrumentCheck(instrumentId: number, venueId: number, u: FeedUniverse): FeedRejectReason | undefined {
  if (!(Number.isInteger(instrumentId) && instrumentId >= 0 && instrumentId < u.instruments)) return 'unknown_instrument'
  if (!(Number.isInteger(venueId) && venueId >= 1 && venueId <= u.venues)) return 'unknown_venue'
  return undefined
}

/** A price level's own rules; `sizeRequired` is false only for a Delete. */
function levelCheck(priceTicks: number, sizeLots: number, sizeRequired: boolean): FeedRejectReason | undefined {
  if (!Number.isFinite(priceTicks) || !Number.isFinite(sizeLots)) return 'not_finite'
  if (priceTicks <= 0) return 'non_positive_price'
  if (sizeLots < 0 || (sizeRequired && sizeLots === 0)) return 'non_positive_size'
  if (!Number.isInteger(priceTicks)) return 'off_tick_grid'
  if (!Number.isInteger(sizeLots)) return 'off_lot_grid'
  return undefined
}

/** A top-of-book quote: finite, known, positive, on grid, uncrossed. */
export function checkQuoteFields(q: QuoteFields, u: FeedUniverse): FeedRejectReason | undefined {
  if (!Number.isFinite(q.tsNs)) return 'not_finite'
  return (
    instrumentCheck(q.instrumentId, q.venueId, u) ??
    levelCheck(q.bidPriceTicks, q.bidSizeLots, true) ??
    levelCheck(q.askPriceTicks, q.askSizeLots, true) ??
    (q.bidPriceTicks >= q.askPriceTicks ? 'crossed' : undefined)
  )
}

/**
 * The quote rules the validation agent counts on the market ring, with its
 * ordering rule: a quote older than `lastTsNs` of its instrument and venue
 * is out of order.
 */
export function checkQuote(q: QuoteFields, instruments: number, venues: number, lastTsNs: number): FeedRejectReason | undefined {
  return checkQuoteFields(q, { instruments, venues }) ?? (q.tsNs < lastTsNs ? 'out_of_order' : undefined)
}

export function checkBookDelta(d: FeedBookDelta, u: FeedUniverse): FeedRejectReason | undefined {
  if (!Number.isFinite(d.tsNs) || !Number.isFinite(d.venueSequence) || (d.firstVenueSequence !== undefined && !Number.isFinite(d.firstVenueSequence))) return 'not_finite'
  if (d.side !== Side.Buy && d.side !== Side.Sell) return 'malformed'
  if (d.action !== BookAction.Set && d.action !== BookAction.Delete && d.action !== BookAction.Clear) return 'malformed'
  // A Clear names a book, not a level: it has no price or size to check.
  if (d.action === BookAction.Clear) return instrumentCheck(d.instrumentId, d.venueId, u)
  return instrumentCheck(d.instrumentId, d.venueId, u) ?? levelCheck(d.priceTicks, d.sizeLots, d.action === BookAction.Set)
}

function sideCheck(levels: readonly FeedBookLevel[], descending: boolean): FeedRejectReason | undefined {
  for (let k = 0; k < levels.length; k++) {
    const level = levels[k]!
    const bad = levelCheck(level.priceTicks, level.sizeLots, true)
    if (bad !== undefined) return bad
    if (!(level.orderCount >= 0)) return 'malformed'
    // Best first and no price twice: anything else is not a book.
    if (k > 0 && (descending ? level.priceTicks >= levels[k - 1]!.priceTicks : level.priceTicks <= levels[k - 1]!.priceTicks)) return 'crossed'
  }
  return undefined
}

export function checkBookSnapshot(s: FeedBookSnapshot, u: FeedUniverse): FeedRejectReason | undefined {
  if (!Number.isFinite(s.tsNs) || !Number.isFinite(s.venueSequence)) return 'not_finite'
  if (!Array.isArray(s.bids) || !Array.isArray(s.asks)) return 'malformed'
  const bad = instrumentCheck(s.instrumentId, s.venueId, u) ?? sideCheck(s.bids, true) ?? sideCheck(s.asks, false)
  if (bad !== undefined) return bad
  const bestBid = s.bids[0]
  const bestAsk = s.asks[0]
  return bestBid !== undefined && bestAsk !== undefined && bestBid.priceTicks >= bestAsk.priceTicks ? 'crossed' : undefined
}

export function checkTrade(t: FeedTrade, u: FeedUniverse): FeedRejectReason | undefined {
  if (!Number.isFinite(t.tsNs) || !Number.isFinite(t.venueTradeId)) return 'not_finite'
  if (t.aggressor !== Side.Buy && t.aggressor !== Side.Sell) return 'malformed'
  return instrumentCheck(t.instrumentId, t.venueId, u) ?? levelCheck(t.priceTicks, t.sizeLots, true)
}

export function checkSentiment(s: FeedSentiment, u: FeedUniverse): FeedRejectReason | undefined {
  if (!Number.isFinite(s.tsNs) || !Number.isFinite(s.score)) return 'not_finite'
  if (s.instrumentId !== MARKET_WIDE_INSTRUMENT && !(Number.isInteger(s.instrumentId) && s.instrumentId >= 0 && s.instrumentId < u.instruments)) return 'unknown_instrument'
  if (s.score < -1 || s.score > 1) return 'score_out_of_range'
  if (typeof s.headline !== 'string') return 'malformed'
  return undefined
}
