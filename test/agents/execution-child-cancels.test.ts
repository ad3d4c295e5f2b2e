import { afterEach, describe, expect, it } from 'vitest'
import createAdapters from '../../src/agents/adapters/index.js'
import type { Agent, AgentContext } from '../../src/agents/agent.js'
import createExecution from '../../src/agents/execution/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { ringsOf } from '../../src/cycle/topology.js'
import { RingBuffer } from '../../src/ring/index.js'
import { OrderStatus, RefusedRequest, Side, TimeInForce } from '../../src/schemas/index.js'
import { SimReasonCode } from '../../src/venues/sim/index.js'
import { command, inProcessEngine } from './context.js'
import { MarketWriter, readAnswers, RequestWriter, RingConsumer } from '../fixtures/ring/engine-rings.js'

const BTC = 0
const VENUE = 1
const MS = 1e6

const agents: Agent[] = []

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop?.()
})

/**
 * Execution and the adapters in-process over the engine's real rings, the
 * sim venue behind them; the test plays the feed and risk. The book: 5 lots
 * bid at 99, 3 offered at 101.
 */
async function executionOverSim(execution: Record<string, unknown> = {}) {
  const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT'], venues: ['a'] }, execution: { childTimeoutMs: 50, orderTimeoutMs: 20, ...execution } })
  const executionCtx = engine.context('execution') as AgentContext
  const adaptersCtx = engine.context('adapters') as AgentContext
  const exec: Agent = createExecution()
  const adapters: Agent = createAdapters()
  agents.push(exec, adapters)
  await exec.init(executionCtx, undefined)
  await adapters.init(adaptersCtx, undefined)
  const market = new MarketWriter(RingBuffer.attach(engine.plane.rings['market']!))
  const risk = new RequestWriter(RingBuffer.attach(engine.plane.rings['orders']!))
  // The fee monitor's view of the fill ring: every answer execution also reads.
  const answers = new RingConsumer(RingBuffer.attach(engine.plane.rings['fills']!), ringsOf('fees_monitor').consumerIds.fills!)
  const now = () => engine.clock.nowNs()
  let cycle = 0
  /** Execution's step of the next cycle, with risk's verdict. */
  const execute = async () => {
    cycle++
    await exec.step(command(cycle, CycleStep.Execute), executionCtx)
  }
  /** The adapters take what the rings hold; past the venue's latency, they write its answers. */
  const venueTurn = () => {
    adapters.onFastPath!(adaptersCtx)
    engine.clock.advanceNs(1 * MS)
    adapters.onFastPath!(adaptersCtx)
  }
  market.book(now(), BTC, VENUE, [[99, 5]], [[101, 3]])
  await execute()
  venueTurn()
  /** A good-till-cancel buy of 5 at 101: 3 take the offer, 2 rest at 101. */
  const buyFive = async () => {
    risk.order({ clientOrderId: 1, venueId: 0, instrumentId: BTC, side: Side.Buy, priceTicks: 101, sizeLots: 5, timeInForce: TimeInForce.GoodTillCancel, riskCycle: cycle + 1, strategyId: 3 })
    await execute()
    venueTurn()
    await execute()
  }
  const openChildren = () => (exec.health!() as { openChildren: Record<string, number> }).openChildren
  return { engine, exec, adapters, executionCtx, adaptersCtx, market, risk, answers, now, execute, venueTurn, buyFive, openChildren }
}

