import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { cellIndex, LEVEL_FIELD, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'
import { Liquidity, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine } from '../../src/venues/sim/matching-engine.js'
import { QUEUE_CANCEL_MODELS, type QueueCancelModel } from '../../src/venues/sim/queue-position.js'

// The LOBSTER sample: AAPL 2012-06-21, ten levels, the first 999 messages.
// Row i of the order book file is the book after message i. Prices are
// USD × 10^4, which is AAPL's tick of 0.0001, so they are ticks as they stand.
const dir = fileURLToPath(new URL('../../../shared/data/lobster/', import.meta.url))
const stem = 'AAPL_2012-06-21_34200000_57600000'

interface Message {
  tsNs: number
  type: number
  orderId: number
  sizeLots: number
  priceTicks: number
  /** The resting order's side (an execution of a sell order is a buyer-initiated trade). */
  side: Side
}

type Levels = Map<number, number>

const parsed = readLobsterMessages(`${dir}${stem}_message_10.csv`)
const messages: Message[] = Array.from({ length: parsed.count }, (_, i) => ({
  tsNs: parsed.timeNs[i]!,
  type: parsed.eventType[i]!,
  orderId: parsed.orderId[i]!,
  sizeLots: parsed.sizeLots[i]!,
  priceTicks: parsed.priceTicks[i]!,
  side: parsed.direction[i] === 1 ? Side.Buy : Side.Sell,
}))

const rows = readLobsterBookRows(`${dir}${stem}_orderbook_10.csv`)
const books: { bids: Levels; asks: Levels }[] = Array.from({ length: rows.count }, (_, r) => {
  const asks: Levels = new Map()
  const bids: Levels = new Map()
  for (let l = 0; l < rows.levels; l++) {
    const at = (field: number) => rows.cells[cellIndex(rows, r, l, field)]!
    if (at(LEVEL_FIELD.askSize) > 0) asks.set(at(LEVEL_FIELD.askPrice), at(LEVEL_FIELD.askSize))
    if (at(LEVEL_FIELD.bidSize) > 0) bids.set(at(LEVEL_FIELD.bidPrice), at(LEVEL_FIELD.bidSize))
  }
  return { bids, asks }
})

const AAPL = 0

function applyDiff(engine: MatchingEngine, side: Side, before: Levels, after: Levels, tsNs: number): void {
  for (const [price, size] of after) if (before.get(price) !== size) engine.applyBookLevel(AAPL, side, price, size, tsNs)
  for (const price of before.keys()) if (!after.has(price)) engine.applyBookLevel(AAPL, side, price, 0, tsNs)
}

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
  applyDiff(engine, Side.Sell, new Map(), books[0]!.asks, messages[0]!.tsNs)
  applyDiff(engine, Side.Buy, new Map(), books[0]!.bids, messages[0]!.tsNs)
  let priceTicks = 0
  let aheadLots = 0
  let firstFillNs: number | undefined
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!
    if (i > 0) {
      if (m.type === 4) {
        const fills = engine.applyTrade(AAPL, m.side === Side.Sell ? Side.Buy : Side.Sell, m.priceTicks, m.sizeLots, m.tsNs).executions
        if (fills.length > 0) {
          expect(fills.every((x) => x.liquidity === Liquidity.Maker && x.priceTicks === priceTicks)).toBe(true)
          firstFillNs ??= m.tsNs
        }
      }
      applyDiff(engine, Side.Sell, books[i - 1]!.asks, books[i]!.asks, m.tsNs)
      applyDiff(engine, Side.Buy, books[i - 1]!.bids, books[i]!.bids, m.tsNs)
    }
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
