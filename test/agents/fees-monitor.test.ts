import { describe, expect, it } from 'vitest'
import createFeesMonitor from '../../src/agents/fees-monitor/index.js'
import { Board, BoardReader } from '../../src/boards/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { RingBuffer, SingleProducerSequencer } from '../../src/ring/index.js'
import { AccountState, Fill, Liquidity, MessageType, Side } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

describe('fees_monitor', () => {
  it('books every fill on the fill ring exactly, per strategy, and publishes the account state', async () => {
    const engine = inProcessEngine()
    const ctx = engine.context('fees_monitor')
    const agent = createFeesMonitor()
    await agent.init(ctx, undefined)
    const ring = new SingleProducerSequencer(RingBuffer.attach(engine.plane.rings['fills']!))
    const f = new Fill()
    const write = (strategyId: number, instrumentId: number, side: Side, liquidity: Liquidity, priceTicks: number, sizeLots: number, fee: number) => {
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
    // BTC-USDT (tick 0.01, lot 0.00001): buy 0.3 BTC at 87 000.00, buy 0.1 at 87 100.00, sell 0.2 at 87 300.00.
    write(1, 0, Side.Buy, Liquidity.Taker, 8_700_000, 30_000, 1_305_000_000)
    write(1, 0, Side.Buy, Liquidity.Maker, 8_710_000, 10_000, 87_100_000)
    write(1, 0, Side.Sell, Liquidity.Taker, 8_730_000, 20_000, 873_000_000)
    write(2, 1, Side.Sell, Liquidity.Taker, 300_000, 10_000, 0) // ETH-USDT: sell 1 ETH at 3 000.00, no fee
    write(1, 7, Side.Buy, Liquidity.Taker, 100, 1, 0) // no such instrument
    await agent.step(command(1, CycleStep.Monitor), ctx)
    expect(ctx.counters).toMatchObject({ fills: 4, fills_refused: 1 })

    const health = agent.health!()
    const [strategy1, strategy2] = health['strategies'] as Record<string, unknown>[]
    // Average cost 87 025.00; selling 0.2 at 87 300.00 realizes 0.2 × 275 = 55.00; the rest is marked at the last fill, 87 300.00.
    expect(strategy1).toMatchObject({ strategyId: 1, quote: 'USDT', grossPnl: '110.00000000', fees: '22.65100000', netPnl: '87.34900000', fills: 3 })
    expect(strategy2).toMatchObject({ strategyId: 2, grossPnl: '0.00000000', fees: '0.00000000', fills: 1 })

    const board = new BoardReader(Board.attach(engine.plane.boards['account_state']!))
    // Both instruments are quoted in USDT: equity is their net PnL, 87.349 USDT in 10^-8 units.
    expect(board.readWith((bb) => AccountState.getRootAsAccountState(bb).equityQuoteUnits())).toBe(8_734_900_000)
    const positions = board.readWith((bb) => {
      const s = AccountState.getRootAsAccountState(bb)
      return Array.from({ length: s.positionsLength() }, (_, i) => {
        const p = s.positions(i)!
        return [p.instrumentId(), p.venueId(), p.positionLots(), p.averagePriceTicks(), p.realizedPnlQuoteUnits(), p.feesQuoteUnits()]
      })
    })
    expect(positions).toEqual([
      [0, 1, 20_000, 8_702_500, 5_500_000_000, 2_265_100_000],
      [1, 1, -10_000, 300_000, 0, 0],
    ])
  })
})
