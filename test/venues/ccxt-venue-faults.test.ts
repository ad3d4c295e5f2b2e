import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Xoshiro128 } from '../../src/random/seeded-random.js'
import { isWavesError } from '../../src/errors/index.js'
import { OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { CcxtVenue } from '../../src/venues/ccxt/index.js'
import type { Fault } from '../../src/venues/mock-exchange/index.js'
import type { NewOrder } from '../../src/venues/sim/venue-messages.js'
import { BTC, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

const CREATE = 'POST /api/v3/order'
const TIMEOUT_MS = 300

let env: MockBinance
let venue: CcxtVenue
let waitsMs: number[]

// Crosses 40 lots of the 30001.00 ask and rests 20: a lost answer here hides a fill as well as an order.
const order = (clientOrderId: string): NewOrder => ({ clientOrderId, instrumentId: 0, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks: 3_000_100, sizeLots: 60 })

beforeEach(async () => {
  env = await startMockBinance([BTC])
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
  waitsMs = []
  const rng = Xoshiro128.fromSeed(42)
  venue = new CcxtVenue({
    exchange: env.client({ timeoutMs: TIMEOUT_MS }),
    instruments: [BTC],
    retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 400 },
    random: () => rng.nextFloat(),
    sleep: async (ms) => {
      waitsMs.push(ms)
    },
  })
  await venue.loadMarkets()
})

afterEach(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

/** Exactly one order under the id at the venue, its 40 lots of fills all listed, and none lost after the rest fills. */
async function expectExactlyOne(clientOrderId: string): Promise<void> {
  const open = env.engine.openOrders().filter((o) => o.clientOrderId === clientOrderId)
  expect(open).toHaveLength(1)
  expect(env.mock.venue.orders.size).toBe(1)
  expect((await venue.openOrders(0)).map((o) => [o.clientOrderId, o.filledLots])).toEqual([[clientOrderId, 40]])
  env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_100, 20)
  const fills = await venue.fills(0)
  expect(fills.every((f) => f.clientOrderId === clientOrderId)).toBe(true)
  expect(fills.reduce((sum, f) => sum + f.sizeLots, 0)).toBe(60)
  expect((await venue.order(clientOrderId, 0))!.status).toBe(OrderStatus.Filled)
}

describe('order entry under injected faults: one live order per client id, every fill accounted for', () => {
  const cases: { name: string; fault: Fault; creates: number; recovered: number }[] = [
    { name: 'an answer delayed past the timeout, with the order placed', fault: { kind: 'delay', delayMs: 1_500 }, creates: 1, recovered: 1 },
    { name: 'HTTP 503 after the order was placed', fault: { kind: 'status', status: 503, process: true }, creates: 1, recovered: 1 },
    { name: 'HTTP 500 before the order was placed', fault: { kind: 'status', status: 500, process: false }, creates: 2, recovered: 0 },
    { name: 'a body cut short, with the order placed', fault: { kind: 'malformed' }, creates: 1, recovered: 1 },
    { name: 'a connection dropped after the order was placed', fault: { kind: 'drop' }, creates: 1, recovered: 1 },
    { name: 'a connection dropped before the order was placed', fault: { kind: 'drop', process: false }, creates: 2, recovered: 0 },
    { name: 'HTTP 418', fault: { kind: 'status', status: 418 }, creates: 2, recovered: 0 },
  ]

  test.each(cases)('$name', async ({ fault, creates, recovered }) => {
    env.mock.faults.inject(CREATE, fault)
    const report = await venue.submit(order('f-1'))
    expect(report).toMatchObject({ clientOrderId: 'f-1', status: OrderStatus.PartiallyFilled, filledLots: 40, remainingLots: 20 })
    expect(env.mock.served(CREATE)).toBe(creates)
    expect(venue.counters.recoveredByLookup).toBe(recovered)
    expect(env.mock.faults.pending).toBe(0)
    await expectExactlyOne('f-1')
  })

  test('HTTP 429 is retried no sooner than its Retry-After, and the order is placed once', async () => {
    env.mock.faults.inject(CREATE, { kind: 'status', status: 429, retryAfterSec: 2 })
    const report = await venue.submit(order('r-1'))
    expect(report.status).toBe(OrderStatus.PartiallyFilled)
    expect(waitsMs).toHaveLength(1)
    expect(waitsMs[0]).toBe(2_000)
    expect(venue.counters.rateLimited).toBe(1)
    expect(env.mock.served(CREATE)).toBe(2)
    await expectExactlyOne('r-1')
  })

  test('a create that reaches the venue only after the client gave up and retried is refused as a duplicate: still one order', async () => {
    env.mock.faults.inject(CREATE, { kind: 'delay', delayMs: 800, process: false })
    const report = await venue.submit(order('late-1'))
    expect(report.filledLots).toBe(40)
    expect(venue.counters.recoveredByLookup).toBe(0)
    // The first request lands now, late, under a client id the venue already holds.
    await new Promise((resolve) => setTimeout(resolve, 900))
    expect(env.mock.served(CREATE)).toBe(2)
    await expectExactlyOne('late-1')
  })

  test('the lookup after a timeout times out too, then answers: still one order', async () => {
    env.mock.faults.inject(CREATE, { kind: 'delay', delayMs: 1_500 })
    env.mock.faults.inject('GET /api/v3/order', { kind: 'delay', delayMs: 1_500 })
    const report = await venue.submit(order('l-1'))
    expect(report.filledLots).toBe(40)
    expect(venue.counters.timeouts).toBe(2)
    expect(env.mock.served('GET /api/v3/order')).toBe(2)
    await expectExactlyOne('l-1')
  })

  test('backoff waits grow with seeded jitter and the last failure is a typed error naming the call', async () => {
    env.mock.faults.inject(CREATE, { kind: 'status', status: 502, process: false }, 4)
    const err = await venue.submit(order('u-1')).catch((e: unknown) => e)
    expect(isWavesError(err, 'ERR_VENUE_UNAVAILABLE')).toBe(true)
    expect((err as Error).message.replace(env.urls.rest, 'REST')).toBe('binance createOrder for order u-1 failed after 4 attempts: unavailable: binance POST REST/order 502 Bad Gateway <html><body><h1>502 Bad Gateway</h1></body></html>')
    expect(waitsMs).toHaveLength(3)
    // Equal jitter: each wait lies in the upper half of a ceiling that doubles (50, 100, 200 ms).
    waitsMs.forEach((ms, k) => {
      expect(ms).toBeGreaterThanOrEqual(25 * 2 ** k)
      expect(ms).toBeLessThan(50 * 2 ** k)
    })
    expect(env.mock.served(CREATE)).toBe(4)
    expect(env.engine.openOrders()).toEqual([])
  })

  test('a cancel whose answer is lost is confirmed by lookup, not sent twice', async () => {
    await venue.submit(order('c-1'))
    env.mock.faults.inject('DELETE /api/v3/order', { kind: 'delay', delayMs: 1_500 })
    const cancelled = await venue.cancel('c-1', 0)
    expect(cancelled).toMatchObject({ status: OrderStatus.Cancelled, filledLots: 40 })
    expect(env.mock.served('DELETE /api/v3/order')).toBe(1)
    expect(env.engine.openOrders()).toEqual([])
  })
})
