import { afterEach, describe, expect, it } from 'vitest'
import createAdapters, { REASON_SESSION_LOST, REASON_VENUE_DOWN } from '../../src/agents/adapters/index.js'
import type { Agent } from '../../src/agents/agent.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { RingConsumer } from '../../src/ring/index.js'
import { OrderStatus, Side, TimeInForce } from '../../src/schemas/index.js'
import { readAnswers, RequestWriter, type Answer } from '../fixtures/ring/engine-rings.js'
import { API_KEY, SECRET, startMockBinance } from '../fixtures/venues/mock-binance.js'
import { command, inProcessEngine } from './context.js'
import { executionDesk } from './venue-desk.js'
import { eventually, followingRealTime } from '../fixtures/agents/eventually.js'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// BTC-USDT: a tick is 0.01 USDT, a lot 0.00001 BTC; fees are in 10^-8 USDT.
const BID = 98_000
const LIMIT = 99_000
const ASK = 100_000

describe('adapters restarted on the sim venues', () => {
  it('ends the orders the dead venues held with REASON_SESSION_LOST, with the lots their fills on the ring add up to, and a tiered venue keeps its 30-day volume', async () => {
    const engine = inProcessEngine({
      data_feeds: { instruments: ['BTC-USDT'], venues: ['sim-a'] },
      execution: { adverseTicksPerMs: 0, childTimeoutMs: 60_000 },
      fees_monitor: {
        venueFees: {
          // 10 bps until 3 USDT of 30-day volume, then 0 for a maker.
          'sim-a': { tiers: [{ minVolume30d: '0', makerBps: 10, takerBps: 10 }, { minVolume30d: '3', makerBps: 0, takerBps: 5 }] },
        },
      },
    })
    const desk = await executionDesk(engine, 1, 1)
    const { execution, execCtx, adaptersCtx } = desk
    let adapters: Agent = desk.adapters
    cleanups.push(() => adapters.stop?.())
    let cycle = 1
    let tradeId = 0
    const book = () => {
      desk.level(1, Side.Buy, BID, 5_000)
      desk.level(1, Side.Sell, ASK, 5_000)
    }
    /** Execution's step, then the venue's answers, then execution reads them. */
    const settle = async () => {
      await execution.step(command(++cycle, CycleStep.Execute), execCtx as never)
      for (let round = 0; round < 4; round++) {
        adapters.onFastPath!(adaptersCtx as never)
        engine.clock.advanceNs(2e6)
        await adapters.step(command(cycle, CycleStep.Monitor), adaptersCtx as never)
      }
      await execution.step(command(++cycle, CycleStep.Execute), execCtx as never)
      desk.read()
    }
    const restingBuy = (id: number, sizeLots: number) => desk.parent({ id, cycle: cycle + 1, side: Side.Buy, priceTicks: LIMIT, sizeLots, timeInForce: TimeInForce.GoodTillCancel })
    const sellInto = (sizeLots: number) => desk.trade(1, Side.Sell, LIMIT, sizeLots, ++tradeId)
    const childrenSoFar = () => [...desk.events.keys()]

    book()
    restingBuy(1, 1_000)
    await settle()
    const first = childrenSoFar()[0]!
    expect(desk.events.get(first)?.at(-1)?.status).toBe(OrderStatus.Acknowledged)
    // 400 lots at 990.00: 3.96 USDT at 10 bps, and the venue's volume is past 3 USDT.
    sellInto(400)
    await settle()
    expect(desk.fills.map((f) => [f.clientOrderId, f.sizeLots, f.feeQuoteUnits])).toEqual([[first, 400, 396_000]])

    const snapshot = structuredClone(adapters.snapshot!())

    // After the snapshot: a second child rests behind the first, and 200 more of the first fill (now at 0 bps).
    restingBuy(2, 600)
    await settle()
    const second = childrenSoFar().find((id) => id !== first)!
    expect(desk.events.get(second)?.at(-1)?.status).toBe(OrderStatus.Acknowledged)
    sellInto(200)
    await settle()
    expect(desk.fills.map((f) => [f.clientOrderId, f.sizeLots, f.feeQuoteUnits])).toEqual([
      [first, 400, 396_000],
      [first, 200, 0],
    ])

    // The thread dies; a new one starts from the snapshot.
    await adapters.stop?.()
    adapters = createAdapters() as Agent
    await adapters.init(adaptersCtx as never, snapshot)
    await settle()
    expect(desk.events.get(first)?.at(-1)).toEqual({ venueId: 1, status: OrderStatus.Cancelled, reasonCode: REASON_SESSION_LOST, filledLots: 600, remainingLots: 400 })
    expect(desk.events.get(second)?.at(-1)).toEqual({ venueId: 1, status: OrderStatus.Cancelled, reasonCode: REASON_SESSION_LOST, filledLots: 0, remainingLots: 600 })
    expect(adaptersCtx.counters).toMatchObject({ orders_ended_session_lost: 2, restart_requests_replayed: 1 })
    expect(adaptersCtx.counters['restart_journal_lost']).toBeUndefined()
    expect(execCtx.counters).toMatchObject({ children_cancelled: 2 })
    expect((execution.health!() as { openChildren: Record<string, number> }).openChildren).toEqual({})

    // The new venue trades on, at the tier the volume before the restart earned: a maker fill pays nothing.
    book()
    restingBuy(3, 100)
    await settle()
    const third = childrenSoFar().at(-1)!
    sellInto(100)
    await settle()
    expect(desk.fills.at(-1)).toMatchObject({ clientOrderId: third, sizeLots: 100, feeQuoteUnits: 0 })
    expect(desk.fills).toHaveLength(3)
  })

  it('counts a fill the venue made before the snapshot and reported after it once toward the tier, as the ring tells it', async () => {
    const engine = inProcessEngine({
      data_feeds: { instruments: ['BTC-USDT'], venues: ['sim-a'] },
      execution: { adverseTicksPerMs: 0, childTimeoutMs: 60_000 },
      // 10 bps until 5 USDT of 30-day volume, then 0 for a maker: 3.96 counted twice would cross it.
      fees_monitor: { venueFees: { 'sim-a': { tiers: [{ minVolume30d: '0', makerBps: 10, takerBps: 10 }, { minVolume30d: '5', makerBps: 0, takerBps: 5 }] } } },
    })
    const desk = await executionDesk(engine, 1, 1)
    const { execution, execCtx, adaptersCtx } = desk
    let adapters: Agent = desk.adapters
    cleanups.push(() => adapters.stop?.())
    let cycle = 1
    const pump = async (rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        adapters.onFastPath!(adaptersCtx as never)
        engine.clock.advanceNs(2e6)
        await adapters.step(command(cycle, CycleStep.Monitor), adaptersCtx as never)
      }
    }
    const rest = async (id: number, sizeLots: number) => {
      desk.parent({ id, cycle: ++cycle, side: Side.Buy, priceTicks: LIMIT, sizeLots, timeInForce: TimeInForce.GoodTillCancel })
      await execution.step(command(cycle, CycleStep.Execute), execCtx as never)
      await pump(2)
    }
    desk.level(1, Side.Buy, BID, 5_000)
    desk.level(1, Side.Sell, ASK, 5_000)
    await rest(1, 400)
    // The trade reaches the venue and matches; its report is due a response latency later, after the snapshot.
    desk.trade(1, Side.Sell, LIMIT, 400, 1)
    adapters.onFastPath!(adaptersCtx as never)
    desk.read()
    expect(desk.fills).toEqual([])
    const snapshot = structuredClone(adapters.snapshot!())
    await pump(2)
    desk.read()
    expect(desk.fills.map((f) => [f.sizeLots, f.feeQuoteUnits])).toEqual([[400, 396_000]])

    await adapters.stop?.()
    adapters = createAdapters() as Agent
    await adapters.init(adaptersCtx as never, snapshot)
    desk.level(1, Side.Buy, BID, 5_000)
    desk.level(1, Side.Sell, ASK, 5_000)
    await rest(2, 100)
    desk.trade(1, Side.Sell, LIMIT, 100, 2)
    await pump(2)
    desk.read()
    // 3.96 USDT of volume, counted once: still 10 bps, 0.99 USDT at 10 bps.
    expect(desk.fills.map((f) => [f.sizeLots, f.feeQuoteUnits])).toEqual([
      [400, 396_000],
      [100, 99_000],
    ])
  })
})

