/** The fields of one top-of-book quote, as agents pass them around outside the ring. */
export interface QuoteFields {
  instrumentId: number
  venueId: number
  bidPriceTicks: number
  askPriceTicks: number
  bidSizeLots: number
  askSizeLots: number
  tsNs: number
}
