import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { isWavesError } from '../../src/errors/index.js'
import { OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { CcxtVenue } from '../../src/venues/ccxt/index.js'
import type { NewOrder } from '../../src/venues/sim/venue-messages.js'
import { BTC, ETH, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

let env: MockBinance
let venue: CcxtVenue

const limit = (clientOrderId: string, side: Side, priceTicks: number, sizeLots: number, timeInForce = TimeInForce.GoodTillCancel): NewOrder => ({
  clientOrderId, instrumentId: 0, side, orderType: OrderType.Limit, timeInForce, priceTicks, sizeLots,
})

beforeEach(async () => {
  env = await startMockBinance()
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 3_000_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
  venue = new CcxtVenue({ exchange: env.client(), instruments: [BTC, ETH], retry: { initialDelayMs: 1, maxDelayMs: 4 } })
  await venue.loadMarkets()
})

afterEach(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

describe('CcxtVenue through ccxt and the mock exchange', () => {
  test('a resting order is acknowledged in ticks and lots, listed, looked up and cancelled', async () => {
    const placed = await venue.submit(limit('a-1', Side.Buy, 2_999_950, 20))
    expect(placed).toMatchObject({ clientOrderId: 'a-1', venueOrderId: 1, instrumentId: 0, side: Side.Buy, status: OrderStatus.Acknowledged, priceTicks: 2_999_950, sizeLots: 20, filledLots: 0, remainingLots: 20 })
    expect((await venue.openOrders(0)).map((o) => o.clientOrderId)).toEqual(['a-1'])
    expect(await venue.order('a-1', 0)).toMatchObject({ status: OrderStatus.Acknowledged, venueOrderId: 1 })
    expect(await venue.order('never-sent', 0)).toBeUndefined()
    const cancelled = await venue.cancel('a-1', 0)
    expect(cancelled.status).toBe(OrderStatus.Cancelled)
    expect(await venue.openOrders(0)).toEqual([])
    // Cancelling again returns the order as it ended.
    expect((await venue.cancel('a-1', 0)).status).toBe(OrderStatus.Cancelled)
  })

  test('a post-only order rests as a maker (LIMIT_MAKER), and one that would take is refused as Binance refuses it, never filled', async () => {
    const rests = await venue.submit({ ...limit('p-1', Side.Buy, 3_000_000, 10), postOnly: true })
    expect(rests).toMatchObject({ status: OrderStatus.Acknowledged, remainingLots: 10 })
    const refused = await venue.submit({ ...limit('p-2', Side.Buy, 3_000_100, 10), postOnly: true }).catch((e: unknown) => e)
    expect(isWavesError(refused)).toBe(true)
    expect((refused as Error).message).toBe('binance createOrder for order p-2 failed after 1 attempt: rejected: binance Order would immediately match and take.')
    expect(await venue.fills(0)).toEqual([])
    expect((await venue.openOrders(0)).map((o) => o.clientOrderId)).toEqual(['p-1'])
  })

  test('a crossing order fills partly, rests, then fills from a market trade; every fill is accounted for', async () => {
    const placed = await venue.submit(limit('x-1', Side.Buy, 3_000_100, 60))
    expect(placed).toMatchObject({ status: OrderStatus.PartiallyFilled, filledLots: 40, remainingLots: 20 })
    env.mock.printTrade('BTCUSDT', Side.Sell, 3_000_100, 25)
    expect((await venue.order('x-1', 0))!.status).toBe(OrderStatus.Filled)
    const fills = await venue.fills(0)
    expect(fills.map((f) => [f.clientOrderId, f.priceTicks, f.sizeLots, f.liquidity])).toEqual([
      ['x-1', 3_000_100, 40, 1],
      ['x-1', 3_000_100, 20, 0],
    ])
    // 30001 × 0.0004 × 5 bps = 0.0060002 USDT; 30001 × 0.0002 × 1 bp = 0.00060002 USDT (8 decimals).
    expect(fills.map((f) => f.feeQuoteUnits)).toEqual([600_020n, 60_002n])
    expect(fills.reduce((sum, f) => sum + f.sizeLots, 0)).toBe(60)
  })

  test("an own resting order a taker of the account would meet expires in match, as Binance's EXPIRE_MAKER has it; the taker goes on to the market", async () => {
    // A sell resting at 3_000_200, then a buy through it: it would trade with its own account.
    await venue.submit(limit('s-1', Side.Sell, 3_000_200, 10))
    env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_300, 30)
    const taker = await venue.submit(limit('t-1', Side.Buy, 3_000_300, 60))
    expect(taker).toMatchObject({ status: OrderStatus.Filled, filledLots: 60 })
    const maker = await venue.order('s-1', 0)
    expect(maker).toMatchObject({ status: OrderStatus.Expired, filledLots: 0 })
    const raw = (await env.client().fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 's-1' })).info as { status: string; selfTradePreventionMode: string }
    expect(raw).toMatchObject({ status: 'EXPIRED_IN_MATCH', selfTradePreventionMode: 'EXPIRE_MAKER' })
    // Only market liquidity filled the taker: 40 at 3_000_100, 20 at 3_000_300; nothing between the two own orders.
    expect((await venue.fills(0)).map((f) => [f.clientOrderId, f.priceTicks, f.sizeLots])).toEqual([
      ['t-1', 3_000_100, 40],
      ['t-1', 3_000_300, 20],
    ])
  })

  test('balances come back as exact decimal text per asset', async () => {
    await venue.submit(limit('b-1', Side.Buy, 3_000_100, 10))
    const balances = await venue.balances()
    expect(balances.find((b) => b.asset === 'BTC')).toEqual({ asset: 'BTC', free: '10.0001', locked: '0' })
    expect(balances.find((b) => b.asset === 'USDT')).toEqual({ asset: 'USDT', free: '999996.99839995', locked: '0' })
  })

  test('a refused order is a typed rejection naming venue, call and client id', async () => {
    const err = await venue.submit(limit('big-1', Side.Buy, 2_000_000, 100_000_000)).catch((e: unknown) => e)
    expect(isWavesError(err, 'ERR_VENUE_REJECTED')).toBe(true)
    expect((err as Error).message).toBe('binance createOrder for order big-1 failed after 1 attempt: rejected: binance Account has insufficient balance for requested action.')
    expect((err as { context: object }).context).toMatchObject({ venue: 'binance', call: 'createOrder', clientOrderId: 'big-1', kind: 'rejected' })
    expect(env.mock.served('POST /api/v3/order')).toBe(1)
  })

  test('an unknown instrument is a config error, not a venue call', async () => {
    await expect(venue.submit({ ...limit('u-1', Side.Buy, 1, 1), instrumentId: 7 })).rejects.toThrow('binance createOrder: instrument 7 is not configured')
  })
})
