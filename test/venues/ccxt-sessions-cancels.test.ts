import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { CcxtSessions } from '../../src/agents/adapters/ccxt-sessions.js'
import { REASON_ORDER_FINISHED, REASON_REPLACED, REASON_UNKNOWN_ORDER, REASON_VENUE_REFUSED } from '../../src/agents/adapters/reason-codes.js'
import type { VenueOrder } from '../../src/agents/adapters/venue-requests.js'
import type { RingConsumer } from '../../src/ring/index.js'
import { CancelReason, Liquidity, OrderStatus, OrderType, RefusedRequest, Side, TimeInForce } from '../../src/schemas/index.js'
import { readAnswers, type Answer } from '../fixtures/ring/engine-rings.js'
import { ccxtSessionsOn } from '../fixtures/venues/ccxt-sessions-on-mock.js'
import { BTC, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

const VENUE = 1
const STRATEGY = 5
const TIMEOUT_MS = 400
const DELETE = 'DELETE /api/v3/order'
const CANCEL_REPLACE = 'POST /api/v3/order/cancelReplace'

let env: MockBinance
let sessions: CcxtSessions
let answers: RingConsumer
let seen: Answer[]

beforeEach(async () => {
  env = await startMockBinance([BTC])
  // 50 lots bid at 30000.00, 40 offered at 30001.00.
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
  seen = []
  const made = ccxtSessionsOn(env, { test: 'ccxt-sessions-cancels', timeoutMs: TIMEOUT_MS })
  sessions = made.sessions
  answers = made.answers
})

afterEach(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

/** Everything the sessions wrote on the fill ring so far. */
function written(): Answer[] {
  seen.push(...readAnswers(answers))
  return seen
}

const events = (id: number) => written().filter((a): a is Extract<Answer, { kind: 'event' }> => a.kind === 'event' && a.id === id)
const fillsOf = (id: number) => written().filter((a): a is Extract<Answer, { kind: 'fill' }> => a.kind === 'fill' && a.id === id)

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(written())}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Polls until a round has run in full after `condition` holds: what polling would still find is found. */
async function pollUntil(what: string, condition: () => boolean): Promise<void> {
  await until(what, () => {
    sessions.poll()
    return condition()
  })
}

const buy = (clientOrderId: number, priceTicks: number, sizeLots: number): VenueOrder => ({ clientOrderId, venueId: VENUE, instrumentId: 0, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks, sizeLots, strategyId: STRATEGY })
const cancel = (clientOrderId: number) => sessions.cancel({ clientOrderId, venueId: VENUE, instrumentId: 0, side: Side.Buy, reason: CancelReason.Requested })
const statuses = (id: number) => events(id).map((e) => [OrderStatus[e.status], e.refused, e.reason, e.filled, e.remaining])

async function resting(clientOrderId: number, priceTicks: number, sizeLots: number): Promise<void> {
  sessions.submit(buy(clientOrderId, priceTicks, sizeLots))
  await until(`order ${clientOrderId} acknowledged`, () => events(clientOrderId).length > 0)
  expect(statuses(clientOrderId)).toEqual([['Acknowledged', 0, 0, 0, sizeLots]])
}

describe('ccxt sessions: cancels and cancel-replace with the real ccxt client against the mock Binance', () => {
  test('a resting order is cancelled at the exchange and the Cancelled answer is an order event; an unknown id is refused and counted', async () => {
    await resting(1, 2_999_000, 10)
    cancel(1)
    await until('the cancel', () => events(1).length === 2)
    expect(statuses(1)[1]).toEqual(['Cancelled', RefusedRequest.None, 0, 0, 10])
    expect(env.engine.openOrders()).toEqual([])
    expect(env.mock.served(DELETE)).toBe(1)

    cancel(999)
    await until('the refusal', () => events(999).length === 1)
    expect(statuses(999)).toEqual([['Rejected', RefusedRequest.Cancel, REASON_UNKNOWN_ORDER, 0, 0]])
    expect(sessions.counters).toMatchObject({ cancels: 2, refused: 1, unknownOrders: 1, timeouts: 0 })
  })

  test('an amend is a cancel-replace under the new client id: the old order ends replaced, the new one works at its price, fills are booked once to the strategy', async () => {
    await resting(1, 2_999_000, 10)
    sessions.amend({ clientOrderId: 1, newClientOrderId: 2, venueId: VENUE, instrumentId: 0, side: Side.Buy, priceTicks: 2_999_500, sizeLots: 6 })
    await until('the replacement', () => events(2).length > 0)
    expect(statuses(1)).toEqual([
      ['Acknowledged', 0, 0, 0, 10],
      ['Cancelled', RefusedRequest.None, REASON_REPLACED, 0, 10],
    ])
    expect(statuses(2)).toEqual([['Acknowledged', 0, 0, 0, 6]])
    expect(env.engine.order('2')).toMatchObject({ status: OrderStatus.Acknowledged, priceTicks: 2_999_500, sizeLots: 6 })
    expect(env.engine.order('1')!.status).toBe(OrderStatus.Cancelled)

    // Amended up through the offer: the replacement takes 6 of the 40 lots at 30001.00.
    sessions.amend({ clientOrderId: 2, newClientOrderId: 3, venueId: VENUE, instrumentId: 0, side: Side.Buy, priceTicks: 3_000_100, sizeLots: 6 })
    await until('the crossing replacement', () => events(3).length > 0)
    expect(statuses(3)).toEqual([['Filled', 0, 0, 6, 0]])
    await pollUntil('its fill', () => fillsOf(3).length > 0)
    // Another round lists the same trade again: it is not a second fill.
    await pollUntil('a round after the fill', () => sessions.openOrders()['binance'] === 0)
    expect(fillsOf(3).map((f) => [f.priceTicks, f.sizeLots, f.liquidity, f.strategyId])).toEqual([[3_000_100, 6, Liquidity.Taker, STRATEGY]])
    expect(env.mock.served(CANCEL_REPLACE)).toBe(2)

    sessions.amend({ clientOrderId: 998, newClientOrderId: 999, venueId: VENUE, instrumentId: 0, side: Side.Buy, priceTicks: 0, sizeLots: 1 })
    expect(statuses(998)).toEqual([['Rejected', RefusedRequest.Amend, REASON_UNKNOWN_ORDER, 0, 0]])
    expect(statuses(999)).toEqual([['Rejected', RefusedRequest.Amend, REASON_UNKNOWN_ORDER, 0, 0]])
    expect(sessions.counters).toMatchObject({ amends: 3, refused: 1, unknownOrders: 1 })
    expect(env.mock.served(CANCEL_REPLACE)).toBe(2)
  })

  test('an amend that arrives after the order filled is refused with the order Filled; nothing is placed under the new id', async () => {
    await resting(1, 3_000_050, 10)
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_050, 10)
    sessions.amend({ clientOrderId: 1, newClientOrderId: 2, venueId: VENUE, instrumentId: 0, side: Side.Buy, priceTicks: 3_000_040, sizeLots: 10 })
    await until('the refusal', () => events(2).length > 0)
    expect(statuses(1)).toEqual([
      ['Acknowledged', 0, 0, 0, 10],
      ['Filled', 0, 0, 10, 0],
      ['Filled', RefusedRequest.Amend, REASON_ORDER_FINISHED, 10, 0],
    ])
    expect(statuses(2)).toEqual([['Rejected', RefusedRequest.Amend, REASON_ORDER_FINISHED, 0, 0]])
    expect(env.engine.order('2')).toBeUndefined()
    await pollUntil('the fill', () => fillsOf(1).length > 0)
    expect(fillsOf(1).map((f) => [f.sizeLots, f.liquidity])).toEqual([[10, Liquidity.Maker]])
  })

  test('a replacement the exchange refuses after the cancel went through: the old order ends Cancelled, the amend is refused under both ids', async () => {
    await resting(1, 2_999_000, 10)
    // Ten thousand BTC at 29990: far beyond the account's million USDT.
    sessions.amend({ clientOrderId: 1, newClientOrderId: 2, venueId: VENUE, instrumentId: 0, side: Side.Buy, priceTicks: 0, sizeLots: 1_000_000_000 })
    await until('the refusal', () => events(2).length > 0)
    expect(statuses(1)).toEqual([
      ['Acknowledged', 0, 0, 0, 10],
      ['Cancelled', 0, 0, 0, 10],
      ['Cancelled', RefusedRequest.Amend, REASON_VENUE_REFUSED, 0, 10],
    ])
    expect(statuses(2)).toEqual([['Rejected', RefusedRequest.Amend, REASON_VENUE_REFUSED, 0, 0]])
    expect(env.engine.openOrders()).toEqual([])
    expect(sessions.openOrders()['binance']).toBe(0)
  })

  test.each([
    { name: 'part of it', tradeLots: 4, cancelled: ['Cancelled', RefusedRequest.None, 0, 4, 6] },
    { name: 'all of it', tradeLots: 10, cancelled: ['Filled', RefusedRequest.Cancel, REASON_ORDER_FINISHED, 10, 0] },
  ])('a cancel racing a fill of $name: the fill is written once, the order ends as the venue says', async ({ tradeLots, cancelled }) => {
    await resting(1, 3_000_050, 10)
    // The cancel reaches the exchange and waits there; meanwhile the market sells into the order.
    env.mock.faults.inject(DELETE, { kind: 'delay', delayMs: 250, process: false })
    cancel(1)
    await until('the cancel at the exchange', () => env.mock.served(DELETE) === 1)
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_050, tradeLots)
    await until('the answer to the cancel', () => events(1).some((e) => e.status !== OrderStatus.Acknowledged && (e.refused !== 0 || e.status === OrderStatus.Cancelled)))
    expect(statuses(1).at(-1)).toEqual(cancelled)
    await pollUntil('the fill', () => fillsOf(1).length > 0)
    await pollUntil('a round after the fill', () => sessions.openOrders()['binance'] === 0)
    sessions.poll()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fillsOf(1).map((f) => f.sizeLots)).toEqual([tradeLots])
    expect(env.mock.venue.account.fills.filter((f) => f.execution.clientOrderId === '1').map((f) => f.execution.sizeLots)).toEqual([tradeLots])
    expect(sessions.counters).toMatchObject({ cancels: 1, timeouts: 0, refused: tradeLots === 10 ? 1 : 0 })
  })

  test('a cancel whose answer is lost to a timeout is confirmed by lookup, not sent again: one Cancelled event', async () => {
    await resting(1, 2_999_000, 10)
    env.mock.faults.inject(DELETE, { kind: 'delay', delayMs: 1_500 })
    cancel(1)
    await until('the cancel', () => events(1).length === 2, 8_000)
    expect(statuses(1)[1]).toEqual(['Cancelled', RefusedRequest.None, 0, 0, 10])
    expect(env.mock.served(DELETE)).toBe(1)
    expect(env.mock.served('GET /api/v3/order')).toBeGreaterThanOrEqual(1)
  })

  test('an amend whose answer is lost to a timeout finds its replacement by client id: replaced once, not twice', async () => {
    await resting(1, 2_999_000, 10)
    env.mock.faults.inject(CANCEL_REPLACE, { kind: 'delay', delayMs: 1_500 })
    sessions.amend({ clientOrderId: 1, newClientOrderId: 2, venueId: VENUE, instrumentId: 0, side: Side.Buy, priceTicks: 2_999_500, sizeLots: 6 })
    await until('the replacement', () => events(2).length > 0, 8_000)
    expect(statuses(1).at(-1)).toEqual(['Cancelled', RefusedRequest.None, REASON_REPLACED, 0, 10])
    expect(statuses(2)).toEqual([['Acknowledged', 0, 0, 0, 6]])
    expect(env.mock.served(CANCEL_REPLACE)).toBe(1)
    expect(env.engine.openOrders().map((o) => o.clientOrderId)).toEqual(['2'])
    expect(sessions.venueCounters()['binance']).toMatchObject({ timeouts: 1, recoveredByLookup: 1 })
  })

  test('a cancel that timed out before the exchange saw it is sent again; the late first one changes nothing: one Cancelled event, no refusal', async () => {
    await resting(1, 2_999_000, 10)
    env.mock.faults.inject(DELETE, { kind: 'delay', delayMs: 1_200, process: false })
    cancel(1)
    await until('the cancel', () => events(1).length === 2, 8_000)
    expect(statuses(1)[1]).toEqual(['Cancelled', RefusedRequest.None, 0, 0, 10])
    expect(env.mock.served(DELETE)).toBe(2)
    // The first request lands now, refused by the exchange (-2011) on a connection nobody listens to.
    await new Promise((resolve) => setTimeout(resolve, 1_300))
    expect(events(1)).toHaveLength(2)
    expect(env.engine.order('1')).toMatchObject({ status: OrderStatus.Cancelled, filledLots: 0 })
    expect(sessions.counters).toMatchObject({ cancels: 1, refused: 0, timeouts: 0 })
  })
})
