import { Builder } from 'flatbuffers'
import { describe, expect, it } from 'vitest'
import createDataFeeds from '../../src/agents/data-feeds/index.js'
import createMarketConditions from '../../src/agents/market-conditions/index.js'
import { Board, BoardReader, BoardWriter } from '../../src/boards/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { Forecasts, InstrumentForecast, MarketConditions, Regime, RegimeConfirmation } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

function publishForecasts(board: SharedArrayBuffer, cycle: number, regimes: Regime[]): void {
  const b = new Builder(256)
  const rows = regimes.map((regime, i) => InstrumentForecast.createInstrumentForecast(b, i, 1000, 0, 1, 10, regime, 0, 1))
  b.finish(Forecasts.createForecasts(b, cycle, 0, Forecasts.createForecastsVector(b, rows)))
  new BoardWriter(Board.attach(board)).publishBuilder(b)
}

describe('market_conditions', () => {
  it('republishes its board in the learn step with each regime confirmed or disputed by the analysis of that cycle', async () => {
    const engine = inProcessEngine()
    const feedsCtx = engine.context('data_feeds', { seed: 5, updatesPerStep: 20 })
    const ctx = engine.context('market_conditions')
    const feeds = createDataFeeds()
    const conditions = createMarketConditions()
    await feeds.init(feedsCtx as never, undefined)
    await conditions.init(ctx, undefined)
    const reader = new BoardReader(Board.attach(engine.plane.boards['market_conditions']!))
    const read = () =>
      reader.readWith((bb) => {
        const mc = MarketConditions.getRootAsMarketConditions(bb)
        return Array.from({ length: mc.instrumentsLength() }, (_, i) => {
          const row = mc.instruments(i)!
          return { sensed: row.regime(), analyzed: row.intelligenceRegime(), confirmation: row.confirmation() }
        })
      })!

    let sensed: Regime[] = []
    for (let cycle = 1; cycle <= 3; cycle++) {
      await feeds.step(command(cycle, CycleStep.Sense), feedsCtx as never)
      await conditions.step(command(cycle, CycleStep.Sense), ctx)
      const afterSense = read()
      sensed = afterSense.map((r) => r.sensed)
      // Analysis of this cycle: agree on instrument 0, disagree on 1.
      const other = (r: Regime) => (r === Regime.Trending ? Regime.MeanReverting : Regime.Trending)
      publishForecasts(engine.plane.boards['forecasts']!, cycle, [sensed[0]!, other(sensed[1]!)])
      await conditions.step(command(cycle, CycleStep.Learn), ctx)
    }
    const rows = read()
    expect(rows[0]!.analyzed).toBe(sensed[0])
    expect(rows[1]!.analyzed).not.toBe(sensed[1])
    const expected = (s: Regime, agree: boolean) =>
      s === Regime.Unknown || s === Regime.Illiquid ? RegimeConfirmation.Pending : agree ? RegimeConfirmation.Confirmed : RegimeConfirmation.Disputed
    expect(rows[0]!.confirmation).toBe(expected(sensed[0]!, true))
    expect(rows[1]!.confirmation).toBe(expected(sensed[1]!, false))
    expect(ctx.counters['stale_forecasts']).toBeUndefined()

    // A forecasts board from an older cycle is not this cycle's analysis: counted, not used.
    await conditions.step(command(4, CycleStep.Sense), ctx)
    await conditions.step(command(4, CycleStep.Learn), ctx)
    expect(ctx.counters['stale_forecasts']).toBe(1)
  })
})
