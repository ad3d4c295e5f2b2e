import { checkBookDelta, checkQuote, checkTrade } from '../../feeds/validation/feed-checks.js'
import type { FeedBookDelta, FeedRejectReason, FeedTrade } from '../../feeds/feed-source.js'
import { universeOf } from '../../market/instruments.js'
import { RingConsumer, type RingBuffer } from '../../ring/index.js'
import { BookAction, BookDelta, MessageType, Quote, Side, Trade } from '../../schemas/index.js'
import type { Agent } from '../agent.js'

/**
 * validation: the second line. The validation bridge in data_feeds stops bad
 * market data before it is written; this agent checks what actually reached
 * the market ring with the same rules (quotes, book deltas, trades, plus time
 * order of quotes per instrument and venue), so any rejection it counts is
 * an alarm: a feed path that bypassed the bridge, or a ring written wrongly.
 * Rejections are counted per kind and reason, the first of each logged.
 */
export default function createValidation(): Agent {
  let consumer: RingConsumer
  let universe = { instruments: 0, venues: 0 }
  let lastQuoteTsNs: Float64Array
  const quote = new Quote()
  const delta = new BookDelta()
  const trade = new Trade()
  const fields = { instrumentId: 0, venueId: 0, bidPriceTicks: 0, askPriceTicks: 0, bidSizeLots: 0, askSizeLots: 0, tsNs: 0 }
  const deltaFields: FeedBookDelta = { tsNs: 0, instrumentId: 0, venueId: 0, side: Side.Buy, action: BookAction.Set, priceTicks: 0, sizeLots: 0, venueSequence: 0 }
  const tradeFields: FeedTrade = { tsNs: 0, instrumentId: 0, venueId: 0, aggressor: Side.Buy, priceTicks: 0, sizeLots: 0, venueTradeId: 0 }
  let counters: Record<string, number> = {}
  const logged = new Set<string>()
  let warn: (detail: object, msg: string) => void = () => {}

  const count = (kind: string, rejection: FeedRejectReason | undefined, detail: object): void => {
    if (rejection === undefined) {
      counters[`valid_${kind}`] = (counters[`valid_${kind}`] ?? 0) + 1
      return
    }
    const key = `rejected_${kind}_${rejection}`
    counters[key] = (counters[key] ?? 0) + 1
    if (!logged.has(key)) {
      logged.add(key)
      warn({ kind, rejection, message: detail }, 'bad market data on the ring (first of its kind; further ones are counted)')
    }
  }

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.Quote) {
      quote.__init(offset, ring.byteBuffer)
      fields.instrumentId = quote.instrumentId()
      fields.venueId = quote.venueId()
      fields.bidPriceTicks = quote.bidPriceTicks()
      fields.askPriceTicks = quote.askPriceTicks()
      fields.bidSizeLots = quote.bidSizeLots()
      fields.askSizeLots = quote.askSizeLots()
      fields.tsNs = quote.tsNs()
      const key = fields.instrumentId * universe.venues + fields.venueId - 1
      const known = key >= 0 && key < lastQuoteTsNs.length
      const rejection = checkQuote(fields, universe.instruments, universe.venues, known ? lastQuoteTsNs[key]! : 0)
      if (rejection === undefined) lastQuoteTsNs[key] = fields.tsNs
      count('quote', rejection, fields)
    } else if (type === MessageType.BookDelta) {
      delta.__init(offset, ring.byteBuffer)
      deltaFields.tsNs = delta.tsNs()
      deltaFields.instrumentId = delta.instrumentId()
      deltaFields.venueId = delta.venueId()
      deltaFields.side = delta.side()
      deltaFields.action = delta.action()
      deltaFields.priceTicks = delta.priceTicks()
      deltaFields.sizeLots = delta.sizeLots()
      deltaFields.venueSequence = delta.venueSequence()
      deltaFields.firstVenueSequence = delta.firstVenueSequence()
      count('book_delta', checkBookDelta(deltaFields, universe), deltaFields)
    } else if (type === MessageType.Trade) {
      trade.__init(offset, ring.byteBuffer)
      tradeFields.tsNs = trade.tsNs()
      tradeFields.instrumentId = trade.instrumentId()
      tradeFields.venueId = trade.venueId()
      tradeFields.aggressor = trade.aggressor()
      tradeFields.priceTicks = trade.priceTicks()
      tradeFields.sizeLots = trade.sizeLots()
      tradeFields.venueTradeId = trade.venueTradeId()
      count('trade', checkTrade(tradeFields, universe), tradeFields)
    }
  }

  return {
    init(ctx) {
      const u = universeOf(ctx.engineConfig)
      universe = { instruments: u.instruments.length, venues: u.venues.length }
      lastQuoteTsNs = new Float64Array(universe.instruments * universe.venues)
      consumer = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      counters = ctx.counters
      warn = (detail, msg) => ctx.logger.warn(detail, msg)
    },
    step() {
      consumer.drain(onMessage)
    },
  }
}