describe('execution: resting children are cancelled through the order state machine', () => {
  it('a child resting past childTimeoutMs is cancelled: CancelPending, then Cancelled when the venue answers, and its parent completes', async () => {
    const t = await executionOverSim()
    await t.buyFive()
    expect(t.executionCtx.counters).toMatchObject({ children_sent: 2, rested_lots: 2, venue_filled: 1, venue_acknowledged: 2 })
    expect(t.openChildren()).toEqual({ Acknowledged: 1 })
    const resting = readAnswers(t.answers).filter((a) => a.kind === 'event' && a.status === OrderStatus.Acknowledged && a.remaining === 2)
    expect(resting).toHaveLength(1)

    // Not yet due: nothing is cancelled.
    t.engine.clock.advanceNs(30 * MS)
    await t.execute()
    expect(t.executionCtx.counters['cancels_sent'] ?? 0).toBe(0)
    t.engine.clock.advanceNs(30 * MS)
    await t.execute()
    expect(t.executionCtx.counters['cancels_sent']).toBe(1)
    expect(t.openChildren()).toEqual({ CancelPending: 1 })

    t.venueTurn()
    expect(readAnswers(t.answers)).toEqual([expect.objectContaining({ kind: 'event', id: resting[0]!.id, status: OrderStatus.Cancelled, refused: RefusedRequest.None, filled: 0, remaining: 2 })])
    await t.execute()
    expect(t.openChildren()).toEqual({})
    expect(t.executionCtx.counters).toMatchObject({ children_cancelled: 1, open_children: 0, open_parents: 0, orders_completed: 1, child_illegal_transitions: 0 })
    expect(t.adaptersCtx.counters).toMatchObject({ cancels_sent: 1, requests_refused: 0 })
  })

  it('a cancel that loses the race to a fill is refused with the order Filled: the fill counts once, nothing illegal', async () => {
    const t = await executionOverSim()
    await t.buyFive()
    readAnswers(t.answers)
    t.engine.clock.advanceNs(60 * MS)
    await t.execute()
    expect(t.openChildren()).toEqual({ CancelPending: 1 })
    // The market sells into the resting bid before the cancel reaches the venue.
    t.market.trade(t.now(), BTC, VENUE, Side.Sell, 101, 2)
    t.venueTurn()
    const answers = readAnswers(t.answers)
    expect(answers.filter((a) => a.kind === 'fill').map((a) => a.kind === 'fill' && [a.sizeLots, a.strategyId])).toEqual([[2, 3]])
    expect(answers.at(-1)).toEqual(expect.objectContaining({ kind: 'event', status: OrderStatus.Filled, refused: RefusedRequest.Cancel, reason: SimReasonCode.CancelFinishedOrder, filled: 2 }))
    await t.execute()
    expect(t.openChildren()).toEqual({})
    expect(t.executionCtx.counters).toMatchObject({ cancels_refused: 1, venue_filled: 2, fills: 2, open_children: 0, open_parents: 0, orders_completed: 1, child_illegal_transitions: 0 })
    expect(t.executionCtx.counters['children_cancelled'] ?? 0).toBe(0)
    expect(t.adaptersCtx.counters).toMatchObject({ cancels_sent: 1, requests_refused: 1, requests_unknown_order: 0 })
  })

  it('a child its venue leaves unanswered past orderTimeoutMs is cancelled; an immediate-or-cancel child is left to the venue', async () => {
    const t = await executionOverSim({ childTimeoutMs: 10_000 })
    t.risk.order({ clientOrderId: 1, venueId: 0, instrumentId: BTC, side: Side.Buy, priceTicks: 99, sizeLots: 1, timeInForce: TimeInForce.GoodTillCancel, riskCycle: 2 })
    await t.execute()
    // No answer: the adapters are not run. The unanswered child falls due between steps too.
    t.engine.clock.advanceNs(25 * MS)
    t.exec.onFastPath!(t.executionCtx)
    expect(t.executionCtx.counters['cancels_sent']).toBe(1)
    t.venueTurn()
    expect(readAnswers(t.answers).map((a) => a.kind === 'event' && OrderStatus[a.status])).toEqual(['Acknowledged', 'Cancelled'])
    await t.execute()
    expect(t.executionCtx.counters).toMatchObject({ children_cancelled: 1, open_children: 0, child_illegal_transitions: 0 })

    t.risk.order({ clientOrderId: 2, venueId: 0, instrumentId: BTC, side: Side.Buy, priceTicks: 101, sizeLots: 1, timeInForce: TimeInForce.ImmediateOrCancel, riskCycle: 4 })
    await t.execute()
    t.venueTurn()
    t.engine.clock.advanceNs(100 * MS)
    await t.execute()
    expect(t.executionCtx.counters).toMatchObject({ cancels_sent: 1, venue_filled: 1, open_children: 0 })
  })

  it('a restarted execution still cancels the children its snapshot says rest', async () => {
    const t = await executionOverSim()
    await t.buyFive()
    const snapshot = t.exec.snapshot!() as { children: { status: OrderStatus; sizeLots: number }[] }
    expect(snapshot.children.map((c) => [OrderStatus[c.status], c.sizeLots])).toEqual([['Acknowledged', 2]])
    // The thread dies; a new one takes over the same rings from the snapshot.
    const restarted: Agent = createExecution()
    agents.push(restarted)
    await restarted.init(t.executionCtx, structuredClone(snapshot))
    t.engine.clock.advanceNs(60 * MS)
    await restarted.step(command(99, CycleStep.Execute), t.executionCtx)
    expect((restarted.health!() as { openChildren: Record<string, number> }).openChildren).toEqual({ CancelPending: 1 })
    t.venueTurn()
    await restarted.step(command(100, CycleStep.Execute), t.executionCtx)
    expect(t.executionCtx.counters).toMatchObject({ children_cancelled: 1, open_children: 0, child_illegal_transitions: 0 })
  })

  it('a stopping execution cancels what rests, best effort; with the venue ring closed it sends nothing and says so', async () => {
    const t = await executionOverSim({ childTimeoutMs: 10_000 })
    await t.buyFive()
    readAnswers(t.answers)
    await t.exec.stop!()
    t.venueTurn()
    expect(readAnswers(t.answers)).toEqual([expect.objectContaining({ kind: 'event', status: OrderStatus.Cancelled, remaining: 2 })])
    expect(t.executionCtx.counters['cancels_sent']).toBe(1)

    const u = await executionOverSim({ childTimeoutMs: 10_000 })
    await u.buyFive()
    RingBuffer.attach(u.engine.plane.rings['venue']!).close()
    await u.exec.stop!()
    expect(u.executionCtx.counters['cancels_sent'] ?? 0).toBe(0)
    expect(u.openChildren()).toEqual({ Acknowledged: 1 })
  })
})
