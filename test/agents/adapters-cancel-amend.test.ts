import { afterEach, describe, expect, it } from 'vitest'
import createAdapters, { REASON_NO_VENUE, REASON_VENUE_DOWN } from '../../src/agents/adapters/index.js'
import type { Agent, AgentContext } from '../../src/agents/agent.js'
import { ringsOf } from '../../src/cycle/topology.js'
import { RingBuffer } from '../../src/ring/index.js'
import { Liquidity, OrderStatus, RefusedRequest, Side } from '../../src/schemas/index.js'
import { SimReasonCode } from '../../src/venues/sim/index.js'
import { inProcessEngine } from './context.js'
import { MarketWriter, readAnswers, RequestWriter, RingConsumer, type Answer } from '../fixtures/ring/engine-rings.js'

const BTC = 0
const VENUE = 1
const STRATEGY = 7

let adapters: Agent | undefined

afterEach(async () => {
  await adapters?.stop?.()
  adapters = undefined
})

/** The adapters agent in-process on the sim venue, with the rings around it played by the test. */
async function simAdapters() {
  const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT'], venues: ['a'] } })
  const ctx = engine.context('adapters') as AgentContext
  adapters = createAdapters()
  await adapters.init(ctx, undefined)
  const market = new MarketWriter(RingBuffer.attach(engine.plane.rings['market']!))
  const venue = new RequestWriter(RingBuffer.attach(engine.plane.rings['venue']!))
  const answers = new RingConsumer(RingBuffer.attach(engine.plane.rings['fills']!), ringsOf('execution').consumerIds.fills!)
  const now = () => engine.clock.nowNs()
  /** The agent takes what is on the rings now, then, past the sim venue's order and response latency (250 µs each), writes what the venue answered. */
  const turn = (): Answer[] => {
    adapters!.onFastPath!(ctx)
    engine.clock.advanceNs(1e6)
    adapters!.onFastPath!(ctx)
    return readAnswers(answers)
  }
  /** The operator's venuesDown, as `engine.reconfigure` hands it over. */
  const venuesDown = (names: string[]) => adapters!.configure!({ ...ctx, config: { ...ctx.config, venuesDown: names } })
  market.book(now(), BTC, VENUE, [[99, 5]], [[101, 3]])
  turn()
  return { ctx, market, venue, turn, now, venuesDown }
}

const event = (id: number, status: OrderStatus, fields: Partial<Extract<Answer, { kind: 'event' }>> = {}) => expect.objectContaining({ kind: 'event', id, status, refused: RefusedRequest.None, reason: 0, ...fields })

