import type { QuoteFields } from '../../market/quote-fields.js'

export type { QuoteFields }

/** Why a quote was rejected; each reason has its own counter. */
export type QuoteRejection = 'not_finite' | 'non_positive_price' | 'non_positive_size' | 'crossed' | 'unknown_instrument' | 'unknown_venue' | 'out_of_order'

/** The first rule a quote breaks, or undefined for a good one. Pure. */
export function checkQuote(q: QuoteFields, instruments: number, venues: number, lastTsNs: number): QuoteRejection | undefined {
  if (![q.bidPriceTicks, q.askPriceTicks, q.bidSizeLots, q.askSizeLots, q.tsNs].every(Number.isFinite)) return 'not_finite'
  if (q.instrumentId >= instruments) return 'unknown_instrument'
  if (q.venueId < 1 || q.venueId > venues) return 'unknown_venue'
  if (q.bidPriceTicks <= 0 || q.askPriceTicks <= 0) return 'non_positive_price'
  if (q.bidSizeLots <= 0 || q.askSizeLots <= 0) return 'non_positive_size'
  if (q.bidPriceTicks >= q.askPriceTicks) return 'crossed'
  if (q.tsNs < lastTsNs) return 'out_of_order'
  return undefined
}
