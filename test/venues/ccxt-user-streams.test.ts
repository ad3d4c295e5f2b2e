import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { CcxtSessions } from '../../src/agents/adapters/ccxt-sessions.js'
import type { VenueOrder } from '../../src/agents/adapters/venue-requests.js'
import type { RingConsumer } from '../../src/ring/index.js'
import { Liquidity, OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { readAnswers, type Answer } from '../fixtures/ring/engine-rings.js'
import { ccxtSessionsOn } from '../fixtures/venues/ccxt-sessions-on-mock.js'
import { BTC, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

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
  const made = ccxtSessionsOn(env, { test: 'ccxt-user-streams', timeoutMs: 2_000, userStreams: true })
  sessions = made.sessions
  answers = made.answers
})

afterEach(async () => {
  await sessions.close()
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

function written(): Answer[] {
  seen.push(...readAnswers(answers))
  return seen
}

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(written())}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const buy = (clientOrderId: number, priceTicks: number, sizeLots: number): VenueOrder => ({
  clientOrderId, venueId: 1, instrumentId: 0, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks, sizeLots, strategyId: 5,
})

/** The answers about one order as [kind, status or lots, liquidity]. */
const story = (id: number) =>
  written()
    .filter((a) => a.id === id)
    .map((a) => (a.kind === 'event' ? ['event', OrderStatus[a.status], a.filled] : ['fill', a.sizeLots, a.liquidity === Liquidity.Maker ? 'maker' : 'taker']))

describe('the ccxt sessions follow each venue on its user data stream', () => {
  test('a fill that happens after the order rests reaches the ring from the stream, with no poll, fill before the order ends', async () => {
    await until('the user stream', () => env.mock.streams.counters.userStreamSubscriptions >= 1)
    sessions.submit(buy(7, 3_000_000, 10))
    await until('the acknowledgment', () => story(7).length > 0)
    expect(story(7)).toEqual([['event', 'Acknowledged', 0]])
    // Somebody sells into the bid: 50 lots ahead of ours at 30000.00, then our 10.
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 60)
    await until('the fill and the end', () => story(7).length === 3)
    expect(story(7)).toEqual([
      ['event', 'Acknowledged', 0],
      ['fill', 10, 'maker'],
      ['event', 'Filled', 10],
    ])
    expect(sessions.counters).toMatchObject({ pollFailures: 0, streamFailures: 0 })
    expect(sessions.counters.streamUpdates).toBeGreaterThanOrEqual(2)
  })

  test('a stream the venue drops is begun again on a new connection, which brings what follows; polling covers the gap, and nothing is written twice', async () => {
    await until('the user stream', () => env.mock.streams.counters.userStreamSubscriptions >= 1)
    sessions.submit(buy(8, 3_000_000, 10))
    await until('the acknowledgment', () => story(8).length > 0)
    env.mock.streams.dropAll()
    await until('a new subscription', () => env.mock.streams.counters.userStreamSubscriptions >= 2)
    // The new stream brings what follows: another order's news comes over it (news sent while a
    // new client is still setting its watches up can miss it; that is the poll's to bring).
    const updatesBefore = sessions.counters.streamUpdates
    for (let k = 0; sessions.counters.streamUpdates === updatesBefore; k++) {
      if (k === 10) throw new Error('ten orders placed and the new stream brought news of none')
      sessions.submit(buy(20 + k, 2_999_900 - k, 1))
      await until('news from the new stream', () => sessions.counters.streamUpdates > updatesBefore, 500).catch(() => {})
    }
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 60)
    await until('the fill and the end', () => {
      sessions.poll()
      return story(8).length === 3
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(story(8)).toEqual([
      ['event', 'Acknowledged', 0],
      ['fill', 10, 'maker'],
      ['event', 'Filled', 10],
    ])
    expect(sessions.counters.streamFailures).toBeGreaterThanOrEqual(1)
  })

  test('garbage on the stream is a stream failure: counted, begun again on a new connection, and what happened meanwhile reaches the ring once through polling', async () => {
    await until('the user stream', () => env.mock.streams.counters.userStreamSubscriptions >= 1)
    sessions.submit(buy(9, 3_000_000, 10))
    await until('the acknowledgment', () => story(9).length > 0)
    env.mock.streams.publishUserRaw('{"subscriptionId": 1, "event": {"e": "executionReport", "s": "BTCUSDT", "x": "TRADE"')
    // Somebody sells into the bid while the stream is being begun again.
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_000, 60)
    await until('the fill and the end', () => {
      sessions.poll()
      return story(9).length === 3
    })
    await until('the stream begun again', () => env.mock.streams.counters.userStreamSubscriptions >= 2)
    expect(sessions.counters.streamFailures).toBeGreaterThanOrEqual(1)
    // Whichever way each came, once, and the fill before the end.
    await new Promise((resolve) => setTimeout(resolve, 200))
    sessions.poll()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(story(9)).toEqual([
      ['event', 'Acknowledged', 0],
      ['fill', 10, 'maker'],
      ['event', 'Filled', 10],
    ])
  })
})
