import { describe, expect, it } from 'vitest'
import createRiskManagement from '../../src/agents/risk-management/index.js'
import type { Agent } from '../../src/agents/agent.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { RingConsumer, SingleProducerSequencer, type RingBuffer } from '../../src/ring/index.js'
import { MessageType, Order, OrderIntent, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

// BTC-USDT: a lot is 0.00001 BTC, so the 0.001 BTC position limit is 100 lots.
const PRICE = 3_000_000

describe('risk_management restarted from its snapshot', () => {
  it('counts the orders it approved after the snapshot against the position limit, and hands out no client order id twice', async () => {
    const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT'], venues: ['a'] }, risk_management: { maxPosition: 0.001 } })
    const ctx = engine.context('risk_management')
    const intents = new SingleProducerSequencer(engine.context('strategy_engine').rings.intents!)
    const execution = engine.context('execution')
    const approved = new RingConsumer(execution.rings.orders!, execution.consumerIds.orders!)
    const intent = new OrderIntent()
    let intentId = 0
    const propose = (side: Side, sizeLots: number) => {
      const s = intents.claim(1)
      intent.__init(intents.setHeader(s, OrderIntent.sizeOf(), MessageType.OrderIntent), intents.ring.byteBuffer)
      intent.mutate_intent_id(++intentId)
      intent.mutate_strategy_id(1)
      intent.mutate_instrument_id(0)
      intent.mutate_side(side)
      intent.mutate_order_type(OrderType.Limit)
      intent.mutate_time_in_force(TimeInForce.ImmediateOrCancel)
      intent.mutate_price_ticks(PRICE)
      intent.mutate_size_lots(sizeLots)
      intents.publish(s)
    }
    const order = new Order()
    const seen: Array<[number, number]> = []
    const read = () => approved.drain((ring: RingBuffer, _s, _type, offset) => void seen.push([order.__init(offset, ring.byteBuffer).clientOrderId(), order.intentId()]))
    let cycle = 0
    const judge = async (risk: Agent) => {
      await risk.step(command(++cycle, CycleStep.EvaluateRisk), ctx as never)
      read()
    }

    let risk = createRiskManagement() as Agent
    await risk.init(ctx as never, undefined)
    propose(Side.Buy, 40)
    await judge(risk)
    const snapshot = structuredClone(risk.snapshot!())
    propose(Side.Buy, 40)
    await judge(risk)
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
    ])

    // The thread dies after approving 80 lots; its snapshot knew of 40.
    risk = createRiskManagement() as Agent
    await risk.init(ctx as never, snapshot)
    expect(ctx.counters['restart_approvals_replayed']).toBe(1)
    propose(Side.Buy, 40)
    await judge(risk)
    expect(ctx.counters['rejected_position']).toBe(1)
    propose(Side.Sell, 40)
    await judge(risk)
    // Intent 3 refused (120 lots would pass the limit), intent 4 approved under a new id.
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ])
  })
})
