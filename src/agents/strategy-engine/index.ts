import { Builder } from 'flatbuffers'
import { Board, BoardWriter } from '../../boards/index.js'
import { universeOf } from '../../market/instruments.js'
import { TopOfBook } from '../../market/top-of-book.js'
import { newestWritten, RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../ring/index.js'
import { BookDelta, Horizon, MessageType, OrderIntent, OrderType, Quote, StrategyBoard, StrategyWeight, TimeInForce } from '../../schemas/index.js'
import type { WavesConfig } from '../../config/index.js'
import type { Agent, AgentContext } from '../agent.js'
import { FastPathWiring, type FastPathState } from './fast-path-wiring.js'
import { MeanReversion } from './mean-reversion.js'
import { writeOrderIntent } from './order-intent-fields.js'

const MEAN_REVERSION_ID = 1

/** Ids go on past the snapshot's and past the newest on the rings; the fast path keeps its own counts (see `FastPathState`). */
interface Snapshot {
  nextIntentId: number
  fast?: FastPathState
}

/**
 * strategy_engine: follows the touch on the market ring and, in the compose
 * step, turns its strategies' proposals into order intents on the intent
 * ring for risk to judge. No intents in safe mode. In the learn step it
 * publishes the strategy board (weights and which strategies are on).
 */
export default function createStrategyEngine(): Agent<Snapshot, WavesConfig['strategy_engine']> {
  let consumer: RingConsumer
  let intents: SingleProducerSequencer
  let board: BoardWriter
  let book: TopOfBook
  let strategy: MeanReversion
  const quote = new Quote()
  const delta = new BookDelta()
  let fast: FastPathWiring | undefined
  let nowNs = (): number => 0
  const intent = new OrderIntent()
  const builder = new Builder(256)
  let nextIntentId = 1

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type === MessageType.BookDelta) {
      if (fast === undefined) return
      delta.__init(offset, ring.byteBuffer)
      fast.books.apply(delta.instrumentId(), delta.venueId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence(), delta.firstVenueSequence())
      return
    }
    if (type !== MessageType.Quote) return
    quote.__init(offset, ring.byteBuffer)
    const instrument = quote.instrumentId()
    if (!book.update(instrument, quote.venueId(), quote.bidPriceTicks(), quote.bidSizeLots(), quote.askPriceTicks(), quote.askSizeLots(), quote.tsNs())) return
    strategy.onTouch(instrument, book.bestBid(instrument), book.bestAsk(instrument))
    // A quote closes a venue's update: the fast path acts on the books it left.
    if (fast !== undefined && fast.onTick(instrument, quote.tsNs(), nowNs()) > 0) fastOrdersSent = true
  }
  let fastOrdersSent = false
  const drain = (ctx: AgentContext): void => {
    consumer.drain(onMessage)
    if (fastOrdersSent) {
      fastOrdersSent = false
      ctx.notifyFastPath('fast')
    }
  }

  return {
    init(ctx, restored) {
      const universe = universeOf(ctx.engineConfig)
      book = new TopOfBook(universe.instruments.length, universe.venues.length)
      strategy = new MeanReversion(universe.instruments.length)
      consumer = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      intents = new SingleProducerSequencer(ctx.rings.intents!)
      board = new BoardWriter(Board.attach(ctx.boards['strategy']!))
      if (restored !== undefined) {
        // Past the newest intent the last thread wrote, which may be newer than its snapshot.
        const newest = newestWritten(intents)
        nextIntentId = Math.max(restored.nextIntentId, newest === undefined ? 0 : intent.__init(newest, intents.ring.byteBuffer).intentId() + 1)
      }
      nowNs = () => ctx.clock.nowNs()
      if (ctx.config.fastPath) fast = new FastPathWiring(ctx, MEAN_REVERSION_ID, restored?.fast)
    },
    step(command, ctx) {
      drain(ctx)
      if (command.step === 4 && !command.safeMode) {
        for (const p of strategy.propose()) {
          const s = intents.tryClaim(1)
          if (s < 0) {
            ctx.counters['intents_dropped_ring_full'] = (ctx.counters['intents_dropped_ring_full'] ?? 0) + 1
            continue
          }
          writeOrderIntent(intent.__init(intents.setHeader(s, OrderIntent.sizeOf(), MessageType.OrderIntent), intents.ring.byteBuffer), {
            tsNs: ctx.clock.nowNs(),
            intentId: nextIntentId++,
            strategyId: MEAN_REVERSION_ID,
            instrumentId: p.instrumentId,
            side: p.side,
            orderType: OrderType.Limit,
            timeInForce: TimeInForce.ImmediateOrCancel,
            horizon: Horizon.Hft,
            priceTicks: p.priceTicks,
            sizeLots: p.sizeLots,
          })
          intents.publish(s)
          ctx.counters['intents'] = (ctx.counters['intents'] ?? 0) + 1
        }
      }
      if (command.step === 8) {
        fast?.arm(command.riskVerdict, command.safeMode)
        builder.clear()
        const weights = StrategyBoard.createStrategiesVector(builder, [StrategyWeight.createStrategyWeight(builder, MEAN_REVERSION_ID, Horizon.Hft, 1, !command.safeMode)])
        builder.finish(StrategyBoard.createStrategyBoard(builder, command.cycle, ctx.clock.nowNs(), weights))
        board.publishBuilder(builder)
      }
    },
    onFastPath(ctx) {
      drain(ctx)
    },
    rehearse() {
      fast?.rehearse()
    },
    health: () =>
      fast === undefined
        ? { fastPath: false }
        : { fastPath: true, armed: fast.armed, sent: fast.trader.sent, misses: fast.trader.misses, bookGaps: fast.books.gaps, tickToOrderUs: fast.tickToOrder.summary(), tickToOrderHistogram: fast.tickToOrder.encode() },
    snapshot: () => ({ nextIntentId, ...(fast !== undefined && { fast: fast.state() }) }),
  }
}
