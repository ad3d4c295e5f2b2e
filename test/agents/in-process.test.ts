import { describe, expect, it } from 'vitest'
import createDataFeeds from '../../src/agents/data-feeds/index.js'
import createMarketConditions from '../../src/agents/market-conditions/index.js'
import createValidation from '../../src/agents/validation/index.js'
import { Board, BoardReader } from '../../src/boards/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { MarketConditions, Regime } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

describe('agents in-process', () => {
  it('run without threads: the feed writes quotes, conditions reads them and publishes its board', async () => {
    const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'], venues: ['a', 'b'] } })
    const feedsCtx = engine.context('data_feeds', { seed: 7, updatesPerStep: 10 })
    const conditionsCtx = engine.context('market_conditions')
    const validationCtx = engine.context('validation')
    const feeds = createDataFeeds()
    const conditions = createMarketConditions()
    const validation = createValidation()
    await feeds.init(feedsCtx as never, undefined)
    await conditions.init(conditionsCtx, undefined)
    await validation.init(validationCtx, undefined)
    for (let cycle = 1; cycle <= 5; cycle++) {
      engine.clock.advanceNs(1e6)
      await feeds.step(command(cycle, CycleStep.Sense), feedsCtx as never)
      await conditions.step(command(cycle, CycleStep.Sense), conditionsCtx)
      await validation.step(command(cycle, CycleStep.Sense), validationCtx)
    }
    // 5 cycles × 10 updates × 3 instruments × 2 venues, each with its book's deltas and some trades.
    expect(feedsCtx.counters['accepted_quote']).toBe(300)
    expect(feedsCtx.counters['ring_quotes']).toBe(300)
    expect(feedsCtx.counters['ring_book_deltas']).toBe(feedsCtx.counters['accepted_bookDelta'])
    expect(feedsCtx.counters['ring_trades']).toBe(feedsCtx.counters['accepted_trade'])
    expect(feedsCtx.counters['ring_trades']).toBeGreaterThan(0)
    const rejected = Object.entries(feedsCtx.counters).filter(([k, v]) => k.startsWith('rejected_') && v !== 0)
    expect(rejected).toEqual([])
    expect(feedsCtx.counters['sequence_gaps']).toBe(0)
    expect(feedsCtx.counters['trade_id_gaps']).toBe(0)
    expect(conditionsCtx.counters['quotes']).toBe(300)
    expect(conditionsCtx.counters['trades']).toBe(feedsCtx.counters['ring_trades'])
    expect(conditionsCtx.counters['book_deltas']).toBe(feedsCtx.counters['ring_book_deltas'])
    expect(conditionsCtx.counters['book_gaps']).toBe(0)
    expect(validationCtx.counters['valid_quote']).toBe(300)
    expect(validationCtx.counters['valid_trade']).toBe(feedsCtx.counters['ring_trades'])
    expect(validationCtx.counters['valid_book_delta']).toBe(feedsCtx.counters['ring_book_deltas'])
    expect(Object.keys(validationCtx.counters).filter((k) => k.startsWith('rejected_'))).toEqual([])

    // Cycle 100: the feed also sends every book whole; readers rebuild them and lose nothing.
    const deltasBefore = feedsCtx.counters['ring_book_deltas']!
    await feeds.step(command(100, CycleStep.Sense), feedsCtx as never)
    await conditions.step(command(100, CycleStep.Sense), conditionsCtx)
    await validation.step(command(100, CycleStep.Sense), validationCtx)
    expect(feedsCtx.counters['accepted_bookSnapshot']).toBe(6)
    expect(feedsCtx.counters['ring_book_deltas']! - deltasBefore).toBeGreaterThan(6 * (1 + 2 * 10))
    expect(conditionsCtx.counters['book_gaps']).toBe(0)
    expect(Object.keys(validationCtx.counters).filter((k) => k.startsWith('rejected_'))).toEqual([])

    const board = new BoardReader(Board.attach(engine.plane.boards['market_conditions']!))
    const read = board.readWith((bb) => {
      const mc = MarketConditions.getRootAsMarketConditions(bb)
      return {
        cycle: mc.cycle(),
        instruments: Array.from({ length: mc.instrumentsLength() }, (_, i) => {
          const row = mc.instruments(i)!
          return { id: row.instrumentId(), regime: row.regime(), spread: row.spreadBps(), depth: row.depthImbalance(), depthTopN: row.depthImbalanceTopN() }
        }),
      }
    })
    expect(read?.cycle).toBe(100)
    expect(read?.instruments.map((r) => r.id)).toEqual([0, 1, 2])
    for (const row of read!.instruments) {
      expect(row.spread).toBeGreaterThan(0)
      expect(Math.abs(row.depth)).toBeLessThanOrEqual(1)
      // Ten levels a side on each venue, from the L2 books the deltas drew.
      expect(Math.abs(row.depthTopN)).toBeLessThan(1)
      expect(row.depthTopN).not.toBeNaN()
      expect(Object.values(Regime)).toContain(row.regime)
    }
  })

  it('the same seed gives the same market, and when nobody reads, every event is in the ring, conflated, held or counted lost', async () => {
    const run = async () => {
      const engine = inProcessEngine()
      const ctx = engine.context('data_feeds', { seed: 42, updatesPerStep: 20_000 })
      const feeds = createDataFeeds()
      await feeds.init(ctx as never, undefined)
      await feeds.step(command(1, CycleStep.Sense), ctx as never)
      return { counters: { ...ctx.counters }, snapshot: feeds.snapshot!() }
    }
    const a = await run()
    const b = await run()
    expect(a.snapshot).toEqual(b.snapshot)
    const c = a.counters
    // 20 000 updates × 2 instruments × 2 venues offered to a ring of 65 536 nobody reads.
    expect(c['accepted_quote']).toBe(80_000)
    expect(c['ring_quotes']).toBe(80_000)
    // Deltas and trades are never conflated: written, waiting in the backlog, or counted lost.
    expect(c['ring_book_deltas']! + c['ring_trades']! + c['ring_overflowed']!).toBe(c['accepted_bookDelta']! + c['accepted_trade']!)
    expect(c['ring_overflowed']).toBeGreaterThan(0)
    const deltasAndTradesInRing = c['ring_book_deltas']! + c['ring_trades']! - c['ring_backlog']!
    const quotesHeld = deltasAndTradesInRing + (c['ring_quotes']! - c['ring_conflated']!) - 65_536
    // What is not in the ring and not conflated is held, at most one per instrument and venue.
    expect(quotesHeld).toBeGreaterThanOrEqual(0)
    expect(quotesHeld).toBeLessThanOrEqual(4)
  })
})
