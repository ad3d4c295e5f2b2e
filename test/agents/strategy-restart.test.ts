import { describe, expect, it } from 'vitest'
import type { Agent } from '../../src/agents/agent.js'
import createDataFeeds from '../../src/agents/data-feeds/index.js'
import createStrategyEngine from '../../src/agents/strategy-engine/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { RingConsumer, type RingBuffer } from '../../src/ring/index.js'
import { Order, OrderIntent } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

interface StrategySnapshot {
  nextIntentId: number
  fast: { nextOrderId: number; check: { positions: Array<[number, number]> }; mark: number }
}

describe('strategy_engine restarted from its snapshot', () => {
  it('hands out no intent or fast-path order id twice, and its fast path counts what it sent after the snapshot', async () => {
    const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT', 'ETH-USDT'], venues: ['a', 'b'] }, strategy_engine: { fastPath: true } })
    const feedsCtx = engine.context('data_feeds', { seed: 3, updatesPerStep: 20 })
    const ctx = engine.context('strategy_engine')
    const feeds = createDataFeeds()
    await feeds.init(feedsCtx as never, undefined)
    const intents = new RingConsumer(ctx.rings.intents!, engine.context('risk_management').consumerIds.intents!)
    const fastOrders = new RingConsumer(ctx.rings.fast!, engine.context('adapters').consumerIds.fast!)
    const intentIds: number[] = []
    const orderIds: number[] = []
    const intent = new OrderIntent()
    const order = new Order()
    let cycle = 0
    const run = async (strategy: Agent, cycles: number) => {
      for (let k = 0; k < cycles; k++) {
        cycle++
        engine.clock.advanceNs(20e6)
        await feeds.step(command(cycle, CycleStep.Sense), feedsCtx as never)
        strategy.onFastPath!(ctx as never)
        await strategy.step(command(cycle, CycleStep.Compose), ctx as never)
        await strategy.step(command(cycle, CycleStep.Learn, { riskVerdict: true }), ctx as never)
        intents.drain((ring: RingBuffer, _s, _t, offset) => void intentIds.push(intent.__init(offset, ring.byteBuffer).intentId()))
        fastOrders.drain((ring: RingBuffer, _s, _t, offset) => void orderIds.push(order.__init(offset, ring.byteBuffer).clientOrderId()))
      }
    }

    let strategy = createStrategyEngine() as Agent
    await strategy.init(ctx as never, undefined)
    await run(strategy, 1)
    const snapshot = structuredClone(strategy.snapshot!()) as StrategySnapshot
    const [intentsBefore, ordersBefore] = [intentIds.length, orderIds.length]
    await run(strategy, 60)
    expect(intentIds.length).toBeGreaterThan(intentsBefore)
    expect(orderIds.length).toBeGreaterThan(ordersBefore)
    const atCrash = structuredClone(strategy.snapshot!()) as StrategySnapshot

    strategy = createStrategyEngine() as Agent
    await strategy.init(ctx as never, snapshot)
    // What it knows now is what the thread that died knew, though its snapshot was older (a rate budget
    // spent per order read back, not per decision, is at most smaller: the safe side).
    const now = strategy.snapshot!() as StrategySnapshot
    expect([now.nextIntentId, now.fast.nextOrderId, now.fast.mark, now.fast.check.positions]).toEqual([atCrash.nextIntentId, atCrash.fast.nextOrderId, atCrash.fast.mark, atCrash.fast.check.positions])
    expect(ctx.counters['fast_path_journal_lost']).toBeUndefined()
    await run(strategy, 60)
    expect(new Set(intentIds).size).toBe(intentIds.length)
    expect(new Set(orderIds).size).toBe(orderIds.length)
    await feeds.stop?.()
  })
})
