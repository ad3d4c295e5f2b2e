import { afterEach, describe, expect, it } from 'vitest'
import createAdapters, { REASON_VENUE_DOWN } from '../../src/agents/adapters/index.js'
import type { Agent, AgentContext } from '../../src/agents/agent.js'
import createExecution from '../../src/agents/execution/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { ringsOf } from '../../src/cycle/topology.js'
import { RingBuffer } from '../../src/ring/index.js'
import { OrderStatus, RefusedRequest, Side, TimeInForce } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'
import { MarketWriter, readAnswers, RequestWriter, RingConsumer, type Answer } from '../fixtures/ring/engine-rings.js'

const BTC = 0
const SIM_A = 1
const SIM_B = 2
const MS = 1e6

const agents: Agent[] = []
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop?.()
})

type Event = Extract<Answer, { kind: 'event' }>

/**
 * Execution and the sim adapters in-process over one engine's rings, two
 * sim venues that both bid 98 and ask 100 (sim-a) and 101 (sim-b), 50 lots
 * each, with no fees and no price on latency: a remainder rests on sim-a
 * while both are up (the router's tie-break). The test plays the feed, risk
 * and the operator.
 */
async function twoSimVenues() {
  const engine = inProcessEngine({
    data_feeds: { instruments: ['BTC-USDT'], venues: ['sim-a', 'sim-b'] },
    execution: { adverseTicksPerMs: 0, childTimeoutMs: 50, orderTimeoutMs: 20 },
    fees_monitor: { takerFeeBps: 0, makerFeeBps: 0 },
  })
  const execCtx = engine.context('execution') as AgentContext
  let adaptersCtx = engine.context('adapters') as AgentContext
  const exec: Agent = createExecution()
  const adapters: Agent = createAdapters()
  agents.push(exec, adapters)
  await exec.init(execCtx, undefined)
  await adapters.init(adaptersCtx, undefined)
  const market = new MarketWriter(RingBuffer.attach(engine.plane.rings['market']!))
  const risk = new RequestWriter(RingBuffer.attach(engine.plane.rings['orders']!))
  const answers = new RingConsumer(RingBuffer.attach(engine.plane.rings['fills']!), ringsOf('fees_monitor').consumerIds.fills!)
  const now = () => engine.clock.nowNs()
  const seen: Event[] = []
  let cycle = 0
  const t = {
    engine,
    exec,
    execCtx,
    adaptersCtx: () => adaptersCtx,
    /** Execution's execute step of the next cycle, with risk's verdict unless told otherwise. */
    execute: async (flags: { riskVerdict?: boolean } = {}) => {
      cycle++
      await exec.step(command(cycle, CycleStep.Execute, flags), execCtx)
    },
    /** A parent risk approves for the next cycle. */
    parent: (clientOrderId: number, priceTicks: number, sizeLots: number, timeInForce: TimeInForce) =>
      risk.order({ clientOrderId, venueId: 0, instrumentId: BTC, side: Side.Buy, priceTicks, sizeLots, timeInForce, riskCycle: cycle + 1, strategyId: 3 }),
    /** The adapters take what the rings hold; past the venues' latency, they write what the venues answered. */
    venueTurn: () => {
      adapters.onFastPath!(adaptersCtx)
      engine.clock.advanceNs(1 * MS)
      adapters.onFastPath!(adaptersCtx)
    },
    /** The operator's venuesDown, as `engine.reconfigure` hands it over. */
    venuesDown: (names: string[]) => {
      adaptersCtx = { ...adaptersCtx, config: { ...adaptersCtx.config, venuesDown: names } }
      void adapters.configure!(adaptersCtx)
    },
    /** Every order event on the fill ring so far. */
    events: (): Event[] => {
      for (const a of readAnswers(answers)) if (a.kind === 'event') seen.push(a)
      return seen
    },
    openChildren: () => (exec.health!() as { openChildren: Record<string, number> }).openChildren,
    venueHealth: () => adapters.health!()['venueHealth'] as Record<string, Record<string, unknown>>,
  }
  for (const [venue, ask] of [[SIM_A, 100], [SIM_B, 101]] as const) market.book(now(), BTC, venue, [[98, 50]], [[ask, 50]])
  await t.execute()
  t.venueTurn()
  return t
}

