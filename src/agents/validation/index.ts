import { universeOf } from '../../market/instruments.js'
import { RingConsumer, type RingBuffer } from '../../ring/index.js'
import { MessageType, Quote } from '../../schemas/index.js'
import type { Agent } from '../agent.js'
import { checkQuote } from './quote-checks.js'

/**
 * validation: checks every quote on the market ring (finite, positive,
 * uncrossed, known instrument and venue, in time order per instrument and
 * venue) and counts rejections per reason, logging the first of each kind.
 * The validation bridge that stops bad data before other agents see it
 * comes with the market-data capability; today it measures.
 */
export default function createValidation(): Agent {
  let consumer: RingConsumer
  let instruments = 0
  let venues = 0
  let lastTsNs: Float64Array
  const quote = new Quote()
  const fields = { instrumentId: 0, venueId: 0, bidPriceTicks: 0, askPriceTicks: 0, bidSizeLots: 0, askSizeLots: 0, tsNs: 0 }
  let counters: Record<string, number> = {}
  const logged = new Set<string>()
  let warn: (detail: object, msg: string) => void = () => {}

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Quote) return
    quote.__init(offset, ring.byteBuffer)
    fields.instrumentId = quote.instrumentId()
    fields.venueId = quote.venueId()
    fields.bidPriceTicks = quote.bidPriceTicks()
    fields.askPriceTicks = quote.askPriceTicks()
    fields.bidSizeLots = quote.bidSizeLots()
    fields.askSizeLots = quote.askSizeLots()
    fields.tsNs = quote.tsNs()
    const key = fields.instrumentId * venues + fields.venueId - 1
    const rejection = checkQuote(fields, instruments, venues, key >= 0 && key < lastTsNs.length ? lastTsNs[key]! : 0)
    if (rejection === undefined) {
      lastTsNs[key] = fields.tsNs
      counters['valid'] = (counters['valid'] ?? 0) + 1
      return
    }
    counters[`rejected_${rejection}`] = (counters[`rejected_${rejection}`] ?? 0) + 1
    if (!logged.has(rejection)) {
      logged.add(rejection)
      warn({ rejection, quote: { ...fields } }, 'quote rejected (first of its kind; further ones are counted)')
    }
  }

  return {
    init(ctx) {
      const universe = universeOf(ctx.engineConfig)
      instruments = universe.instruments.length
      venues = universe.venues.length
      lastTsNs = new Float64Array(instruments * venues)
      consumer = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      counters = ctx.counters
      warn = (detail, msg) => ctx.logger.warn(detail, msg)
    },
    step() {
      consumer.drain(onMessage)
    },
  }
}
