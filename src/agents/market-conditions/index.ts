import { Builder } from 'flatbuffers'
import { Board, BoardWriter } from '../../boards/index.js'
import { universeOf } from '../../market/instruments.js'
import { RingConsumer, type RingBuffer } from '../../ring/index.js'
import { InstrumentConditions as InstrumentConditionsTable, MarketConditions, MessageType, Quote } from '../../schemas/index.js'
import type { Agent } from '../agent.js'
import { ConditionsTracker } from './conditions-tracker.js'

/**
 * market_conditions: reads every quote on the market ring, tracks supply and
 * demand per instrument, and publishes the conditions board once per cycle
 * (step 2) for the steps after it.
 */
export default function createMarketConditions(): Agent {
  let tracker: ConditionsTracker
  let consumer: RingConsumer
  let writer: BoardWriter
  const builder = new Builder(1024)
  const quote = new Quote()
  let quotes = 0
  let ignored = 0

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Quote) return
    quote.__init(offset, ring.byteBuffer)
    if (tracker.onQuote(quote.instrumentId(), quote.venueId(), quote.bidPriceTicks(), quote.bidSizeLots(), quote.askPriceTicks(), quote.askSizeLots(), quote.tsNs())) quotes++
    else ignored++
  }

  return {
    init(ctx) {
      const universe = universeOf(ctx.engineConfig)
      tracker = new ConditionsTracker(universe.instruments.length, universe.venues.length)
      consumer = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      writer = new BoardWriter(Board.attach(ctx.boards['market_conditions']!))
    },
    step(command, ctx) {
      consumer.drain(onMessage)
      ctx.counters['quotes'] = quotes
      ctx.counters['ignored'] = ignored
      if (command.step !== 2) return
      builder.clear()
      const rows: number[] = []
      for (let i = 0; i < tracker.book.instruments; i++) {
        const c = tracker.conditions(i)
        rows.push(
          InstrumentConditionsTable.createInstrumentConditions(builder, c.instrumentId, c.regime, c.orderFlowImbalance, c.depthImbalance, c.realizedVolBps, c.spreadBps, c.anomalyScore),
        )
      }
      const vector = MarketConditions.createInstrumentsVector(builder, rows)
      builder.finish(MarketConditions.createMarketConditions(builder, command.cycle, ctx.clock.nowNs(), vector))
      writer.publishBuilder(builder)
    },
  }
}