/** Each child's events as [venue id, status, refused, reason, filled, remaining]. */
const story = (events: Event[], id: number) => events.filter((e) => e.id === id).map((e) => [OrderStatus[e.status], e.refused, e.reason, e.filled, e.remaining])
const childIds = (events: Event[]) => [...new Set(events.map((e) => e.id))]

describe('resting children and venue health, execution and the sim adapters in-process', () => {
  it("a good-till-cancel parent's lots rest only on a venue that is up, and are cancelled there after childTimeoutMs", async () => {
    const t = await twoSimVenues()
    t.venuesDown(['sim-a'])
    // Bid 99: no offer takes it, so all ten lots rest; sim-a would be the maker's venue, but it is down.
    t.parent(1, 99, 10, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venueTurn()
    const [child] = childIds(t.events())
    expect(story(t.events(), child!)).toEqual([['Acknowledged', RefusedRequest.None, 0, 0, 10]])
    expect(t.venueHealth()).toMatchObject({ 'sim-a': { orders: 0, refused: 0 }, 'sim-b': { orders: 1 } })
    expect(t.execCtx.counters).toMatchObject({ children_sent: 1, rested_lots: 10 })

    t.engine.clock.advanceNs(60 * MS)
    await t.execute()
    expect(t.openChildren()).toEqual({ CancelPending: 1 })
    t.venueTurn()
    await t.execute()
    expect(story(t.events(), child!).at(-1)).toEqual(['Cancelled', RefusedRequest.None, 0, 0, 10])
    expect(t.execCtx.counters).toMatchObject({ children_cancelled: 1, orders_completed: 1, open_parents: 0, open_children: 0, child_illegal_transitions: 0 })
    expect(t.execCtx.counters['children_venue_down'] ?? 0).toBe(0)
  })

  it('a child resting on a venue an operator then takes down is still cancelled there: a cancel places nothing', async () => {
    const t = await twoSimVenues()
    t.parent(1, 99, 10, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venueTurn()
    t.venuesDown(['sim-a'])
    t.engine.clock.advanceNs(60 * MS)
    await t.execute()
    t.venueTurn()
    await t.execute()
    const [child] = childIds(t.events())
    expect(story(t.events(), child!)).toEqual([
      ['Acknowledged', RefusedRequest.None, 0, 0, 10],
      ['Cancelled', RefusedRequest.None, 0, 0, 10],
    ])
    expect(t.venueHealth()['sim-a']).toMatchObject({ state: 'down', orders: 1, refused: 0 })
    expect(t.adaptersCtx().counters).toMatchObject({ cancels_sent: 1, requests_refused: 0 })
    expect(t.execCtx.counters).toMatchObject({ children_cancelled: 1, orders_completed: 1, open_parents: 0 })
  })

  it('a child resting on a venue an operator takes down is cancelled at the next execute step, once, well within its rest time', async () => {
    const t = await twoSimVenues()
    t.parent(1, 99, 10, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venueTurn()
    const [child] = childIds(t.events())
    t.venuesDown(['sim-a'])
    // 1 ms into its 50: the rest time has nothing to do with it.
    await t.execute()
    expect(t.openChildren()).toEqual({ CancelPending: 1 })
    expect(t.execCtx.counters).toMatchObject({ venue_taken_down_cancels: 1, cancels_sent: 1 })
    t.venueTurn()
    await t.execute()
    expect(story(t.events(), child!).at(-1)).toEqual(['Cancelled', RefusedRequest.None, 0, 0, 10])
    expect(t.execCtx.counters).toMatchObject({ venue_taken_down_cancels: 1, children_cancelled: 1, orders_completed: 1, open_parents: 0 })
    // Put back and taken down again with nothing resting there: nothing to cancel.
    t.venuesDown([])
    t.venuesDown(['sim-a'])
    await t.execute()
    expect(t.execCtx.counters['venue_taken_down_cancels']).toBe(1)
  })

  it('a resting child refused for a venue down within its rest time is re-routed once and rests on the venue up, with its time in force; one refused after it is not', async () => {
    const t = await twoSimVenues()
    t.parent(1, 99, 10, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venuesDown(['sim-a'])
    t.venueTurn()
    await t.execute()
    t.venueTurn()
    const [first, second] = childIds(t.events())
    expect(story(t.events(), first!)).toEqual([['Rejected', RefusedRequest.None, REASON_VENUE_DOWN, 0, 10]])
    // Good till cancel: it rests on sim-b rather than end at once as an immediate-or-cancel child would.
    expect(story(t.events(), second!)).toEqual([['Acknowledged', RefusedRequest.None, 0, 0, 10]])
    await t.execute()
    expect(t.execCtx.counters).toMatchObject({ children_venue_down: 1, rerouted: 1, rerouted_lots: 10, rested_lots: 20 })
    expect(t.openChildren()).toEqual({ Acknowledged: 1 })
    t.engine.clock.advanceNs(60 * MS)
    await t.execute()
    t.venueTurn()
    await t.execute()
    expect(story(t.events(), second!).at(-1)).toEqual(['Cancelled', RefusedRequest.None, 0, 0, 10])
    expect(t.execCtx.counters).toMatchObject({ orders_completed: 1, open_parents: 0 })

    // This time the refusal is read only after the child's rest time: its lots are not worked again.
    t.venuesDown([])
    t.parent(2, 99, 10, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venuesDown(['sim-a'])
    t.venueTurn()
    t.engine.clock.advanceNs(60 * MS)
    await t.execute()
    expect(t.execCtx.counters).toMatchObject({ children_venue_down: 2, rerouted: 1, reroute_rest_over: 1, orders_completed: 2, open_parents: 0, open_children: 0, child_illegal_transitions: 0 })
  })

  it("a refusal execution reads between steps waits for the next execute step's risk verdict to be re-routed", async () => {
    const t = await twoSimVenues()
    // A child that rests on sim-a and falls due between steps: execution reads the fill ring then.
    t.parent(1, 99, 5, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venueTurn()
    // An immediate-or-cancel parent routed to sim-a, whose child finds it down.
    t.parent(2, 101, 10, TimeInForce.ImmediateOrCancel)
    await t.execute()
    t.venuesDown(['sim-a'])
    t.venueTurn()
    t.engine.clock.advanceNs(60 * MS)
    t.exec.onFastPath!(t.execCtx)
    expect(t.execCtx.counters).toMatchObject({ cancels_sent: 1 })
    expect(t.execCtx.counters['children_venue_down'] ?? 0).toBe(0)
    expect(t.execCtx.counters['rerouted'] ?? 0).toBe(0)
    t.venueTurn()

    await t.execute({ riskVerdict: false })
    expect(t.execCtx.counters).toMatchObject({ children_venue_down: 1, reroute_blocked: 1, children_cancelled: 1, orders_completed: 2, open_parents: 0 })
    expect(t.execCtx.counters['rerouted'] ?? 0).toBe(0)

    // With a verdict the same wait ends in a re-route, which fills on sim-b.
    t.venuesDown([])
    t.parent(3, 99, 5, TimeInForce.GoodTillCancel)
    await t.execute()
    t.venueTurn()
    t.parent(4, 101, 10, TimeInForce.ImmediateOrCancel)
    await t.execute()
    t.venuesDown(['sim-a'])
    t.venueTurn()
    t.engine.clock.advanceNs(60 * MS)
    t.exec.onFastPath!(t.execCtx)
    t.venueTurn()
    await t.execute()
    expect(t.execCtx.counters).toMatchObject({ children_venue_down: 2, rerouted: 1, rerouted_lots: 10 })
    t.venueTurn()
    await t.execute()
    const rerouted = childIds(t.events()).at(-1)!
    expect(story(t.events(), rerouted).at(-1)).toEqual(['Filled', RefusedRequest.None, 0, 10, 0])
    expect(t.execCtx.counters).toMatchObject({ orders_completed: 4, open_parents: 0, open_children: 0, child_illegal_transitions: 0 })
  })
})
