import { afterEach, describe, expect, it } from 'vitest'
import type { Agent } from '../../src/agents/agent.js'
import createExecution from '../../src/agents/execution/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { SimReasonCode } from '../../src/venues/sim/index.js'
import { Liquidity, OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'
import { executionDesk } from './venue-desk.js'

const SIM_A = 1
const SIM_B = 2

let stop: (() => unknown) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

/**
 * Execution choosing maker or taker over two sim venues whose books show
 * 98 bid / 102 ask, 50 lots each: a 400 bps spread around 100. Makers pay
 * nothing, takers 10 bps; a posted order rests 5 ms, and one that does not
 * fill is expected to cost `missCostBps` more than taking at once.
 */
async function desk(missCostBps = 5, maxReprices = 3) {
  const engine = inProcessEngine({
    // ETH trades no parent here: its measures stay at their priors beside BTC's.
    data_feeds: { instruments: ['BTC-USDT', 'ETH-USDT'], venues: ['sim-a', 'sim-b'] },
    execution: { adverseTicksPerMs: 0, liquidity: 'choose', childTimeoutMs: 5, missCostBps, adverseHorizonMs: 2, maxReprices },
    fees_monitor: { takerFeeBps: 10, makerFeeBps: 0 },
  })
  const d = await executionDesk(engine, 2, 2)
  const { adapters, execCtx, adaptersCtx } = d
  let execution: Agent = d.execution
  stop = d.stop
  for (const venue of [SIM_A, SIM_B]) {
    d.level(venue, Side.Buy, 98, 50)
    d.level(venue, Side.Sell, 102, 50)
  }
  let cycle = 1
  return {
    ...d,
    execCtx,
    /** A good-till-cancel buy of 10 lots up to 102, approved in the next cycle. */
    buy(id: number): void {
      d.parent({ id, cycle: cycle + 1, side: Side.Buy, priceTicks: 102, sizeLots: 10, timeInForce: TimeInForce.GoodTillCancel })
    },
    /** Execution's execute step of the next cycle. */
    executeStep(): void {
      void execution.step(command(++cycle, CycleStep.Execute), execCtx as never)
    },
    /** The venues take what is on the venue ring, run their latency out, and answer; 3 ms pass. */
    venuesAnswer(): void {
      for (let round = 0; round < 3; round++) {
        adapters.onFastPath!(adaptersCtx as never)
        engine.clock.advanceNs(1e6)
        void adapters.step(command(cycle, CycleStep.Monitor), adaptersCtx as never)
      }
      d.read()
    },
    health: () => execution.health!(),
    snapshotExecution: () => structuredClone(execution.snapshot!()),
    /** Execution's thread dies and a new one starts from `snapshot` (by default, one taken now). */
    async restartExecution(snapshot = structuredClone(execution.snapshot!())): Promise<void> {
      execution = createExecution() as Agent
      await execution.init(execCtx as never, snapshot)
    },
    /** sim-a's, of BTC-USDT: every post here goes there. */
    postFillRatio: () => (execution.health!()['postFillRatio'] as number[][])[0]![0],
    adverseSelectionBps: () => (execution.health!()['adverseSelectionBps'] as number[][])[0]![0],
    /** Both venues' bid moves from `from` to `to`, 50 lots there. */
    bidMoves(from: number, to: number): void {
      for (const venue of [SIM_A, SIM_B]) {
        d.level(venue, Side.Buy, to, 50)
        d.level(venue, Side.Buy, from, 0)
      }
    },
    waitMs(ms: number): void {
      engine.clock.advanceNs(ms * 1e6)
    },
  }
}

describe('the maker/taker choice in execution', () => {
  it('posts a parent post-only at the touch when posting is expected to cost less, and takes what is left once its rest time is over', async () => {
    // Posting: half the spread (200 bps) earned and no fee half the time, vs 200 + 10 bps to take now.
    const t = await desk()
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    const [posted] = [...t.events.keys()]
    expect(t.events.get(posted!)).toEqual([{ venueId: SIM_A, status: OrderStatus.Acknowledged, reasonCode: 0, filledLots: 0, remainingLots: 10 }])
    expect(t.execCtx.counters).toMatchObject({ posted: 1, posted_lots: 10 })

    // Nobody sells at 98: once its 5 ms are over a step cancels it, and the step after takes the 10 lots at 102.
    t.waitMs(5)
    t.executeStep()
    t.venuesAnswer()
    expect(t.events.get(posted!)!.at(-1)).toMatchObject({ status: OrderStatus.Cancelled, filledLots: 0, remainingLots: 10 })
    t.executeStep()
    t.venuesAnswer()
    const taken = [...t.events.keys()].slice(1)
    expect(taken).toHaveLength(1)
    expect(t.fills.filter((f) => f.clientOrderId === taken[0])).toMatchObject([{ clientOrderId: taken[0], venueId: SIM_A, priceTicks: 102, sizeLots: 10, liquidity: Liquidity.Taker }])
    t.executeStep()
    expect(t.execCtx.counters).toMatchObject({ post_remainders_taken: 1, post_remainder_lots: 10, orders_completed: 1, open_parents: 0 })
    // What posting filled (nothing) moves the fill probability the next choice weighs: 0.9 × 0.5.
    expect(t.postFillRatio()).toBeCloseTo(0.45, 12)
    // BTC's at sim-a, not ETH's: an instrument's posts say nothing of another's.
    expect((t.health()['postFillRatio'] as number[][])[0]![1]).toBe(0.5)
  })

  it('a posted order that trades fills as a maker, and the parent ends there', async () => {
    const t = await desk()
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    // A seller takes the 50 lots ahead of it at 98, then its 10.
    t.trade(SIM_A, Side.Sell, 98, 60, 1)
    t.venuesAnswer()
    const [posted] = [...t.events.keys()]
    expect(t.fills).toMatchObject([{ clientOrderId: posted, venueId: SIM_A, priceTicks: 98, sizeLots: 10, liquidity: Liquidity.Maker }])
    t.executeStep()
    expect([...t.events.keys()]).toHaveLength(1)
    expect(t.execCtx.counters).toMatchObject({ posted: 1, orders_completed: 1, open_parents: 0 })
    expect(t.execCtx.counters['post_remainders_taken']).toBeUndefined()
    expect(t.postFillRatio()).toBeCloseTo(0.55, 12)
    // The post's round trip in the venue's histogram: 250 µs out, 250 back (the sim venues' default).
    expect((t.health()['venueRoundTripUs'] as Array<Record<string, unknown>>)[0]).toMatchObject({ venue: 'sim-a', count: 1, p50: 500, max: 500 })
  })

  /**
   * A buy posted at 98; the bid moves to 99, so the post is cancelled and
   * posted again there, where a trade fills it as a maker. `meanwhile` runs
   * after the first post is acknowledged.
   */
  async function followsTheBid(meanwhile: (t: Awaited<ReturnType<typeof desk>>) => Promise<void> = async () => {}) {
    const t = await desk()
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    await meanwhile(t)
    t.bidMoves(98, 99)
    t.executeStep()
    t.venuesAnswer()
    const [first] = [...t.events.keys()]
    expect(t.events.get(first!)!.at(-1)).toMatchObject({ status: OrderStatus.Cancelled, remainingLots: 10 })
    t.executeStep()
    t.venuesAnswer()
    const [, second] = [...t.events.keys()]
    expect(t.events.get(second!)).toEqual([{ venueId: SIM_A, status: OrderStatus.Acknowledged, reasonCode: 0, filledLots: 0, remainingLots: 10 }])
    t.trade(SIM_A, Side.Sell, 99, 60, 1)
    t.venuesAnswer()
    expect(t.fills).toMatchObject([{ clientOrderId: second, venueId: SIM_A, priceTicks: 99, sizeLots: 10, liquidity: Liquidity.Maker }])
    t.executeStep()
    // Measured against its arrival mid (100): 99 for a buy is 100 bps better.
    expect(t.execCtx.counters).toMatchObject({ posted: 1, reprice_cancels: 1, reposted: 1, orders_completed: 1, orders_measured: 1, open_parents: 0 })
    expect((t.health()['shortfallBps'] as Array<{ all: { count: number; p50Bps: number } }>)[0]!.all).toMatchObject({ count: 1, p50Bps: -100 })
    expect(t.execCtx.counters['post_remainders_taken']).toBeUndefined()
    // The repriced one was not given its time: only the fill counts, 0.9 × 0.5 + 0.1.
    expect(t.postFillRatio()).toBeCloseTo(0.55, 12)
  }

  it('a posted buy the bid moves up from is cancelled and posted again at the new bid, where it fills as a maker', async () => {
    await followsTheBid()
  })

  it('a restarted execution goes on with a posted parent, its measures and its slippage where the first thread left them', async () => {
    await followsTheBid(async (t) => {
      // The snapshot is older than the thread's end: it last saw the post sent, and read the venue's ack after.
      const snapshot = t.snapshotExecution()
      t.executeStep()
      await t.restartExecution(snapshot)
      expect(t.execCtx.counters['restart_answers_replayed']).toBe(1)
      // The feed sends the restarted reader whole books again.
      for (const venue of [SIM_A, SIM_B]) {
        t.level(venue, Side.Buy, 98, 50)
        t.level(venue, Side.Sell, 102, 50)
      }
    })
  })

  it('a restarted execution whose snapshot is older than a parent it posted finds the parent and its post again on the rings, and hands out no child id twice', async () => {
    const t = await desk()
    const snapshot = t.snapshotExecution()
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    t.executeStep()
    await t.restartExecution(snapshot)
    expect(t.execCtx.counters).toMatchObject({ restart_parents_caught_up: 1, restart_children_caught_up: 1, restart_answers_replayed: 1 })
    for (const venue of [SIM_A, SIM_B]) {
      t.level(venue, Side.Buy, 98, 50)
      t.level(venue, Side.Sell, 102, 50)
    }
    t.bidMoves(98, 99)
    t.executeStep()
    t.venuesAnswer()
    t.executeStep()
    t.venuesAnswer()
    const [first, second] = [...t.events.keys()]
    expect(second).toBeDefined()
    expect(t.events.get(first!)!.at(-1)).toMatchObject({ status: OrderStatus.Cancelled, remainingLots: 10 })
    t.trade(SIM_A, Side.Sell, 99, 60, 1)
    t.venuesAnswer()
    expect(t.fills).toMatchObject([{ clientOrderId: second, priceTicks: 99, sizeLots: 10, liquidity: Liquidity.Maker }])
    t.executeStep()
    // Its arrival price died with the first thread's tracker: completed, not measured.
    expect(t.execCtx.counters).toMatchObject({ posted: 1, reprice_cancels: 1, reposted: 1, orders_completed: 1, open_parents: 0 })
    expect(t.execCtx.counters['orders_measured']).toBeUndefined()
  })

  it('goes again at a new touch at most maxReprices times a parent', async () => {
    const t = await desk(5, 1)
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    for (const [up, from] of [[99, 98], [100, 99]]) {
      t.bidMoves(from!, up!)
      t.executeStep()
      t.venuesAnswer()
      t.executeStep()
      t.venuesAnswer()
    }
    // Once at 99; the move to 100 leaves the second post where it is.
    expect(t.execCtx.counters).toMatchObject({ reprice_cancels: 1, reposted: 1, open_children: 1 })
  })

  it('measures how far the mid runs against a maker fill, and weighs that in the next choice', async () => {
    const t = await desk()
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    t.trade(SIM_A, Side.Sell, 98, 60, 1)
    t.venuesAnswer()
    t.executeStep()
    // Bought at a mid of 100; then both books fall to 94 / 98, a mid of 96: 400 bps against the fill.
    for (const venue of [SIM_A, SIM_B]) {
      t.level(venue, Side.Buy, 98, 0)
      t.level(venue, Side.Buy, 94, 50)
      t.level(venue, Side.Sell, 102, 0)
      t.level(venue, Side.Sell, 98, 50)
    }
    t.waitMs(2)
    t.executeStep()
    expect(t.execCtx.counters['adverse_fills_measured']).toBe(1)
    // From a prior of 0, weighted 0.1 to the new: 40 bps, at sim-a; sim-b, where nothing was posted, keeps the prior.
    expect(t.adverseSelectionBps()).toBeCloseTo(40, 9)
    // Per venue, per instrument: BTC's at sim-a moved; ETH's, and everything at sim-b, kept the prior.
    expect(t.health()['adverseSelectionBps']).toEqual([[t.adverseSelectionBps(), 0], [0, 0]])
    expect((t.health()['postFillRatio'] as number[][])[1]).toEqual([0.5, 0.5])
  })

  it('a post-only order the book has moved through is refused by the venue, not filled as a taker, and is then taken at the next step', async () => {
    const t = await desk()
    t.buy(1)
    t.executeStep()
    // Before the order reaches sim-a, its book moves down: 97 bid, 98 ask. Resting at 98 would now take.
    t.level(SIM_A, Side.Buy, 98, 0)
    t.level(SIM_A, Side.Buy, 97, 50)
    t.level(SIM_A, Side.Sell, 102, 0)
    t.level(SIM_A, Side.Sell, 98, 50)
    t.venuesAnswer()
    const [posted] = [...t.events.keys()]
    expect(t.events.get(posted!)).toEqual([{ venueId: SIM_A, status: OrderStatus.Rejected, reasonCode: SimReasonCode.PostOnlyWouldCross, filledLots: 0, remainingLots: 10 }])
    t.executeStep()
    t.venuesAnswer()
    const taken = [...t.events.keys()].slice(1)
    expect(t.fills).toMatchObject([{ clientOrderId: taken[0], venueId: SIM_A, priceTicks: 98, sizeLots: 10, liquidity: Liquidity.Taker }])
  })

  it('a market order is not weighed for posting: it takes', async () => {
    const t = await desk()
    t.parent({ id: 1, cycle: 2, side: Side.Buy, priceTicks: 0, sizeLots: 10, timeInForce: TimeInForce.GoodTillCancel, orderType: OrderType.Market })
    t.executeStep()
    t.venuesAnswer()
    expect(t.execCtx.counters).toMatchObject({ routed: 1 })
    expect(t.execCtx.counters['posted'] ?? t.execCtx.counters['chose_take']).toBeUndefined()
    expect(t.fills.map((f) => [f.priceTicks, f.sizeLots, f.liquidity])).toEqual([[102, 10, Liquidity.Taker]])
  })

  it('takes, as without the choice, when the order is too urgent for posting to pay', async () => {
    // Half the time a post saves 210 bps; the other half it costs 1000 bps more: taking is cheaper.
    const t = await desk(1000)
    t.buy(1)
    t.executeStep()
    t.venuesAnswer()
    expect(t.execCtx.counters).toMatchObject({ chose_take: 1, routed: 1 })
    expect(t.execCtx.counters['posted']).toBeUndefined()
    expect(t.fills.map((f) => [f.priceTicks, f.sizeLots, f.liquidity])).toEqual([[102, 10, Liquidity.Taker]])
  })
})
