import { afterEach, describe, expect, it } from 'vitest'
import { REASON_VENUE_DOWN } from '../../src/agents/adapters/index.js'
import type { AgentContext } from '../../src/agents/agent.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { OrderStatus, Side } from '../../src/schemas/index.js'
import { VenueDownReason, VenueHealthBoard, VenueState } from '../../src/venues/health/index.js'
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
 * Execution and the sim adapters in-process over one engine's rings, two sim
 * venues whose books ask 100 (sim-a, cheaper) and 101 (sim-b), 50 lots each.
 */
async function desk() {
  const engine = inProcessEngine({
    data_feeds: { instruments: ['BTC-USDT'], venues: ['sim-a', 'sim-b'] },
    execution: { adverseTicksPerMs: 0 },
    fees_monitor: { takerFeeBps: 0, makerFeeBps: 0 },
  })
  const d = await executionDesk(engine, 1, 2)
  const { execution, adapters, execCtx } = d
  let adaptersCtx = d.adaptersCtx
  stop = d.stop
  for (const venue of [SIM_A, SIM_B]) {
    d.level(venue, Side.Buy, 98, 50)
    d.level(venue, Side.Sell, venue === SIM_A ? 100 : 101, 50)
  }
  let cycle = 1
  const board = VenueHealthBoard.attach(engine.plane.venueHealth)
  return {
    ...d,
    engine,
    board,
    execCtx,
    adaptersCtx: () => adaptersCtx,
    get cycle() {
      return cycle
    },
    /** Execution's execute step of the next cycle (which routes what risk approved in it). */
    executeStep(flags: { riskVerdict?: boolean } = {}): void {
      void execution.step(command(++cycle, CycleStep.Execute, flags), execCtx as never)
    },
    /** The adapters' health detail per venue. */
    venueHealth: () => adapters.health!()['venueHealth'] as Record<string, Record<string, unknown>>,
    /** The adapters take what is on the venue ring now. */
    adaptersTake(): void {
      adapters.onFastPath!(adaptersCtx as never)
    },
    /** The operator's venuesDown, as `engine.reconfigure` hands it over. */
    venuesDown(names: string[]): void {
      adaptersCtx = { ...adaptersCtx, config: { ...adaptersCtx.config, venuesDown: names } } as AgentContext
      void adapters.configure!(adaptersCtx as never)
    },
    /** Runs the venues' latency out and lets execution read every answer, a few rounds. */
    settle(): void {
      for (let round = 0; round < 4; round++) {
        adapters.onFastPath!(adaptersCtx as never)
        engine.clock.advanceNs(2e6)
        void adapters.step(command(cycle, CycleStep.Monitor), adaptersCtx as never)
        d.read()
        execution.step(command(++cycle, CycleStep.Execute), execCtx as never)
      }
      adapters.onFastPath!(adaptersCtx as never)
      engine.clock.advanceNs(2e6)
      void adapters.step(command(cycle, CycleStep.Monitor), adaptersCtx as never)
      d.read()
    },
    /** Client ids of the children answered since `before` (a count of ids seen). */
    childrenSince(before: number): number[] {
      return [...d.events.keys()].slice(before)
    },
  }
}

