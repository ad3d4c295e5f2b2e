import { afterEach, describe, expect, it } from 'vitest'
import createFeesMonitor from '../../src/agents/fees-monitor/index.js'
import { Board, BoardReader } from '../../src/boards/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { RingBuffer, SingleProducerSequencer } from '../../src/ring/index.js'
import { AccountState, Fill, Liquidity, MessageType, Side } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'
import { executionDesk } from './venue-desk.js'

let stop: (() => unknown) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

/** Each venue's fee standing on the account state board: [venueId, tierIndex, makerBps, takerBps, volume30d]. */
function standings(engine: ReturnType<typeof inProcessEngine>): number[][] | undefined {
  return new BoardReader(Board.attach(engine.plane.boards['account_state']!)).readWith((bb) => {
    const state = AccountState.getRootAsAccountState(bb)
    return Array.from({ length: state.venueFeesLength() }, (_, i) => {
      const f = state.venueFees(i)!
      return [f.venueId(), f.tierIndex(), f.makerBps(), f.takerBps(), f.volume30d()]
    })
  })
}

describe('fee tiers', () => {
  it('fees_monitor checks each fill against the tier in force, moves up when the 30-day volume crosses a threshold, and keeps the volume across a restart', async () => {
    const config = {
      data_feeds: { instruments: ['BTC-USDT'], venues: ['binance', 'kraken'] },
      fees_monitor: {
        venueFees: {
          binance: {
            tiers: [
              { minVolume30d: '0', makerBps: 10, takerBps: 10 },
              { minVolume30d: '50000', makerBps: 2, takerBps: 4 },
            ],
            volume30d: '40000',
          },
        },
      },
    }
    const engine = inProcessEngine(config)
    const ctx = engine.context('fees_monitor')
    const agent = createFeesMonitor()
    await agent.init(ctx, undefined)
    const ring = new SingleProducerSequencer(RingBuffer.attach(engine.plane.rings['fills']!))
    const f = new Fill()
    // 0.1 BTC at 87 000.00 USDT: 8 700 USDT of notional; fees in 10^-8 USDT.
    const fill = (venueId: number, liquidity: Liquidity, fee: number) => {
      const s = ring.claim(1)
      f.__init(ring.setHeader(s, Fill.sizeOf(), MessageType.Fill), ring.ring.byteBuffer)
      f.mutate_ts_ns(engine.clock.nowNs())
      f.mutate_client_order_id(s + 1)
      f.mutate_venue_id(venueId)
      f.mutate_side(Side.Buy)
      f.mutate_liquidity(liquidity)
      f.mutate_price_ticks(8_700_000)
      f.mutate_size_lots(10_000)
      f.mutate_fee_quote_units(fee)
      f.mutate_strategy_id(1)
      ring.publish(s)
    }
    fill(1, Liquidity.Taker, 870_000_000) // 40 000 before it: 10 bps, 8.70
    fill(1, Liquidity.Taker, 870_000_000) // 48 700 before it: still 10 bps
    fill(1, Liquidity.Maker, 174_000_000) // 57 400 before it: the second tier, maker 2 bps, 1.74
    fill(1, Liquidity.Taker, 870_000_000) // charged 10 bps where the tier says 4 (3.48): a mismatch
    fill(2, Liquidity.Taker, 435_000_000) // kraken, flat at the default 5 bps: 4.35
    await agent.step(command(1, CycleStep.Monitor), ctx)
    expect(ctx.counters).toMatchObject({ fills: 5, fee_checks: 5, fee_mismatches: 1 })
    expect(standings(engine)).toEqual([
      [1, 1, 2, 4, 74_800],
      [2, 0, 1, 5, 8_700],
    ])
    expect(agent.health!()['venueFees']).toEqual([
      { venueId: 1, tierIndex: 1, makerBps: 2, takerBps: 4, checked: 4, mismatched: 1 },
      { venueId: 2, tierIndex: 0, makerBps: 1, takerBps: 5, checked: 1, mismatched: 0 },
    ])

    // A restart restores the days of volume, not the configured 40 000 again.
    const restarted = createFeesMonitor()
    const again = inProcessEngine(config)
    await restarted.init(again.context('fees_monitor'), agent.snapshot!())
    await restarted.step(command(2, CycleStep.Monitor), again.context('fees_monitor'))
    expect(standings(again)).toEqual([
      [1, 1, 2, 4, 74_800],
      [2, 0, 1, 5, 8_700],
    ])
  })

  it('a tiered sim venue charges by tier, and execution prices its lots at the tier fees_monitor publishes', async () => {
    // sim-a asks 100 and sim-b 101 ticks (1.00 and 1.01 USDT), 50 lots (0.0005 BTC) each. sim-a
    // starts at a 200 bps taker tier (a lot there costs 102) and goes to 0 bps from 0.0001 USDT of
    // 30-day volume; it has 0.00005 already. sim-b is flat at 0.
    const engine = inProcessEngine({
      data_feeds: { instruments: ['BTC-USDT'], venues: ['sim-a', 'sim-b'] },
      execution: { adverseTicksPerMs: 0 },
      fees_monitor: {
        takerFeeBps: 0,
        makerFeeBps: 0,
        venueFees: {
          'sim-a': {
            tiers: [
              { minVolume30d: '0', makerBps: 0, takerBps: 200 },
              { minVolume30d: '0.0001', makerBps: 0, takerBps: 0 },
            ],
            volume30d: '0.00005',
          },
        },
      },
    })
    const desk = await executionDesk(engine, 1, 2)
    const { execution, adapters, execCtx, adaptersCtx } = desk
    stop = desk.stop
    const feesCtx = engine.context('fees_monitor')
    const fees = createFeesMonitor()
    await fees.init(feesCtx, undefined)
    for (const venue of [1, 2]) {
      desk.level(venue, Side.Buy, 98, 50)
      desk.level(venue, Side.Sell, venue === 1 ? 100 : 101, 50)
    }
    let cycle = 1
    /** Execution routes what risk approved this cycle, the venues answer, fees_monitor books and publishes. */
    const cycleWith = (parent: { id: number; priceTicks: number; sizeLots: number }) => {
      cycle++
      const seen = desk.events.size
      desk.parent({ ...parent, cycle, side: Side.Buy })
      void execution.step(command(cycle, CycleStep.Execute), execCtx as never)
      for (let round = 0; round < 4; round++) {
        adapters.onFastPath!(adaptersCtx as never)
        engine.clock.advanceNs(2e6)
        void adapters.step(command(cycle, CycleStep.Monitor), adaptersCtx as never)
      }
      desk.read()
      void fees.step(command(cycle, CycleStep.Monitor), feesCtx)
      return [...desk.events.keys()].slice(seen)
    }

    // 60 lots up to 102: sim-b's 50 first (101 beats 102), then 10 at sim-a.
    const first = cycleWith({ id: 1, priceTicks: 102, sizeLots: 60 })
    expect(desk.filledByVenue(first)).toEqual({ 1: 10, 2: 50 })
    // sim-a charged 200 bps on 0.0001 USDT: 2 × 10^-6 USDT, and its volume is now past the threshold.
    expect(feesCtx.counters).toMatchObject({ fee_checks: 2, fee_mismatches: 0 })
    expect(standings(engine)?.[0]).toEqual([1, 1, 0, 0, 0.00015])
    const sumFees = () => (fees.health!()['feesTakerQuoteUnits'] as string)
    expect(sumFees()).toBe('200')

    // At 0 bps a lot at sim-a costs 100: the next parent goes there whole, and pays nothing.
    const second = cycleWith({ id: 2, priceTicks: 101, sizeLots: 10 })
    expect(desk.filledByVenue(second)).toEqual({ 1: 10 })
    expect(sumFees()).toBe('200')
    expect(feesCtx.counters).toMatchObject({ fee_checks: 3, fee_mismatches: 0 })
    expect(execCtx.counters['fee_tiers_applied']).toBeGreaterThanOrEqual(1)
  })
})
