import { describe, expect, it } from 'vitest'
import createAdapters from '../../src/agents/adapters/index.js'
import type { Agent } from '../../src/agents/agent.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { resolveConfig } from '../../src/config/index.js'
import { RingConsumer, type RingBuffer } from '../../src/ring/index.js'
import { MessageType, OrderEvent, OrderStatus, Side } from '../../src/schemas/index.js'
import { RecordedRoundTripLatency } from '../../src/venues/sim/index.js'
import { RequestWriter } from '../fixtures/ring/engine-rings.js'
import { command, inProcessEngine } from './context.js'

const ROUND_TRIPS_US = [400, 2_000, 9_000]

describe('the sim venues on recorded round trips', () => {
  it('draw each hop of each order from the round trips the config lists, seeded: an order is answered one drawn hop out and one back', async () => {
    const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT'], venues: ['a'] }, adapters: { simRoundTripsUs: ROUND_TRIPS_US, simLatencySeed: 5 } })
    const ctx = engine.context('adapters')
    const adapters = createAdapters() as Agent
    await adapters.init(ctx as never, undefined)
    const venueRing = new RequestWriter(engine.context('execution').rings.venue!)
    const fees = engine.context('fees_monitor')
    const answers = new RingConsumer(fees.rings.fills!, fees.consumerIds.fills!)
    const event = new OrderEvent()
    const ackAtNs = new Map<number, number>()
    const sentAtNs = new Map<number, number>()
    // The same draws the venues make: order hops from the seed, answer hops from the seed after it.
    const out = new RecordedRoundTripLatency(ROUND_TRIPS_US.map((us) => us * 1000), 5)
    const back = new RecordedRoundTripLatency(ROUND_TRIPS_US.map((us) => us * 1000), 6)
    const expected: number[] = []
    for (let id = 1; id <= 6; id++) {
      sentAtNs.set(id, engine.clock.nowNs())
      // A bid far from any book: it rests, answered Acknowledged.
      venueRing.order({ clientOrderId: id, venueId: 1, instrumentId: 0, side: Side.Buy, priceTicks: 100, sizeLots: 1 })
      expected.push(out.nextLatencyNs() + back.nextLatencyNs())
      for (let t = 0; t < 100; t++) {
        adapters.onFastPath!(ctx as never)
        engine.clock.advanceNs(100_000)
        await adapters.step(command(id, CycleStep.Monitor), ctx as never)
      }
    }
    answers.drain((ring: RingBuffer, _s, type, offset) => {
      if (type !== MessageType.OrderEvent) return
      const e = event.__init(offset, ring.byteBuffer)
      if (e.status() === OrderStatus.Acknowledged) ackAtNs.set(e.clientOrderId(), e.tsNs())
    })
    const taken = [...ackAtNs].map(([id, at]) => at - sentAtNs.get(id)!)
    expect(taken).toEqual(expected)
    // Each is a sum of two half round trips the list holds.
    const halves = ROUND_TRIPS_US.map((us) => us * 500)
    for (const ns of taken) expect(halves.some((a) => halves.includes(ns - a))).toBe(true)
    expect(new Set(taken).size).toBeGreaterThan(1)
    await adapters.stop?.()
  })

  it('refuses an empty list of round trips, or a negative one, naming the path', () => {
    expect(() => resolveConfig({ adapters: { simRoundTripsUs: [] } })).toThrow('adapters.simRoundTripsUs: must be a non-empty list, got []')
    expect(() => resolveConfig({ adapters: { simRoundTripsUs: [100, -1] } })).toThrow('adapters.simRoundTripsUs[1]: must be a non-negative number, got -1')
  })
})
