import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { isTerminal } from '../../src/orders/order-state-machine.js'
import { Liquidity, OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine, type Execution, type MatchOutcome, type NewOrder } from '../../src/venues/sim/matching-engine.js'
import { QUEUE_CANCEL_MODELS } from '../../src/venues/sim/queue-position.js'

const BTC = 0
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']

const side = fc.constantFrom(Side.Buy, Side.Sell)
const price = fc.integer({ min: 100, max: 109 })
const command = fc.oneof(
  fc.record({ kind: fc.constant('book' as const), side, price, size: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('trade' as const), side, price, size: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ kind: fc.constant('quote' as const), bid: price, bidSize: fc.integer({ min: 0, max: 20 }), ask: price, askSize: fc.integer({ min: 0, max: 20 }) }),
  fc.record({
    kind: fc.constant('submit' as const),
    id: fc.constantFrom(...IDS),
    side,
    price,
    size: fc.integer({ min: 1, max: 25 }),
    orderType: fc.constantFrom(OrderType.Limit, OrderType.Limit, OrderType.Market),
    timeInForce: fc.constantFrom(TimeInForce.GoodTillCancel, TimeInForce.ImmediateOrCancel, TimeInForce.FillOrKill, TimeInForce.Day),
    postOnly: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cancel' as const), id: fc.constantFrom(...IDS, 'unknown') }),
)

type Shown = Map<number, number>

function shownOn(engine: MatchingEngine, s: Side): Shown {
  return new Map(engine.depth(BTC, s).map((level) => [level.priceTicks, level.sizeLots]))
}

describe('sim matching engine invariants', () => {
  it('prop_fills_are_truthful_and_orders_consistent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...QUEUE_CANCEL_MODELS), fc.array(command, { maxLength: 80 }), (queueCancelModel, commands) => {
        const engine = new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!], fees: { makerBps: 1, takerBps: 5 }, queueCancelModel })
        const sizes = new Map<string, NewOrder>()
        const limits = new Map<string, number>()
        const filledByExecutions = new Map<string, number>()
        const tradeLots = new Map<number, number[]>()
        let ts = 0

        const check = (out: MatchOutcome, before: { bids: Shown; asks: Shown }, trade?: { aggressor: Side; price: number }) => {
          const takenAt = new Map<string, number>()
          for (const x of out.executions) {
            const order = sizes.get(x.clientOrderId)!
            expect(x.sizeLots).toBeGreaterThan(0)
            filledByExecutions.set(x.clientOrderId, (filledByExecutions.get(x.clientOrderId) ?? 0) + x.sizeLots)
            tradeLots.set(x.tradeId, [...(tradeLots.get(x.tradeId) ?? []), x.sizeLots])
            if (x.liquidity === Liquidity.Taker) checkTaker(x, order, before, takenAt)
            else checkMaker(x, order, limits, trade)
          }
          for (const report of out.reports) expect(report.filledLots + report.remainingLots).toBe(report.sizeLots)
        }

        for (const c of commands) {
          ts += 1
          const before = { bids: shownOn(engine, Side.Buy), asks: shownOn(engine, Side.Sell) }
          if (c.kind === 'book') check(engine.applyBookLevel(BTC, c.side, c.price, c.size, ts), before)
          else if (c.kind === 'quote') check(engine.applyQuote(BTC, c.bid, c.bidSize, c.ask, c.askSize, ts), before)
          else if (c.kind === 'trade') check(engine.applyTrade(BTC, c.side, c.price, c.size, ts), before, { aggressor: c.side, price: c.price })
          else if (c.kind === 'cancel') {
            const out = engine.cancel(c.id, ts)
            expect(out.executions).toEqual([])
            expect(out.reports).toHaveLength(1)
          } else {
            const order: NewOrder = { clientOrderId: c.id, instrumentId: BTC, side: c.side, orderType: c.orderType, timeInForce: c.timeInForce, priceTicks: c.price, sizeLots: c.size, postOnly: c.postOnly }
            const known = engine.order(c.id) !== undefined
            const out = engine.submit(order, ts)
            if (known) {
              expect(out.executions).toEqual([])
              continue
            }
            sizes.set(c.id, order)
            if (c.orderType === OrderType.Limit) limits.set(c.id, c.price)
            check(out, before)
          }
        }

        expect(engine.illegalTransitionCount).toBe(0)
        for (const [id, order] of sizes) {
          const report = engine.order(id)!
          expect(report.filledLots).toBe(filledByExecutions.get(id) ?? 0)
          expect(report.filledLots).toBeLessThanOrEqual(order.sizeLots)
          expect(report.filledLots + report.remainingLots).toBe(order.sizeLots)
          if (report.status === OrderStatus.Filled) expect(report.remainingLots).toBe(0)
        }
        for (const report of engine.openOrders()) {
          expect(isTerminal(report.status)).toBe(false)
          expect(report.remainingLots).toBeGreaterThan(0)
        }
        // Two own orders meeting give one trade id with equal sizes on both sides.
        for (const lots of tradeLots.values()) expect(lots.length === 1 || (lots.length === 2 && lots[0] === lots[1])).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})

/** A taker fills only at prices the other side showed before it arrived, within the size shown there and within its limit. */
function checkTaker(x: Execution, order: NewOrder, before: { bids: Shown; asks: Shown }, takenAt: Map<string, number>): void {
  const shown = x.side === Side.Buy ? before.asks : before.bids
  const key = `${x.clientOrderId}@${x.priceTicks}`
  const taken = (takenAt.get(key) ?? 0) + x.sizeLots
  takenAt.set(key, taken)
  expect(shown.get(x.priceTicks) ?? 0).toBeGreaterThanOrEqual(taken)
  if (order.orderType === OrderType.Limit) {
    expect(x.side === Side.Buy ? x.priceTicks <= order.priceTicks : x.priceTicks >= order.priceTicks).toBe(true)
  }
}

/** A maker fills at its own limit, and a printed trade reaches it only at or through that limit. */
function checkMaker(x: Execution, order: NewOrder, limits: Map<string, number>, trade: { aggressor: Side; price: number } | undefined): void {
  expect(order.orderType).toBe(OrderType.Limit)
  expect(x.priceTicks).toBe(limits.get(x.clientOrderId))
  if (trade !== undefined) {
    expect(trade.aggressor).not.toBe(x.side)
    expect(x.side === Side.Sell ? trade.price >= x.priceTicks : trade.price <= x.priceTicks).toBe(true)
  }
}
