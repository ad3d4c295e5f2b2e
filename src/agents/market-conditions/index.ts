import { Builder } from 'flatbuffers'
import { Board, BoardReader, BoardWriter } from '../../boards/index.js'
import { universeOf } from '../../market/instruments.js'
import { confirmRegime } from '../../market/regime-confirmation.js'
import { VenueBooks } from '../../market/book/index.js'
import { RingConsumer, type RingBuffer } from '../../ring/index.js'
import { BookDelta, Forecasts, InstrumentConditions as InstrumentConditionsTable, MarketConditions, MessageType, Quote, Regime, Trade } from '../../schemas/index.js'
import type { Agent } from '../agent.js'
import { ConditionsTracker } from './conditions-tracker.js'

/** Levels of each side the depth imbalance counts. */
const DEPTH_LEVELS = 10

/**
 * market_conditions: reads every quote, trade and book delta on the market
 * ring, keeps each venue's L2 book, tracks supply and demand per instrument, and publishes the conditions board in
 * the sense step (2). In the learn step (8) it reads the regime intelligence
 * found in the return series (step 3) and republishes the board with each
 * regime confirmed or disputed: the analysis feeds back into what the next
 * cycle's strategies read.
 */
export default function createMarketConditions(): Agent {
  let tracker: ConditionsTracker
  let consumer: RingConsumer
  let writer: BoardWriter
  let forecasts: BoardReader
  let analyzed: Uint8Array
  let books: VenueBooks
  const delta = new BookDelta()
  const builder = new Builder(1024)
  const quote = new Quote()
  const trade = new Trade()
  let quotes = 0
  let trades = 0
  let bookDeltas = 0
  let ignored = 0

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.Quote) {
      quote.__init(offset, ring.byteBuffer)
      if (tracker.onQuote(quote.instrumentId(), quote.venueId(), quote.bidPriceTicks(), quote.bidSizeLots(), quote.askPriceTicks(), quote.askSizeLots(), quote.tsNs())) quotes++
      else ignored++
    } else if (type === MessageType.Trade) {
      trade.__init(offset, ring.byteBuffer)
      if (tracker.onTrade(trade.instrumentId(), trade.aggressor(), trade.sizeLots())) trades++
      else ignored++
    } else if (type === MessageType.BookDelta) {
      delta.__init(offset, ring.byteBuffer)
      if (books.apply(delta.instrumentId(), delta.venueId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence(), delta.firstVenueSequence())) bookDeltas++
      else ignored++
    }
  }

  const publish = (cycle: number, nowNs: number): void => {
    builder.clear()
    const rows: number[] = []
    for (let i = 0; i < tracker.book.instruments; i++) {
      const c = tracker.conditions(i)
      const analyzedRegime = analyzed[i]! as Regime
      rows.push(
        InstrumentConditionsTable.createInstrumentConditions(
          builder,
          c.instrumentId,
          c.regime,
          c.orderFlowImbalance,
          c.depthImbalance,
          c.realizedVolBps,
          c.spreadBps,
          c.anomalyScore,
          c.tradeSignImbalance,
          c.trendScore,
          c.updates,
          c.returnZ,
          c.spreadZ,
          c.volumeZ,
          c.updateRateZ,
          c.anomalies,
          confirmRegime(c.regime, analyzedRegime),
          analyzedRegime,
          books.depthImbalance(i, DEPTH_LEVELS),
        ),
      )
    }
    const vector = MarketConditions.createInstrumentsVector(builder, rows)
    builder.finish(MarketConditions.createMarketConditions(builder, cycle, nowNs, vector))
    writer.publishBuilder(builder)
  }

  /** The regime intelligence published per instrument, if its board is from this cycle. */
  const readAnalyzedRegimes = (cycle: number): boolean =>
    forecasts.readWith((bb) => {
      const board = Forecasts.getRootAsForecasts(bb)
      if (board.cycle() !== cycle) return false
      for (let k = 0; k < board.forecastsLength(); k++) {
        const f = board.forecasts(k)!
        if (f.instrumentId() < analyzed.length) analyzed[f.instrumentId()] = f.regime()
      }
      return true
    }) ?? false

  return {
    init(ctx) {
      const universe = universeOf(ctx.engineConfig)
      tracker = new ConditionsTracker(universe.instruments.length, universe.venues.length)
      analyzed = new Uint8Array(universe.instruments.length) // Regime.Unknown
      books = new VenueBooks(universe.instruments.length, universe.venues.length)
      consumer = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      writer = new BoardWriter(Board.attach(ctx.boards['market_conditions']!))
      forecasts = new BoardReader(Board.attach(ctx.boards['forecasts']!))
    },
    step(command, ctx) {
      consumer.drain(onMessage)
      ctx.counters['quotes'] = quotes
      ctx.counters['trades'] = trades
      ctx.counters['book_deltas'] = bookDeltas
      ctx.counters['book_gaps'] = books.gaps
      ctx.counters['ignored'] = ignored
      if (command.step === 2) {
        tracker.closeCycle()
        publish(command.cycle, ctx.clock.nowNs())
      } else if (command.step === 8) {
        if (readAnalyzedRegimes(command.cycle)) publish(command.cycle, ctx.clock.nowNs())
        else ctx.counters['stale_forecasts'] = (ctx.counters['stale_forecasts'] ?? 0) + 1
      }
    },
  }
}
