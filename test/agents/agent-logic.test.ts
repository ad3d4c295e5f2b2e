import { describe, expect, it } from 'vitest'
import { SYNTHETIC_DEPTH, SyntheticMarket, type SyntheticMarketSink } from '../../src/agents/data-feeds/synthetic-market.js'
import { ReturnHistory } from '../../src/agents/intelligence/return-history.js'
import { PreTradeCheck } from '../../src/agents/risk-management/pre-trade-check.js'
import { MeanReversion } from '../../src/agents/strategy-engine/mean-reversion.js'
import { checkQuote } from '../../src/feeds/validation/feed-checks.js'
import { BookAction, Side } from '../../src/schemas/index.js'

describe('pre-trade check', () => {
  /** One instrument whose tick × lot is worth one unit of quote and whose lot is one unit of base. */
  const UNIT_SCALE = [{ quotePerTickLot: 1, basePerLot: 1 }]
  const limits = { maxOrderNotional: 10_000, maxPosition: 3, maxOrdersPerSecond: 2 }
  const buy = (size: number, price = 100) => ({ instrumentId: 0, side: Side.Buy, priceTicks: price, sizeLots: size })

  it('refuses bad sizes and prices, oversized notional, and a position past its limit', () => {
    const check = new PreTradeCheck(limits, UNIT_SCALE)
    expect(check.check(buy(0), 0)).toBe('bad_size')
    expect(check.check(buy(1.5), 0)).toBe('bad_size')
    expect(check.check(buy(1, -1), 0)).toBe('bad_price')
    expect(check.check(buy(2, 6_000), 0)).toBe('notional')
    expect(check.check(buy(2), 0)).toBeUndefined()
    expect(check.check(buy(2), 0)).toBe('position') // 4 > 3
    expect(check.position(0)).toBe(2)
    expect(check.check({ ...buy(5), side: Side.Sell }, 0)).toBeUndefined() // 2 − 5 = −3
  })

  it('keeps positions when its limits change', () => {
    const check = new PreTradeCheck(limits, UNIT_SCALE)
    expect(check.check(buy(3), 0)).toBeUndefined()
    const tighter = check.withLimits({ ...limits, maxPosition: 2 })
    expect(tighter.position(0)).toBe(3)
    expect(tighter.check(buy(1), 1e9)).toBe('position')
  })

  it('measures notional in quote currency and position in base units, through each instrument\'s tick and lot', () => {
    // BTC-USDT: tick 0.01, lot 0.00001 → one tick × lot is 1e-7 USDT, one lot 1e-5 BTC.
    const btc = [{ quotePerTickLot: 0.01 * 0.00001, basePerLot: 0.00001 }]
    const check = new PreTradeCheck({ maxOrderNotional: 50_000, maxPosition: 0.5, maxOrdersPerSecond: 100 }, btc)
    const at87k = (lots: number) => ({ instrumentId: 0, side: Side.Buy, priceTicks: 8_764_821, sizeLots: lots })
    expect(check.check(at87k(60_000), 0)).toBe('notional') // 0.6 BTC ≈ 52 589 USDT
    expect(check.check(at87k(40_000), 0)).toBeUndefined() // 0.4 BTC ≈ 35 059 USDT
    expect(check.check(at87k(20_000), 0)).toBe('position') // 0.6 BTC > 0.5
    expect(check.check({ ...at87k(1), instrumentId: 1 }, 0)).toBe('unknown_instrument')
  })

  it('limits the order rate with a token bucket refilled per second', () => {
    const check = new PreTradeCheck({ ...limits, maxPosition: 100 }, UNIT_SCALE)
    expect(check.check(buy(1), 0)).toBeUndefined()
    expect(check.check(buy(1), 0)).toBeUndefined()
    expect(check.check(buy(1), 0)).toBe('rate')
    expect(check.check(buy(1), 0.5e9)).toBeUndefined() // half a second refills one
    expect(check.check(buy(1), 0.5e9)).toBe('rate')
  })
})

describe('quote checks', () => {
  const good = { instrumentId: 0, venueId: 1, bidPriceTicks: 100, askPriceTicks: 101, bidSizeLots: 1, askSizeLots: 1, tsNs: 10 }
  it('name the first rule a quote breaks', () => {
    expect(checkQuote(good, 1, 1, 0)).toBeUndefined()
    expect(checkQuote({ ...good, askSizeLots: NaN }, 1, 1, 0)).toBe('not_finite')
    expect(checkQuote({ ...good, instrumentId: 1 }, 1, 1, 0)).toBe('unknown_instrument')
    expect(checkQuote({ ...good, venueId: 0 }, 1, 1, 0)).toBe('unknown_venue')
    expect(checkQuote({ ...good, bidPriceTicks: 0 }, 1, 1, 0)).toBe('non_positive_price')
    expect(checkQuote({ ...good, bidSizeLots: 0 }, 1, 1, 0)).toBe('non_positive_size')
    expect(checkQuote({ ...good, bidPriceTicks: 101 }, 1, 1, 0)).toBe('crossed')
    expect(checkQuote(good, 1, 1, 11)).toBe('out_of_order')
  })
})

describe('mean reversion', () => {
  it('proposes nothing until warmed up, then leans against a move beyond entryZ', () => {
    const s = new MeanReversion(1, { alpha: 0.1, entryZ: 2, sizeLots: 1, warmup: 10 })
    for (let i = 0; i < 40; i++) s.onTouch(0, 100 + (i % 2), 102 + (i % 2))
    expect(s.propose()).toEqual([])
    s.onTouch(0, 110, 112) // far above the mean
    const [p] = s.propose()
    expect(p).toMatchObject({ instrumentId: 0, side: Side.Sell, priceTicks: 110, sizeLots: 1 })
    expect(p!.zScore).toBeGreaterThan(2)
  })
})