describe('failover between two sim venues', () => {
  it('a venue an operator took down gets no levels: the whole parent fills on the other, and once it is back it is routed to again', async () => {
    const t = await desk()
    const route = (id: number) => {
      const seen = t.events.size
      t.parent({ id, cycle: t.cycle + 1, side: Side.Buy, priceTicks: 101, sizeLots: 10 })
      t.executeStep()
      t.settle()
      return t.childrenSince(seen)
    }
    const first = route(1)
    expect(t.filledByVenue(first)).toEqual({ [SIM_A]: 10 })

    t.venuesDown(['sim-a'])
    expect(t.board.read(SIM_A)).toMatchObject({ state: VenueState.Down, reason: VenueDownReason.Operator, changes: 1 })
    expect(t.board.routable(SIM_B)).toBe(true)
    const during = [...route(2), ...route(3)]
    expect(t.filledByVenue(during)).toEqual({ [SIM_B]: 20 })
    for (const id of during) expect(t.events.get(id)!.map((e) => [e.venueId, e.status])).toContainEqual([SIM_B, OrderStatus.Filled])
    // Nobody sent sim-a anything to refuse: execution read the board before routing.
    expect(t.adaptersCtx().counters['orders_refused_venue_down'] ?? 0).toBe(0)

    t.venuesDown([])
    expect(t.board.read(SIM_A)).toMatchObject({ state: VenueState.Up, reason: VenueDownReason.None, changes: 2 })
    expect(t.filledByVenue(route(4))).toEqual({ [SIM_A]: 10 })
    expect(t.adaptersCtx().counters).toMatchObject({ venue_down: 1, venue_up: 1, venue_taken_down: 1, venue_put_back: 1 })
    expect(t.execCtx.counters).toMatchObject({ routed: 4, orders_completed: 4, open_parents: 0 })
  })

  it('a child already on the venue ring when its venue goes down is answered Rejected unsent, and its lots are re-routed to the other venue once, where they fill', async () => {
    const t = await desk()
    t.parent({ id: 7, cycle: t.cycle + 1, side: Side.Buy, priceTicks: 101, sizeLots: 10 })
    // Execution routes to sim-a (cheaper); the venue goes down before the adapters take the child.
    t.executeStep()
    t.venuesDown(['sim-a'])
    t.adaptersTake()
    t.read()
    const [child] = [...t.events.keys()]
    expect(t.events.get(child!)).toEqual([{ venueId: SIM_A, status: OrderStatus.Rejected, reasonCode: REASON_VENUE_DOWN, filledLots: 0, remainingLots: 10 }])
    t.settle()
    const children = [...t.events.keys()]
    expect(children).toHaveLength(2)
    expect(t.events.get(children[1]!)!.at(-1)).toMatchObject({ venueId: SIM_B, status: OrderStatus.Filled, filledLots: 10, remainingLots: 0 })
    // Every lot of the parent filled, once, and none at the venue that was down.
    expect(t.filledByVenue(children)).toEqual({ [SIM_B]: 10 })
    expect(t.execCtx.counters).toMatchObject({ children_venue_down: 1, rerouted: 1, rerouted_lots: 10, orders_completed: 1, open_parents: 0 })
    const health = t.venueHealth()
    expect(health['sim-a']).toMatchObject({ state: 'down', reason: 'operator', orders: 0, refused: 1, fills: 0 })
    expect(health['sim-b']).toMatchObject({ state: 'up', orders: 1, fills: 1 })
    expect(t.adaptersCtx().counters['orders_refused_venue_down']).toBe(1)
  })

  it('re-routes a child once only: one refused again, one with no venue up, one without a risk verdict are each counted and their parent ends', async () => {
    const t = await desk()
    const downAfterRouting = (id: number, names: string[]) => {
      t.venuesDown([])
      t.parent({ id, cycle: t.cycle + 1, side: Side.Buy, priceTicks: 101, sizeLots: 10 })
      t.executeStep()
      t.venuesDown(names)
      t.adaptersTake()
    }
    // Refused again: the re-route to sim-b finds sim-b down too when the adapters take it.
    downAfterRouting(1, ['sim-a'])
    t.executeStep()
    t.venuesDown(['sim-a', 'sim-b'])
    t.settle()
    expect(t.execCtx.counters).toMatchObject({ rerouted: 1, reroute_refused_again: 1, orders_completed: 1 })

    // Nowhere to go: both venues are down when execution reads the refusal.
    downAfterRouting(2, ['sim-a', 'sim-b'])
    t.settle()
    expect(t.execCtx.counters).toMatchObject({ reroute_no_liquidity: 1, orders_completed: 2 })

    // No risk verdict this cycle: nothing is sent, not even lots risk approved before.
    downAfterRouting(3, ['sim-a'])
    t.read()
    t.executeStep({ riskVerdict: false })
    t.settle()
    expect(t.execCtx.counters).toMatchObject({ reroute_blocked: 1, rerouted: 1, orders_completed: 3, open_parents: 0 })
    expect(t.fills).toEqual([])
    expect(t.venueHealth()).toMatchObject({ 'sim-a': { orders: 0, refused: 3 }, 'sim-b': { orders: 0, refused: 1 } })
    // Every child ended exactly once, and every refusal was for a venue that was down.
    for (const [id, seen] of t.events) {
      expect(seen.filter((e) => e.status === OrderStatus.Rejected || e.status === OrderStatus.Filled || e.status === OrderStatus.Cancelled), String(id)).toHaveLength(1)
      expect(seen.every((e) => e.reasonCode === REASON_VENUE_DOWN), String(id)).toBe(true)
    }
  })
})
