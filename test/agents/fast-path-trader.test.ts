import { describe, expect, it } from 'vitest'
import { FastPathTrader, type FastPathOrder } from '../../src/agents/strategy-engine/fast-path-trader.js'
import { MeanReversion } from '../../src/agents/strategy-engine/mean-reversion.js'
import { PreTradeCheck } from '../../src/agents/risk-management/pre-trade-check.js'
import { VenueBooks } from '../../src/market/book/index.js'
import { fallbackFunctions } from '../../src/native/index.js'
import { RouterInput } from '../../src/native/router-input.js'
import { BookAction, Side } from '../../src/schemas/index.js'

function trader(limits = { maxOrderNotional: 1e9, maxPosition: 1e9, maxOrdersPerSecond: 1e6 }) {
  const books = new VenueBooks(1, 2)
  const sent: FastPathOrder[] = []
  const t = new FastPathTrader({
    strategy: new MeanReversion(1, { alpha: 0.2, entryZ: 1.5, sizeLots: 8, warmup: 5 }),
    check: new PreTradeCheck(limits, [{ quotePerTickLot: 1, basePerLot: 1 }]),
    router: fallbackFunctions.createRouter({ adverseTicksPerMs: 0 }),
    books,
    input: new RouterInput(2, { takerBps: 0, makerBps: 0 }),
    send: (o) => {
      sent.push({ ...o })
      return true
    },
    firstOrderId: 1_000,
  })
  return { t, books, sent }
}

/** Moves the touch on both venues to `bid`/`ask` (five lots each), taking the last one off first. */
function touchOf(books: VenueBooks): (bid: number, ask: number) => void {
  // Sequence 0: these books take the deltas unchecked, as from a venue that numbers nothing.
  let last: [number, number] | undefined
  return (bid, ask) => {
    for (const venue of [1, 2]) {
      if (last !== undefined) {
        books.apply(0, venue, Side.Buy, BookAction.Delete, last[0], 0, 0)
        books.apply(0, venue, Side.Sell, BookAction.Delete, last[1], 0, 0)
      }
      books.apply(0, venue, Side.Buy, BookAction.Set, bid, 5, 0)
      books.apply(0, venue, Side.Sell, BookAction.Set, ask, 5, 0)
    }
    last = [bid, ask]
  }
}

describe('fast path trader', () => {
  it('turns a tick that stretches the mid into routed child orders across the venues, at once', () => {
    const { t, books, sent } = trader()
    const touch = touchOf(books)
    // A quiet market: the mid wanders between 100.5 and 101.5.
    for (let k = 0; k < 8; k++) {
      const d = k % 2
      touch(100 + d, 101 + d)
      expect(t.onTick(0, k, k)).toBe(0)
    }
    // The touch jumps 10 ticks up: lean against it, selling into the bids of both venues (5 lots each, 8 wanted).
    touch(110, 111)
    expect(t.onTick(0, 777, 778)).toBe(2)
    expect(sent.map((o) => [o.clientOrderId, o.venueId, o.side, o.priceTicks, o.sizeLots, o.tickTsNs])).toEqual([
      [1000, 1, Side.Sell, 110, 5, 777],
      [1001, 2, Side.Sell, 110, 3, 777],
    ])
    expect(t.sent).toBe(2)
  })

  it('rehearses the routing of the last tick between ticks without sending, counting or changing what the next tick does', () => {
    const run = (rehearsing: boolean) => {
      const { t, books, sent } = trader()
      const touch = touchOf(books)
      let rehearsed = 0
      expect(t.rehearse()).toBe(0) // no tick yet: nothing to route
      for (const [bid, ask] of [[100, 101], [101, 102], [100, 101], [101, 102], [100, 101], [101, 102], [100, 101], [101, 102], [110, 111], [100, 101]] as const) {
        touch(bid, ask)
        t.onTick(0, bid, bid)
        if (rehearsing) rehearsed += t.rehearse()
      }
      return { sent, rehearsed, count: t.sent, misses: { ...t.misses }, nextOrderId: t.nextOrderId }
    }
    const plain = run(false)
    const rehearsing = run(true)
    // A one-lot buy after each of the ten ticks, one child each (both venues at the same price: the first).
    expect(rehearsing.rehearsed).toBe(10)
    expect(plain.sent.length).toBeGreaterThan(0)
    expect({ ...rehearsing, rehearsed: 0 }).toEqual({ ...plain, rehearsed: 0 })
  })

  it('counts what the inline risk check refuses and sends nothing for it', () => {
    const { t, books, sent } = trader({ maxOrderNotional: 10, maxPosition: 1e9, maxOrdersPerSecond: 1e6 })
    for (let k = 0; k < 8; k++) {
      const d = k % 2
      books.apply(0, 1, Side.Buy, BookAction.Delete, 101 - d, 0, 0)
      books.apply(0, 1, Side.Sell, BookAction.Delete, 102 - d, 0, 0)
      books.apply(0, 1, Side.Buy, BookAction.Set, 100 + d, 5, 0)
      books.apply(0, 1, Side.Sell, BookAction.Set, 101 + d, 5, 0)
      t.onTick(0, k, k)
    }
    // The touch drops 10 ticks: the strategy wants to buy 8 at 91, 728 of notional against a limit of 10.
    books.apply(0, 1, Side.Buy, BookAction.Delete, 101, 0, 0)
    books.apply(0, 1, Side.Sell, BookAction.Delete, 102, 0, 0)
    books.apply(0, 1, Side.Buy, BookAction.Set, 90, 5, 0)
    books.apply(0, 1, Side.Sell, BookAction.Set, 91, 5, 0)
    expect(t.onTick(0, 9, 9)).toBe(0)
    expect(t.misses).toEqual({ notional: 1 })
    expect(sent).toEqual([])
  })
})