describe('synthetic market', () => {
  const collect = (seed: number, steps = 200) => {
    const m = new SyntheticMarket(seed, 2, 3)
    const events: number[] = []
    const sink: SyntheticMarketSink = {
      quote: (q) => events.push(0, q.instrumentId, q.venueId, q.bidPriceTicks, q.bidSizeLots, q.askPriceTicks, q.askSizeLots),
      bookDelta: (d) => events.push(1, d.instrumentId, d.venueId, d.side, d.action, d.priceTicks, d.sizeLots, d.venueSequence),
      trade: (t) => events.push(2, t.instrumentId, t.venueId, t.aggressor, t.priceTicks, t.sizeLots, t.venueTradeId),
    }
    for (let t = 0; t < steps; t++) m.advance(sink)
    return { events, market: m }
  }

  it('is deterministic for a seed', () => {
    expect(collect(5).events).toEqual(collect(5).events)
    expect(collect(5).events).not.toEqual(collect(6).events)
  })

  it('evolves L2 books by deltas whose replay gives every quote, never crossed, with contiguous sequences and trades at the touch', () => {
    const m = new SyntheticMarket(9, 2, 3)
    const books = new Map<string, [Map<number, number>, Map<number, number>]>()
    const sequences = new Map<string, number>()
    const bookOf = (i: number, v: number) => {
      const key = `${i}/${v}`
      if (!books.has(key)) books.set(key, [new Map(), new Map()])
      return books.get(key)!
    }
    const best = (levels: Map<number, number>, side: Side) => {
      const prices = [...levels.keys()]
      return side === Side.Buy ? Math.max(...prices) : Math.min(...prices)
    }
    let quotes = 0
    let trades = 0
    let deltas = 0
    const sink: SyntheticMarketSink = {
      bookDelta: (d) => {
        deltas++
        const key = `${d.instrumentId}/${d.venueId}`
        expect(d.venueSequence).toBe((sequences.get(key) ?? 0) + 1)
        sequences.set(key, d.venueSequence)
        const side = bookOf(d.instrumentId, d.venueId)[d.side]
        if (d.action === BookAction.Delete) {
          expect(side.has(d.priceTicks)).toBe(true)
          side.delete(d.priceTicks)
        } else {
          expect(d.sizeLots).toBeGreaterThan(0)
          side.set(d.priceTicks, d.sizeLots)
        }
        const [bids, asks] = bookOf(d.instrumentId, d.venueId)
        if (bids.size > 0 && asks.size > 0) expect(best(bids, Side.Buy)).toBeLessThan(best(asks, Side.Sell))
      },
      trade: (t) => {
        trades++
        const [bids, asks] = bookOf(t.instrumentId, t.venueId)
        const touch = t.aggressor === Side.Buy ? best(asks, Side.Sell) : best(bids, Side.Buy)
        expect(t.priceTicks).toBe(touch)
        expect(t.sizeLots).toBeLessThanOrEqual((t.aggressor === Side.Buy ? asks : bids).get(touch)!)
      },
      quote: (q) => {
        quotes++
        const [bids, asks] = bookOf(q.instrumentId, q.venueId)
        expect(bids.size).toBe(SYNTHETIC_DEPTH)
        expect(asks.size).toBe(SYNTHETIC_DEPTH)
        const bid = best(bids, Side.Buy)
        const ask = best(asks, Side.Sell)
        expect([q.bidPriceTicks, q.bidSizeLots, q.askPriceTicks, q.askSizeLots]).toEqual([bid, bids.get(bid), ask, asks.get(ask)])
        expect(q.askPriceTicks - q.bidPriceTicks).toBeGreaterThanOrEqual(2)
        expect(q.askPriceTicks - q.bidPriceTicks).toBeLessThanOrEqual(4)
      },
    }
    for (let t = 0; t < 300; t++) m.advance(sink)
    expect(quotes).toBe(300 * 2 * 3)
    expect(trades).toBeGreaterThan(100)
    expect(deltas).toBeGreaterThan(quotes)
  })

  it('continues the books and their sequences after a snapshot and restore', () => {
    const first = collect(11, 30).market
    const snapshot = first.snapshot()
    const resumed = new SyntheticMarket(99, 2, 3)
    resumed.restore(snapshot)
    const firstSequence = new Map<string, number>()
    const bids: number[] = []
    resumed.advance({
      quote: (q) => bids.push(q.bidPriceTicks),
      bookDelta: (d) => {
        const key = `${d.instrumentId}/${d.venueId}`
        if (!firstSequence.has(key)) firstSequence.set(key, d.venueSequence)
      },
      trade: () => {},
    })
    // Sequences pick up where the snapshot left them: a consumer sees no reset, so no false gap.
    snapshot.sequences.forEach((seq, cell) => expect(firstSequence.get(`${Math.floor(cell / 3)}/${(cell % 3) + 1}`)).toBe(seq + 1))
    expect(Math.abs(bids[0]! - snapshot.mids[0]!)).toBeLessThan(50)
  })
})

describe('return history', () => {
  it('records aligned one-cycle log returns, oldest first, keeping the last window', () => {
    const h = new ReturnHistory(2, 3)
    h.sample([100, NaN]) // incomplete: no return yet
    h.sample([110, 50])
    expect(h.length).toBe(0)
    for (const mids of [[121, 50], [121, 100], [242, 100], [242, 200]]) h.sample(mids)
    expect(h.length).toBe(3)
    const [a, b] = h.series()
    expect(Array.from(a!)).toEqual([0, Math.log(2), 0])
    expect(Array.from(b!)).toEqual([Math.log(2), 0, Math.log(2)])
  })
})
