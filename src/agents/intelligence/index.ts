import { Builder } from 'flatbuffers'
import { Board, BoardWriter } from '../../boards/index.js'
import type { ScenarioSimulationOutput } from '../../compute/tasks/scenario-simulation.js'
import { universeOf } from '../../market/instruments.js'
import { lag1Autocorrelation, returnRegime, varianceRatio } from '../../market/return-regime.js'
import { TopOfBook } from '../../market/top-of-book.js'
import { RingConsumer, type RingBuffer } from '../../ring/index.js'
import { Forecasts, InstrumentForecast, MessageType, Quote } from '../../schemas/index.js'
import type { WavesConfig } from '../../config/index.js'
import type { Agent } from '../agent.js'
import { ReturnHistory } from './return-history.js'

type IntelligenceConfig = WavesConfig['intelligence']

const Z_95 = 1.6448536269514722
/** Periods the variance ratio aggregates returns over. */
const VARIANCE_RATIO_PERIODS = 4

/**
 * intelligence: samples each instrument's mid once per cycle into a return
 * history, publishes per-instrument forecasts (drift, parametric 95% VaR
 * over the horizon, and the regime the returns show on their own: lag-1
 * autocorrelation and variance ratio) on the forecasts board in the analyze
 * step, which market_conditions confirms its regime against, and keeps a
 * portfolio scenario simulation running on the compute pool: started in the
 * analyze step, never awaited by it, its latest result reported in health.
 */
export default function createIntelligence(): Agent<unknown, IntelligenceConfig> {
  let consumer: RingConsumer
  let book: TopOfBook
  let history: ReturnHistory
  let board: BoardWriter
  const builder = new Builder(512)
  const quote = new Quote()
  let simulating = false
  let latest: ScenarioSimulationOutput | undefined
  let seed = 1
  let horizonSteps = 0
  let scenarios = 0
  let intervalMs = 0

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Quote) return
    quote.__init(offset, ring.byteBuffer)
    book.update(quote.instrumentId(), quote.venueId(), quote.bidPriceTicks(), quote.bidSizeLots(), quote.askPriceTicks(), quote.askSizeLots(), quote.tsNs())
  }

  return {
    init(ctx) {
      const universe = universeOf(ctx.engineConfig)
      book = new TopOfBook(universe.instruments.length, universe.venues.length)
      history = new ReturnHistory(universe.instruments.length, 256)
      consumer = new RingConsumer(ctx.rings.market!, ctx.consumerIds.market!)
      board = new BoardWriter(Board.attach(ctx.boards['forecasts']!))
      horizonSteps = ctx.config.horizonSteps
      scenarios = ctx.config.scenarios
      intervalMs = (ctx.engineConfig as unknown as WavesConfig).cycle.intervalMs
    },
    step(command, ctx) {
      consumer.drain(onMessage)
      if (command.step !== 3) return
      const mids = Array.from({ length: book.instruments }, (_, i) => book.mid(i))
      history.sample(mids)
      const series = history.series()

      builder.clear()
      const rows = series.map((r, i) => {
        const n = r.length
        const mean = n > 0 ? r.reduce((a, b) => a + b, 0) / n : 0
        const variance = n > 1 ? r.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0
        return InstrumentForecast.createInstrumentForecast(
          builder,
          i,
          horizonSteps * intervalMs,
          mean * horizonSteps * 10_000,
          Math.min(1, n / 100),
          Z_95 * Math.sqrt(variance * horizonSteps) * 10_000,
          returnRegime(r),
          lag1Autocorrelation(r),
          varianceRatio(r, VARIANCE_RATIO_PERIODS),
        )
      })
      builder.finish(Forecasts.createForecasts(builder, command.cycle, ctx.clock.nowNs(), Forecasts.createForecastsVector(builder, rows)))
      board.publishBuilder(builder)

      if (!simulating && history.length >= 30 && mids.every((m) => m > 0)) {
        simulating = true
        const input = {
          method: 'bootstrap' as const,
          returns: series,
          positions: new Float64Array(mids.length).fill(1),
          prices: Float64Array.from(mids),
          horizon: horizonSteps,
          scenarios,
          seed: seed++ >>> 0,
        }
        ctx.compute
          .run('scenario-simulation', input)
          .then((out) => {
            latest = out as ScenarioSimulationOutput
            ctx.counters['simulations'] = (ctx.counters['simulations'] ?? 0) + 1
          })
          .catch((err: unknown) => {
            ctx.counters['simulation_failures'] = (ctx.counters['simulation_failures'] ?? 0) + 1
            ctx.logger.warn({ err }, 'scenario simulation failed')
          })
          .finally(() => {
            simulating = false
          })
      }
    },
    health: () => (latest ? { var95: latest.var95, var99: latest.var99, es975: latest.es975, scenarios: latest.scenarios } : {}),
  }
}
