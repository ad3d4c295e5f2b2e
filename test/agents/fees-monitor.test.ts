import { describe, expect, it } from 'vitest'
import createFeesMonitor from '../../src/agents/fees-monitor/index.js'
import { Board, BoardReader } from '../../src/boards/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { RingFeedSink } from '../../src/feeds/index.js'
import { RingBuffer, SingleProducerSequencer } from '../../src/ring/index.js'
import { AccountState, Fill, Liquidity, MessageType, Side } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

/** Plays the adapters on the fill ring: one fill of a strategy's order on venue 1. */
function fillWriter(engine: ReturnType<typeof inProcessEngine>) {
  const ring = new SingleProducerSequencer(RingBuffer.attach(engine.plane.rings['fills']!))
  const f = new Fill()
  return (strategyId: number, instrumentId: number, side: Side, liquidity: Liquidity, priceTicks: number, sizeLots: number, fee: number) => {
    const s = ring.claim(1)
    f.__init(ring.setHeader(s, Fill.sizeOf(), MessageType.Fill), ring.ring.byteBuffer)
    f.mutate_client_order_id(s + 1)
    f.mutate_instrument_id(instrumentId)
    f.mutate_venue_id(1)
    f.mutate_side(side)
    f.mutate_liquidity(liquidity)
    f.mutate_price_ticks(priceTicks)
    f.mutate_size_lots(sizeLots)
    f.mutate_fee_quote_units(fee)
    f.mutate_strategy_id(strategyId)
    ring.publish(s)
  }
}

type Write = ReturnType<typeof fillWriter>

// BTC-USDT (tick 0.01, lot 0.00001): buy 0.3 BTC at 87 000.00, buy 0.1 at 87 100.00, sell 0.2 at 87 300.00.
const firstFills = (write: Write) => {
  write(1, 0, Side.Buy, Liquidity.Taker, 8_700_000, 30_000, 1_305_000_000)
  write(1, 0, Side.Buy, Liquidity.Maker, 8_710_000, 10_000, 87_100_000)
}
const lastFills = (write: Write) => {
  write(1, 0, Side.Sell, Liquidity.Taker, 8_730_000, 20_000, 873_000_000)
  write(2, 1, Side.Sell, Liquidity.Taker, 300_000, 10_000, 0) // ETH-USDT: sell 1 ETH at 3 000.00, no fee
  write(1, 7, Side.Buy, Liquidity.Taker, 100, 1, 0) // no such instrument
}

/** Venue 1's BTC book shows 87 400.00 / 87 401.00 (mid 87 400.50); its ETH book shows nothing. */
function marketBooks(engine: ReturnType<typeof inProcessEngine>): void {
  const market = new RingFeedSink(new SingleProducerSequencer(RingBuffer.attach(engine.plane.rings['market']!)), { instruments: 3, venues: 2 })
  market.bookSnapshot({ tsNs: 1, instrumentId: 0, venueId: 1, venueSequence: 5, bids: [{ priceTicks: 8_740_000, sizeLots: 9, orderCount: 1 }], asks: [{ priceTicks: 8_740_100, sizeLots: 4, orderCount: 1 }] })
}

/** What the five fills above book to: each strategy's PnL and fees, the equity and the positions on the board. */
function expectBooked(agent: ReturnType<typeof createFeesMonitor>, engine: ReturnType<typeof inProcessEngine>): void {
  const health = agent.health!()
  const [strategy1, strategy2] = health['strategies'] as Record<string, unknown>[]
  // Average cost 87 025.00; selling 0.2 at 87 300.00 realizes 0.2 × 275 = 55.00; the 0.2 left is marked at
  // the mid, 87 400.50: 0.2 × 375.50 = 75.10 unrealized.
  expect(strategy1).toMatchObject({ strategyId: 1, quote: 'USDT', grossPnl: '130.10000000', fees: '22.65100000', netPnl: '107.44900000', fills: 3 })
  expect(strategy2).toMatchObject({ strategyId: 2, grossPnl: '0.00000000', fees: '0.00000000', fills: 1 })

  const board = new BoardReader(Board.attach(engine.plane.boards['account_state']!))
  // Both instruments are quoted in USDT: equity is their net PnL, 107.449 USDT in 10^-8 units.
  expect(board.readWith((bb) => AccountState.getRootAsAccountState(bb).equityQuoteUnits())).toBe(10_744_900_000)
  const positions = board.readWith((bb) => {
    const s = AccountState.getRootAsAccountState(bb)
    return Array.from({ length: s.positionsLength() }, (_, i) => {
      const p = s.positions(i)!
      return [p.strategyId(), p.instrumentId(), p.venueId(), p.positionLots(), p.averagePriceTicks(), p.realizedPnlQuoteUnits(), p.unrealizedPnlQuoteUnits(), p.feesQuoteUnits()]
    })
  })
  // One row per strategy, venue and instrument; ETH has no book, so it stays at its last fill (no unrealized PnL).
  expect(positions).toEqual([
    [1, 0, 1, 20_000, 8_702_500, 5_500_000_000, 7_510_000_000, 2_265_100_000],
    [2, 1, 1, -10_000, 300_000, 0, 0, 0],
  ])
}

describe('fees_monitor', () => {
  it('books every fill on the fill ring exactly, per strategy, and publishes the account state', async () => {
    const engine = inProcessEngine()
    const ctx = engine.context('fees_monitor')
    const agent = createFeesMonitor()
    await agent.init(ctx, undefined)
    const write = fillWriter(engine)
    firstFills(write)
    lastFills(write)
    marketBooks(engine)
    await agent.step(command(1, CycleStep.Monitor), ctx)
    expect(ctx.counters).toMatchObject({ fills: 4, fills_refused: 1, marks_at_mid: 1, marks_at_last_fill: 1 })
    expectBooked(agent, engine)
  })

  it('restarted from its snapshot, books the fills it had read after the snapshot once more, and only those', async () => {
    const engine = inProcessEngine()
    const ctx = engine.context('fees_monitor')
    let agent = createFeesMonitor()
    await agent.init(ctx, undefined)
    const write = fillWriter(engine)
    marketBooks(engine)
    firstFills(write)
    await agent.step(command(1, CycleStep.Monitor), ctx)
    const snapshot = structuredClone(agent.snapshot!())
    lastFills(write)
    await agent.step(command(2, CycleStep.Monitor), ctx)
    // The thread dies having read all five; its snapshot holds two.
    agent = createFeesMonitor()
    await agent.init(ctx, snapshot)
    expect(ctx.counters['restart_fills_replayed']).toBe(3)
    marketBooks(engine)
    await agent.step(command(3, CycleStep.Monitor), ctx)
    expectBooked(agent, engine)
  })
})
