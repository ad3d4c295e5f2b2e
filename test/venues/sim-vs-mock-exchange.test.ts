import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { ConstantLatency } from '../../src/venues/sim/latency-model.js'
import { MatchingEngine, type NewOrder } from '../../src/venues/sim/matching-engine.js'
import { SimVenue } from '../../src/venues/sim/sim-venue.js'
import { BTC, FEES, startMockBinance, type MockBinance } from '../fixtures/venues/mock-binance.js'
import { books, levelChanges, messages, tradeOf } from './sim-lobster-sample.js'

// The LOBSTER sample's ticks and shares read as BTC-USDT ticks (0.01) and
// lots (0.00001): 5853300 ticks is 58533.00 USDT, 100 shares 0.001 BTC.
const precision = new InstrumentPrecision(BTC)

/** One fill as both venues must agree on it: trade id, venue order id, price, size, maker or taker, fee. */
type FillRow = [tradeId: number, orderId: number, priceTicks: number, sizeLots: number, maker: boolean, fee: string]

/** What the strategy does after message i: decided from the data alone, so both runs send the same requests. */
type Action = { kind: 'submit'; order: NewOrder } | { kind: 'cancel'; clientOrderId: string }

function strategy(i: number, placed: string[]): Action[] {
  const { bids, asks } = books[i]!
  const bestBid = Math.max(...bids.keys())
  const bestAsk = Math.min(...asks.keys())
  const order = (id: string, side: Side, orderType: OrderType, timeInForce: TimeInForce, priceTicks: number, sizeLots: number): Action => {
    placed.push(id)
    return { kind: 'submit', order: { clientOrderId: id, instrumentId: 0, side, orderType, timeInForce, priceTicks, sizeLots } }
  }
  if (i % 120 === 10) return [order(`bid-${i}`, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, bestBid, 100)]
  if (i % 120 === 70) return [order(`ask-${i}`, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, bestAsk, 100)]
  if (i % 200 === 150) return [order(`mkt-${i}`, Side.Buy, OrderType.Market, TimeInForce.GoodTillCancel, 0, 450)]
  if (i % 300 === 299) return [order(`ioc-${i}`, Side.Sell, OrderType.Limit, TimeInForce.ImmediateOrCancel, bestBid - 100, 300)]
  if (i % 240 === 230 && placed.length > 0) return [{ kind: 'cancel', clientOrderId: placed[0]! }]
  return []
}

/** The sample through the sim venue with no latency, as the embedded default and replay run it. */
function runSim(): { fills: FillRow[]; clientOrderIds: Map<number, string> } {
  const clock = new ManualClock(messages[0]!.tsNs)
  const engine = new MatchingEngine({ instruments: [BTC], fees: FEES })
  const venue = new SimVenue({ engine, clock, orderLatency: new ConstantLatency(0), feedLatency: new ConstantLatency(0) })
  const fills: FillRow[] = []
  const clientOrderIds = new Map<number, string>()
  const collect = () => {
    for (const d of venue.poll()) {
      if (d.kind !== 'execution') continue
      const x = d.execution
      clientOrderIds.set(x.venueOrderId, x.clientOrderId)
      fills.push([x.tradeId, x.venueOrderId, x.priceTicks, x.sizeLots, x.liquidity === Liquidity.Maker, precisionFee(x.feeQuoteUnits)])
    }
  }
  const placed: string[] = []
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!
    clock.advanceNs(m.tsNs - clock.nowNs())
    const trade = i > 0 ? tradeOf(i) : undefined
    if (trade !== undefined) venue.trade(0, trade.aggressor, trade.priceTicks, trade.sizeLots, m.tsNs)
    for (const c of levelChanges(i)) venue.bookLevel(0, c.side, c.priceTicks, c.sizeLots, m.tsNs)
    collect()
    for (const action of strategy(i, placed)) {
      if (action.kind === 'submit') venue.submit(action.order)
      else venue.cancel(action.clientOrderId)
      collect()
    }
  }
  return { fills, clientOrderIds }
}

/** The same sample and strategy through the mock Binance and the unmodified ccxt client. */
async function runMock(env: MockBinance): Promise<FillRow[]> {
  const ex = env.client()
  await ex.loadMarkets()
  const placed: string[] = []
  for (let i = 0; i < messages.length; i++) {
    const trade = i > 0 ? tradeOf(i) : undefined
    if (trade !== undefined) env.mock.printTrade('BTCUSDT', trade.aggressor, trade.priceTicks, trade.sizeLots)
    for (const c of levelChanges(i)) env.mock.setBookLevel('BTCUSDT', c.side, c.priceTicks, c.sizeLots)
    for (const action of strategy(i, placed)) {
      if (action.kind === 'cancel') {
        await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: action.clientOrderId }).catch((err: Error) => {
          if (!/Unknown order/i.test(err.message)) throw err
        })
        continue
      }
      const o = action.order
      const type = o.orderType === OrderType.Market ? 'market' : 'limit'
      const price = o.orderType === OrderType.Market ? undefined : Number(precision.ticksToPrice(o.priceTicks))
      const params = { newClientOrderId: o.clientOrderId, ...(type === 'limit' ? { timeInForce: o.timeInForce === TimeInForce.ImmediateOrCancel ? 'IOC' : 'GTC' } : {}) }
      await ex.createOrder('BTC/USDT', type, o.side === Side.Buy ? 'buy' : 'sell', Number(precision.lotsToSize(o.sizeLots)), price, params)
    }
  }
  const trades = await ex.fetchMyTrades('BTC/USDT', undefined, 1000)
  const rows = trades.map((t): FillRow => {
    const info = t.info as { id: number; orderId: number; price: string; qty: string; isMaker: boolean; commission: string }
    return [Number(info.id), Number(info.orderId), precision.priceToTicks(info.price), precision.sizeToLots(info.qty), info.isMaker, info.commission]
  })
  // The venue lists fills by time in milliseconds; replay packs many into one, so order them as the venue made them.
  return rows.sort((a, b) => a[0] - b[0] || Number(a[4]) - Number(b[4]))
}

function precisionFee(units: bigint): string {
  const digits = units.toString().padStart(BTC.quoteDecimals + 1, '0')
  return `${digits.slice(0, -BTC.quoteDecimals)}.${digits.slice(-BTC.quoteDecimals)}`
}

describe('the sim venue and the mock exchange agree', () => {
  let env: MockBinance

  beforeAll(async () => {
    env = await startMockBinance([BTC], { USDT: '100000000', BTC: '1000' })
  })

  afterAll(async () => {
    expect(env.mock.counters.unexpected).toEqual([])
    await env.close()
  })

  it('replaying the same data and strategy through both gives the same fills', async () => {
    const { fills: sim, clientOrderIds } = runSim()
    const mock = await runMock(env)
    // Resting bids and asks fill as makers; market orders walking the book and IOC sells take.
    const kindsFilled = (maker: boolean) => new Set(sim.filter((f) => f[4] === maker).map((f) => clientOrderIds.get(f[1])!.split('-')[0]))
    expect(kindsFilled(true)).toEqual(new Set(['bid', 'ask']))
    expect(kindsFilled(false)).toEqual(new Set(['mkt', 'ioc']))
    // 58 when own orders traded with each other; self-trade prevention expires the makers instead, on both.
    expect(sim).toHaveLength(45)
    expect(mock).toEqual(sim)
  })
})
