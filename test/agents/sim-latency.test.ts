import { describe, expect, it } from 'vitest'
import createAdapters from '../../src/agents/adapters/index.js'
import type { Agent } from '../../src/agents/agent.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { resolveConfig } from '../../src/config/index.js'
import { RingConsumer, type RingBuffer } from '../../src/ring/index.js'
import { MessageType, OrderEvent, OrderStatus, Side, TimeInForce } from '../../src/schemas/index.js'
import { RecordedRoundTripLatency } from '../../src/venues/sim/index.js'
import { MarketWriter, readAnswers, RequestWriter } from '../fixtures/ring/engine-rings.js'
import { command, inProcessEngine } from './context.js'

const ROUND_TRIPS_US = [400, 2_000, 9_000]

/** The adapters in-process on one sim venue with `adapters` config; the rings around them as execution, the feed and fees_monitor see them. */
async function simVenue(adapters: Record<string, unknown>) {
  const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT'], venues: ['a'] }, adapters })
  const ctx = engine.context('adapters')
  const agent = createAdapters() as Agent
  await agent.init(ctx as never, undefined)
  const fees = engine.context('fees_monitor')
  const answers = new RingConsumer(fees.rings.fills!, fees.consumerIds.fills!)
  const event = new OrderEvent()
  return {
    engine,
    orders: new RequestWriter(engine.context('execution').rings.venue!),
    market: new MarketWriter(engine.context('data_feeds').rings.market!),
    answers,
    counters: ctx.counters,
    /** The venue's turn, then `advanceUs` pass. */
    async pump(advanceUs: number): Promise<void> {
      agent.onFastPath!(ctx as never)
      await agent.step(command(1, CycleStep.Monitor), ctx as never)
      engine.clock.advanceNs(advanceUs * 1000)
    },
    /** When each order was acknowledged, by client id. */
    acks(): Map<number, number> {
      const at = new Map<number, number>()
      answers.drain((ring: RingBuffer, _s, type, offset) => {
        if (type === MessageType.OrderEvent && event.__init(offset, ring.byteBuffer).status() === OrderStatus.Acknowledged) at.set(event.clientOrderId(), event.tsNs())
      })
      return at
    },
    stop: () => agent.stop?.(),
  }
}

/** A bid far from any book: it rests, answered Acknowledged. */
const restingBid = (clientOrderId: number) => ({ clientOrderId, venueId: 1, instrumentId: 0, side: Side.Buy, priceTicks: 100, sizeLots: 1 })

describe("the sim venues' latency in the engine", () => {
  it('draw each hop of each order from the round trips the config lists, seeded: an order is answered one drawn hop out and one back', async () => {
    const v = await simVenue({ simRoundTripsUs: ROUND_TRIPS_US, simLatencySeed: 5 })
    // The same draws the venues make: order hops from the seed, answer hops from the seed after it.
    const out = new RecordedRoundTripLatency(ROUND_TRIPS_US.map((us) => us * 1000), 5)
    const back = new RecordedRoundTripLatency(ROUND_TRIPS_US.map((us) => us * 1000), 6)
    const sentAtNs = new Map<number, number>()
    const expected: number[] = []
    for (let id = 1; id <= 6; id++) {
      sentAtNs.set(id, v.engine.clock.nowNs())
      v.orders.order(restingBid(id))
      expected.push(out.nextLatencyNs() + back.nextLatencyNs())
      for (let t = 0; t < 100; t++) await v.pump(100)
    }
    const taken = [...v.acks()].map(([id, at]) => at - sentAtNs.get(id)!)
    expect(taken).toEqual(expected)
    // Each is a sum of two half round trips the list holds.
    const halves = ROUND_TRIPS_US.map((us) => us * 500)
    for (const ns of taken) expect(halves.some((a) => halves.includes(ns - a))).toBe(true)
    expect(new Set(taken).size).toBeGreaterThan(1)
    await v.stop()
  })

  it('deliver what is in flight as the adapters stop: an order sent just before is answered on the ring before the thread ends', async () => {
    const v = await simVenue({ simOrderLatencyUs: 5_000, simResponseLatencyUs: 5_000 })
    const sentAtNs = v.engine.clock.nowNs()
    v.orders.order(restingBid(1))
    // The venue takes the order off the ring; it reaches the venue in 5 ms, its answer is back 5 ms later.
    await v.pump(0)
    expect(v.acks().size).toBe(0)
    // The engine's clock goes on while the thread stops, as a real one does.
    const ticking = setInterval(() => v.engine.clock.advanceNs(1e6), 1)
    try {
      await v.stop()
    } finally {
      clearInterval(ticking)
    }
    expect(v.acks()).toEqual(new Map([[1, sentAtNs + 10_000_000]]))
    expect(v.counters['answers_delivered_at_stop']).toBe(1)
  })

  it('refuses an empty list of round trips, or a negative one, naming the path', () => {
    expect(() => resolveConfig({ adapters: { simRoundTripsUs: [] } })).toThrow('adapters.simRoundTripsUs: must be a non-empty list, got []')
    expect(() => resolveConfig({ adapters: { simRoundTripsUs: [100, -1] } })).toThrow('adapters.simRoundTripsUs[1]: must be a non-negative number, got -1')
  })

  it('fold the feed latency into the hops: an order meets the book as it moved while the strategy looked at a stale one', async () => {
    /** A buy up to 101 sent when the book asks 100; the ask is gone 300 µs later (past the 250 µs order hop). */
    const filledWith = async (simFeedLatencyUs: number) => {
      const v = await simVenue({ simFeedLatencyUs })
      v.market.book(v.engine.clock.nowNs(), 0, 1, [[99, 10]], [[100, 10]])
      await v.pump(0)
      v.orders.order({ clientOrderId: 1, venueId: 1, instrumentId: 0, side: Side.Buy, priceTicks: 101, sizeLots: 10, timeInForce: TimeInForce.ImmediateOrCancel })
      await v.pump(300)
      v.market.level(v.engine.clock.nowNs(), 0, 1, Side.Sell, 100, 0)
      for (let k = 0; k < 20; k++) await v.pump(100)
      await v.stop()
      const seen = readAnswers(v.answers)
      const filled = seen.reduce((n, a) => n + (a.kind === 'fill' ? a.sizeLots : 0), 0)
      // It ended (immediate-or-cancel): what filled, and the rest with it.
      const final = seen.filter((a) => a.kind === 'event').at(-1)!
      expect([OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.Expired]).toContain(final.status)
      expect(final).toMatchObject({ filled, remaining: 10 - filled })
      return filled
    }
    expect(await filledWith(0)).toBe(10)
    // 100 µs of feed latency: the order reaches the venue at 350 µs, after the ask left; nothing to take.
    expect(await filledWith(100)).toBe(0)
  })

  it('answer an order one order hop and one response hop after it was sent, feed latency or not', async () => {
    for (const simFeedLatencyUs of [0, 100]) {
      const v = await simVenue({ simFeedLatencyUs })
      const sentNs = v.engine.clock.nowNs()
      v.orders.order(restingBid(1))
      for (let k = 0; k < 20; k++) await v.pump(50)
      await v.stop()
      // 250 µs out and 250 back by default: with 100 of feed latency, 350 out and 150 back.
      expect(v.acks().get(1)! - sentNs, String(simFeedLatencyUs)).toBe(500_000)
    }
  })
})
