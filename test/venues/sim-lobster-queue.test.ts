import { describe, expect, it } from 'vitest'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { Liquidity, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine } from '../../src/venues/sim/matching-engine.js'
import { QUEUE_CANCEL_MODELS, type QueueCancelModel } from '../../src/venues/sim/queue-position.js'
import { books, levelChanges, messages, tradeOf } from './sim-lobster-sample.js'

const AAPL = 0

const addedAt = new Map<number, number>()
messages.forEach((m, i) => {
  if (m.type === 1) addedAt.set(m.orderId, i)
})

/**
 * The truth LOBSTER's order ids give for an order joining `side` at
 * `priceTicks` after message `joinIndex`: ahead of it is every order resting
 * there then (added earlier, or older than the sample). `aheadGoneNs` is when
 * the last of them traded or was deleted; `fillNs` when it would first have
 * filled: an execution there of an order that joined behind it (that volume
 * would have met it first), or an execution through its price.
 */
function truthOf(joinIndex: number, side: Side, priceTicks: number): { aheadGoneNs: number | undefined; fillNs: number | undefined } {
  let aheadLots = (side === Side.Buy ? books[joinIndex]!.bids : books[joinIndex]!.asks).get(priceTicks) ?? 0
  let aheadGoneNs: number | undefined
  for (let i = joinIndex + 1; i < messages.length; i++) {
    const m = messages[i]!
    if ((m.type !== 3 && m.type !== 4) || m.side !== side) continue
    const through = side === Side.Buy ? m.priceTicks < priceTicks : m.priceTicks > priceTicks
    if (m.type === 4 && through) return { aheadGoneNs: aheadGoneNs ?? m.tsNs, fillNs: m.tsNs }
    if (m.priceTicks !== priceTicks) continue
    const ahead = (addedAt.get(m.orderId) ?? -1) <= joinIndex
    if (ahead) {
      aheadLots -= m.sizeLots
      if (aheadLots <= 0) aheadGoneNs ??= m.tsNs
    } else if (m.type === 4) {
      return { aheadGoneNs, fillNs: m.tsNs }
    }
  }
  return { aheadGoneNs, fillNs: undefined }
}

/** Replays the sample through the engine with one buy or sell joining the touch after message `joinIndex`; when it first filled. */
function replay(model: QueueCancelModel, joinIndex: number, side: Side): { priceTicks: number; aheadLots: number; firstFillNs: number | undefined } {
  const engine = new MatchingEngine({ instruments: [DEFAULT_INSTRUMENT_SPECS['AAPL']!], fees: { makerBps: 0, takerBps: 0 }, queueCancelModel: model })
  let priceTicks = 0
  let aheadLots = 0
  let firstFillNs: number | undefined
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!
    const trade = i > 0 ? tradeOf(i) : undefined
    if (trade !== undefined) {
      const fills = engine.applyTrade(AAPL, trade.aggressor, trade.priceTicks, trade.sizeLots, m.tsNs).executions
      if (fills.length > 0) {
        expect(fills.every((x) => x.liquidity === Liquidity.Maker && x.priceTicks === priceTicks)).toBe(true)
        firstFillNs ??= m.tsNs
      }
    }
    for (const c of levelChanges(i)) engine.applyBookLevel(AAPL, c.side, c.priceTicks, c.sizeLots, m.tsNs)
    if (i === joinIndex) {
      priceTicks = side === Side.Buy ? engine.bestBid(AAPL)! : engine.bestAsk(AAPL)!
      const out = engine.submit({ clientOrderId: 'mine', instrumentId: AAPL, side, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks, sizeLots: 100 }, m.tsNs)
      expect(out.executions).toEqual([])
      aheadLots = engine.queueAheadLots('mine')!
    }
  }
  expect(engine.illegalTransitionCount).toBe(0)
  return { priceTicks, aheadLots, firstFillNs }
}

const JOINS = Array.from({ length: 19 }, (_, k) => 25 + 50 * k).flatMap((joinIndex) => [Side.Buy, Side.Sell].map((side) => ({ joinIndex, side })))

describe('sim venue on replayed LOBSTER L2', () => {
  it('a resting order joins behind the size shown at its level and fills only after every order ahead of it has traded or left', () => {
    let filled = 0
    for (const { joinIndex, side } of JOINS) {
      const { priceTicks, aheadLots, firstFillNs } = replay('back', joinIndex, side)
      expect(aheadLots).toBe((side === Side.Buy ? books[joinIndex]!.bids : books[joinIndex]!.asks).get(priceTicks))
      if (firstFillNs === undefined) continue
      filled++
      const truth = truthOf(joinIndex, side, priceTicks)
      expect(truth.aheadGoneNs).toBeDefined()
      expect(firstFillNs).toBeGreaterThanOrEqual(truth.aheadGoneNs!)
      expect(firstFillNs).toBeGreaterThanOrEqual(truth.fillNs!)
    }
    expect(filled).toBeGreaterThan(5)
  })

  it('reports how each cancel model compares with the order-id truth', () => {
    const rows = QUEUE_CANCEL_MODELS.map((model) => {
      let filled = 0
      let truthFilled = 0
      let early = 0
      let bothFilled = 0
      let lagNs = 0
      for (const { joinIndex, side } of JOINS) {
        const { priceTicks, firstFillNs } = replay(model, joinIndex, side)
        const truth = truthOf(joinIndex, side, priceTicks)
        if (truth.fillNs !== undefined) truthFilled++
        if (firstFillNs === undefined) continue
        filled++
        if (truth.fillNs === undefined || firstFillNs < truth.fillNs) early++
        else {
          bothFilled++
          lagNs += firstFillNs - truth.fillNs
        }
      }
      return { model, orders: JOINS.length, truthFilled, filled, filledEarly: early, meanLagMs: bothFilled > 0 ? Math.round(lagNs / bothFilled / 1e3) / 1e3 : 0 }
    })
    console.table(rows)
    expect(rows.find((r) => r.model === 'back')!.filledEarly).toBe(0)
    const fills = Object.fromEntries(rows.map((r) => [r.model, r.filled]))
    expect(fills['front']).toBeGreaterThanOrEqual(fills['proportional']!)
    expect(fills['proportional']).toBeGreaterThanOrEqual(fills['back']!)
  })
})