/**
 * The adapters in-process against a mock Binance, trading BTC there: its
 * requests written as execution would, its answers read as fees_monitor
 * does; `restart` lets the thread go and starts another from a snapshot.
 */
async function ccxtDesk() {
  const env = await startMockBinance()
  cleanups.push(() => env.close())
  const PRICE = 2_999_900
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 2_999_800, 1_000)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_000, 1_000)
  const saved = { key: process.env['WAVES_BINANCE_API_KEY'], secret: process.env['WAVES_BINANCE_SECRET'] }
  Object.assign(process.env, { WAVES_BINANCE_API_KEY: API_KEY, WAVES_BINANCE_SECRET: SECRET })
  cleanups.push(() => {
    for (const [name, value] of [['WAVES_BINANCE_API_KEY', saved.key], ['WAVES_BINANCE_SECRET', saved.secret]] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
  const engine = inProcessEngine({
    data_feeds: { instruments: ['BTC-USDT'], venues: ['binance'] },
    execution: { venue: 'ccxt:binance' },
    adapters: { ccxtRestUrl: env.urls.rest, ccxtTimeoutMs: 5_000, ccxtPollIntervalMs: 50, ccxtRecvWindowMs: 3_000 },
  })
  const adaptersCtx = engine.context('adapters')
  const fees = engine.context('fees_monitor')
  const requests = new RequestWriter(engine.context('execution').rings.venue!)
  const ring = new RingConsumer(fees.rings.fills!, fees.consumerIds.fills!)
  let adapters = createAdapters() as Agent
  await adapters.init(adaptersCtx as never, undefined)
  cleanups.push(() => adapters.stop?.())
  const answers: Answer[] = []
  // The engine's clock follows real time here: receive windows are about the venue's time.
  const keepUp = followingRealTime(engine.clock)
  const turn = () => {
    keepUp()
    adapters.onFastPath!(adaptersCtx as never)
    answers.push(...readAnswers(ring))
  }
  const state = () => ({ counters: adaptersCtx.counters, answers })
  const filled = (id: number) => answers.reduce((sum, a) => sum + (a.kind === 'fill' && a.id === id ? a.sizeLots : 0), 0)
  const last = (id: number) => answers.filter((a): a is Extract<Answer, { kind: 'event' }> => a.kind === 'event' && a.id === id).at(-1)
  const buy = (id: number, sizeLots: number) => requests.order({ clientOrderId: id, venueId: 1, instrumentId: 0, side: Side.Buy, priceTicks: PRICE, sizeLots, strategyId: 1 })
  const sellInto = (sizeLots: number) => env.mock.printTrade('BTCUSDT', Side.Sell, PRICE, sizeLots)

  return {
    env,
    adaptersCtx,
    requests,
    answers,
    turn,
    state,
    filled,
    last,
    buy,
    sellInto,
    snapshot: () => structuredClone(adapters.snapshot!()),
    /** The thread goes (it stops, answering what it has in flight); while none runs, `meanwhile`; a new one starts from `snapshot`. */
    async restart(snapshot: unknown, meanwhile: () => void = () => {}): Promise<void> {
      await adapters.stop?.()
      meanwhile()
      adapters = createAdapters() as Agent
      await adapters.init(adaptersCtx as never, snapshot)
    },
  }
}

describe('adapters restarted on a ccxt venue (the mock Binance)', () => {
  it('follows the orders the last thread placed, from its snapshot and the rings after it: what filled meanwhile reaches the ring once, nothing twice', async () => {
    const d = await ccxtDesk()
    const { env, adaptersCtx, answers, turn, state, filled, last, buy, sellInto } = d
    buy(1, 10)
    await eventually(() => last(1)?.status === OrderStatus.Acknowledged, 'order 1 resting', turn, state)
    sellInto(4)
    await eventually(() => filled(1) === 4, 'order 1 filled 4', turn, state)

    const snapshot = d.snapshot()

    buy(2, 5)
    await eventually(() => last(2)?.status === OrderStatus.Acknowledged, 'order 2 resting', turn, state)
    sellInto(3)
    await eventually(() => filled(1) === 7, 'order 1 filled 7', turn, state)

    // The thread goes; while none runs, the venue fills order 1 to its end and 2 of order 2.
    await d.restart(snapshot, () => sellInto(5))
    expect(adaptersCtx.counters).toMatchObject({ restart_orders_followed: 2, restart_requests_replayed: 1 })
    await eventually(() => last(1)?.status === OrderStatus.Filled && filled(2) === 2, 'the fills made meanwhile', turn, state)
    d.requests.cancel(2, 1, 0, Side.Buy)
    await eventually(() => last(2)?.status === OrderStatus.Cancelled, 'order 2 cancelled', turn, state)

    expect([filled(1), filled(2)]).toEqual([10, 2])
    expect(last(1)).toMatchObject({ filled: 10, remaining: 0 })
    expect(last(2)).toMatchObject({ filled: 2, remaining: 3 })
    // Each of the venue's trades once on the ring: none written again by the thread that followed.
    const fillIds = answers.flatMap((a) => (a.kind === 'fill' ? [a.venueFillId] : []))
    expect(new Set(fillIds).size).toBe(fillIds.length)
    expect(fillIds).toHaveLength(4)
    expect(env.mock.venue.engineOrder('1')!.filledLots).toBe(10)
    expect(env.mock.venue.engineOrder('2')!.filledLots).toBe(2)
    expect(adaptersCtx.counters['restart_journal_lost']).toBeUndefined()
    expect(env.mock.counters.unexpected).toEqual([])
  }, 60_000)

  it('settles an order whose create was in flight at the snapshot and never reached the venue: answered as never placed, once the receive window is past', async () => {
    const d = await ccxtDesk()
    // Every create is dropped before the venue takes it; the snapshot sees the order sent and not yet answered.
    d.env.mock.faults.inject('POST /api/v3/order', { kind: 'drop', process: false }, 1_000)
    d.buy(1, 10)
    d.turn()
    const snapshot = d.snapshot()
    await d.restart(snapshot, () => d.env.mock.faults.clear())
    // Looked up, not found, and after the 3 s receive window and a second more, never placed.
    await eventually(() => d.last(1)?.status === OrderStatus.Rejected, 'order 1 settled', d.turn, d.state, 20_000)
    expect(d.last(1)).toMatchObject({ reason: REASON_VENUE_DOWN, filled: 0, remaining: 10 })
    expect(d.adaptersCtx.counters['orders_not_placed']).toBe(1)
    expect(d.env.mock.venue.engineOrder('1')).toBeUndefined()
  }, 60_000)
})
