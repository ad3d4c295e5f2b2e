import { describe, expect, it } from 'vitest'
import { SyntheticMarket } from '../../src/agents/data-feeds/synthetic-market.js'
import { ReturnHistory } from '../../src/agents/intelligence/return-history.js'
import { PreTradeCheck } from '../../src/agents/risk-management/pre-trade-check.js'
import { MeanReversion } from '../../src/agents/strategy-engine/mean-reversion.js'
import { checkQuote } from '../../src/agents/validation/quote-checks.js'
import { Side } from '../../src/schemas/index.js'

describe('pre-trade check', () => {
  const limits = { maxOrderNotional: 10_000, maxPosition: 3, maxOrdersPerSecond: 2 }
  const buy = (size: number, price = 100) => ({ instrumentId: 0, side: Side.Buy, priceTicks: price, sizeLots: size })

  it('refuses bad sizes and prices, oversized notional, and a position past its limit', () => {
    const check = new PreTradeCheck(limits)
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
    const check = new PreTradeCheck(limits)
    expect(check.check(buy(3), 0)).toBeUndefined()
    const tighter = check.withLimits({ ...limits, maxPosition: 2 })
    expect(tighter.position(0)).toBe(3)
    expect(tighter.check(buy(1), 1e9)).toBe('position')
  })

  it('limits the order rate with a token bucket refilled per second', () => {
    const check = new PreTradeCheck({ ...limits, maxPosition: 100 })
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
  it('is deterministic for a seed, quotes every venue, and never crosses', () => {
    const collect = (seed: number) => {
      const m = new SyntheticMarket(seed, 2, 3)
      const quotes: number[] = []
      for (let t = 0; t < 200; t++)
        m.advance((q) => {
          expect(q.askPriceTicks).toBeGreaterThan(q.bidPriceTicks)
          quotes.push(q.instrumentId, q.venueId, q.bidPriceTicks, q.askPriceTicks)
        })
      return quotes
    }
    expect(collect(5)).toEqual(collect(5))
    expect(collect(5)).not.toEqual(collect(6))
    expect(collect(5).length).toBe(200 * 2 * 3 * 4)
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