describe('adapters: cancels and amends on the sim venue, in-process over real rings', () => {
  it('a resting order is cancelled; a cancel of a filled order is refused with the order as it ended; unknown ids and venues are refused and counted', async () => {
    const { ctx, venue, turn } = await simAdapters()
    venue.order({ clientOrderId: 1, venueId: VENUE, instrumentId: BTC, side: Side.Buy, priceTicks: 99, sizeLots: 4, strategyId: STRATEGY })
    expect(turn()).toEqual([event(1, OrderStatus.Acknowledged, { remaining: 4 })])
    venue.cancel(1, VENUE, BTC, Side.Buy)
    expect(turn()).toEqual([event(1, OrderStatus.Cancelled, { remaining: 4 })])

    venue.order({ clientOrderId: 2, venueId: VENUE, instrumentId: BTC, side: Side.Buy, priceTicks: 101, sizeLots: 3, strategyId: STRATEGY })
    const filled = turn()
    expect(filled.filter((a) => a.kind === 'fill')).toEqual([expect.objectContaining({ id: 2, priceTicks: 101, sizeLots: 3, liquidity: Liquidity.Taker, strategyId: STRATEGY })])
    expect(filled.at(-1)).toEqual(event(2, OrderStatus.Filled, { filled: 3 }))
    venue.cancel(2, VENUE, BTC, Side.Buy)
    venue.cancel(999, VENUE, BTC, Side.Buy)
    venue.cancel(2, 9, BTC, Side.Buy)
    expect(turn()).toEqual([
      event(2, OrderStatus.Rejected, { refused: RefusedRequest.Cancel, reason: REASON_NO_VENUE }),
      event(2, OrderStatus.Filled, { refused: RefusedRequest.Cancel, reason: SimReasonCode.CancelFinishedOrder, filled: 3 }),
      event(999, OrderStatus.Rejected, { refused: RefusedRequest.Cancel, reason: SimReasonCode.CancelUnknownOrder }),
    ])
    expect(ctx.counters).toMatchObject({ orders_submitted: 2, cancels_sent: 3, requests_refused: 2, requests_unknown_order: 1, orders_unknown_venue: 1, requests_unknown_type: 0 })
  })

  it('an amend that shrinks an order keeps its queue place; one that moves its price takes as a new order; fills are booked to the strategy', async () => {
    const { ctx, market, venue, turn, now } = await simAdapters()
    venue.order({ clientOrderId: 1, venueId: VENUE, instrumentId: BTC, side: Side.Buy, priceTicks: 99, sizeLots: 4, strategyId: STRATEGY })
    turn()
    // Fifteen lots join behind the order: a replacement that lost its place would queue behind them too.
    market.level(now(), BTC, VENUE, Side.Buy, 99, 20)
    turn()
    venue.amend(1, 2, VENUE, BTC, Side.Buy, 0, 2)
    expect(turn()).toEqual([event(1, OrderStatus.Cancelled, { reason: SimReasonCode.Replaced, remaining: 4 }), event(2, OrderStatus.Acknowledged, { remaining: 2 })])
    // Six lots trade at 99: the five ahead, then one of the replacement's.
    market.trade(now(), BTC, VENUE, Side.Sell, 99, 6)
    expect(turn()).toEqual([
      expect.objectContaining({ kind: 'fill', id: 2, priceTicks: 99, sizeLots: 1, liquidity: Liquidity.Maker, strategyId: STRATEGY }),
      event(2, OrderStatus.PartiallyFilled, { filled: 1, remaining: 1 }),
    ])

    venue.amend(2, 3, VENUE, BTC, Side.Buy, 101, 4)
    expect(turn()).toEqual([
      expect.objectContaining({ kind: 'fill', id: 3, priceTicks: 101, sizeLots: 3, liquidity: Liquidity.Taker, strategyId: STRATEGY }),
      event(2, OrderStatus.Cancelled, { reason: SimReasonCode.Replaced, filled: 1, remaining: 1 }),
      event(3, OrderStatus.Acknowledged, { remaining: 4 }),
      event(3, OrderStatus.PartiallyFilled, { filled: 3, remaining: 1 }),
    ])

    venue.amend(2, 4, VENUE, BTC, Side.Buy, 0, 1)
    expect(turn()).toEqual([
      event(2, OrderStatus.Cancelled, { refused: RefusedRequest.Amend, reason: SimReasonCode.AmendFinishedOrder, filled: 1, remaining: 1 }),
      event(4, OrderStatus.Rejected, { refused: RefusedRequest.Amend, reason: SimReasonCode.AmendFinishedOrder }),
    ])
    expect(ctx.counters).toMatchObject({ orders_submitted: 1, amends_sent: 3, requests_refused: 1, requests_unknown_order: 0 })
    expect(adapters!.health!()).toMatchObject({ openOrders: { '1': 1 }, venueHealth: { a: { state: 'up', orders: 1, fills: 2, refused: 0 } } })
  })

  it('on a venue an operator took down, an amend is refused unsent under both ids (its replacement would be a new order) and the order rests as it was; a cancel still goes', async () => {
    const { ctx, venue, turn, venuesDown } = await simAdapters()
    venue.order({ clientOrderId: 1, venueId: VENUE, instrumentId: BTC, side: Side.Buy, priceTicks: 99, sizeLots: 4, strategyId: STRATEGY })
    turn()
    await venuesDown(['a'])
    venue.amend(1, 2, VENUE, BTC, Side.Buy, 0, 2)
    venue.order({ clientOrderId: 3, venueId: VENUE, instrumentId: BTC, side: Side.Buy, priceTicks: 99, sizeLots: 1, strategyId: STRATEGY })
    expect(turn()).toEqual([
      event(1, OrderStatus.Acknowledged, { refused: RefusedRequest.Amend, reason: REASON_VENUE_DOWN, remaining: 4 }),
      event(2, OrderStatus.Rejected, { refused: RefusedRequest.Amend, reason: REASON_VENUE_DOWN, remaining: 0 }),
      event(3, OrderStatus.Rejected, { reason: REASON_VENUE_DOWN, remaining: 1 }),
    ])
    venue.cancel(1, VENUE, BTC, Side.Buy)
    expect(turn()).toEqual([event(1, OrderStatus.Cancelled, { remaining: 4 })])
    expect(ctx.counters).toMatchObject({ orders_submitted: 1, amends_sent: 1, cancels_sent: 1, requests_refused: 1, orders_refused_venue_down: 1 })
  })
})
