import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { OrderStatus, Side } from '../../src/schemas/index.js'
import { BTC, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'

let env: MockBinance

beforeEach(async () => {
  // Only 1 USDT beyond what a resting buy of 0.0002 at 29990 holds: a bigger replacement cannot be paid for.
  env = await startMockBinance([BTC], { USDT: '7', BTC: '1' })
  env.mock.setBookLevel('BTCUSDT', Side.Buy, 2_998_000, 50)
  env.mock.setBookLevel('BTCUSDT', Side.Sell, 3_000_100, 40)
})

afterEach(async () => {
  expect(env.mock.counters.unexpected).toEqual([])
  await env.close()
})

/** The JSON body of a Binance error as ccxt quotes it in its message. */
function bodyOf(err: unknown): Record<string, unknown> {
  const message = (err as Error).message
  return JSON.parse(message.slice(message.indexOf('{'))) as Record<string, unknown>
}

describe('mock Binance: cancels and cancel-replace in Binance shapes, through the unmodified ccxt client', () => {
  test('a cancel answers under its own client id, the order\'s as origClientOrderId', async () => {
    const ex = env.client()
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, 29990, { newClientOrderId: 'r-1' })
    const cancelled = await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'r-1', newClientOrderId: 'cancel-r-1' })
    expect(cancelled.info).toMatchObject({ origClientOrderId: 'r-1', clientOrderId: 'cancel-r-1', status: 'CANCELED' })
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, 29990, { newClientOrderId: 'r-2' })
    const generated = await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'r-2' })
    expect(generated.info['origClientOrderId']).toBe('r-2')
    expect(generated.info['clientOrderId']).not.toBe('r-2')
  })

  test('editOrder replaces in one request: the old order cancelled, the new one placed under its own id and order id', async () => {
    const ex = env.client()
    const first = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, 29990, { newClientOrderId: 'a-1' })
    const next = await ex.editOrder(undefined as unknown as string, 'BTC/USDT', 'limit', 'buy', 0.0001, 29995, { cancelOrigClientOrderId: 'a-1', newClientOrderId: 'a-2', timeInForce: 'GTC' })
    expect([next.clientOrderId, next.status, next.price, next.amount]).toEqual(['a-2', 'open', 29995, 0.0001])
    expect(next.id).not.toBe(first.id)
    expect(env.engine.order('a-1')!.status).toBe(OrderStatus.Cancelled)
    expect(env.engine.openOrders().map((o) => o.clientOrderId)).toEqual(['a-2'])
  })

  test('STOP_ON_FAILURE: a cancel that fails places nothing (-2022, 400)', async () => {
    const ex = env.client()
    const err = await ex.editOrder(undefined as unknown as string, 'BTC/USDT', 'limit', 'buy', 0.0001, 29995, { cancelOrigClientOrderId: 'nope', newClientOrderId: 'n-2', timeInForce: 'GTC' }).catch((e: unknown) => e)
    expect(bodyOf(err)).toEqual({
      code: -2022,
      msg: 'Order cancel-replace failed.',
      data: { cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', cancelResponse: { code: -2011, msg: 'Unknown order sent.' }, newOrderResponse: null },
    })
    expect(env.engine.order('n-2')).toBeUndefined()
  })

  test('a replacement the account cannot pay for fails after the cancel went through (-2021, 409): the old order is gone', async () => {
    const ex = env.client()
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, 29990, { newClientOrderId: 'p-1' })
    const err = await ex.editOrder(undefined as unknown as string, 'BTC/USDT', 'limit', 'buy', 0.001, 29990, { cancelOrigClientOrderId: 'p-1', newClientOrderId: 'p-2', timeInForce: 'GTC' }).catch((e: unknown) => e)
    const body = bodyOf(err)
    expect([body['code'], body['msg']]).toEqual([-2021, 'Order cancel-replace partially failed.'])
    expect(body['data']).toMatchObject({
      cancelResult: 'SUCCESS',
      newOrderResult: 'FAILURE',
      cancelResponse: { origClientOrderId: 'p-1', status: 'CANCELED' },
      newOrderResponse: { code: -2010, msg: 'Account has insufficient balance for requested action.' },
    })
    expect(env.engine.order('p-1')!.status).toBe(OrderStatus.Cancelled)
    expect(env.engine.order('p-2')).toBeUndefined()
  })

  test('ALLOW_FAILURE places the new order even when the cancel fails (-2021, 409)', async () => {
    const ex = env.client()
    const err = await ex.editOrder(undefined as unknown as string, 'BTC/USDT', 'limit', 'buy', 0.0001, 29995, { cancelOrigClientOrderId: 'nope', newClientOrderId: 'f-2', timeInForce: 'GTC', cancelReplaceMode: 'ALLOW_FAILURE' }).catch((e: unknown) => e)
    expect(bodyOf(err)).toMatchObject({ code: -2021, data: { cancelResult: 'FAILURE', newOrderResult: 'SUCCESS', newOrderResponse: { clientOrderId: 'f-2', status: 'NEW' } } })
    expect(env.engine.order('f-2')!.status).toBe(OrderStatus.Acknowledged)
  })
})
