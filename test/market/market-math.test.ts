import { describe, expect, it } from 'vitest'
import { Ewma } from '../../src/market/ewma.js'
import { depthImbalance, orderFlowImbalance, spreadBps } from '../../src/market/order-flow.js'
import { classifyRegime, DEFAULT_REGIME_THRESHOLDS, Regime } from '../../src/market/regime.js'
import { TopOfBook } from '../../src/market/top-of-book.js'

describe('order flow', () => {
  it('counts size added at a better or equal bid as buying and at a better or equal ask as selling', () => {
    // Bid steps up with 5: +5 bid flow; ask unchanged with 3 → 4: ask flow 4 − 3 = +1.
    expect(orderFlowImbalance(100, 10, 101, 3, 101, 5, 101, 4)).toBe(5 - 1)
    // Bid unchanged, size 10 → 7: −3; ask moves away (up) losing 3: −(−3) = +3.
    expect(orderFlowImbalance(100, 10, 101, 3, 100, 7, 102, 8)).toBe(-3 + 3)
    // Bid drops: the old level's 10 left; ask drops (more aggressive) with 6: −6.
    expect(orderFlowImbalance(100, 10, 101, 3, 99, 4, 100.5, 6)).toBe(-10 - 6)
  })

  it('measures depth imbalance in [−1, 1] and spread in bps of the mid', () => {
    expect(depthImbalance(30, 10)).toBe(0.5)
    expect(depthImbalance(0, 0)).toBe(0)
    expect(spreadBps(9_999, 10_001)).toBe(2)
  })
})

describe('EWMA', () => {
  it('follows a constant exactly and converges on a step', () => {
    const e = new Ewma(0.5)
    e.update(4)
    e.update(4)
    expect([e.mean, e.variance]).toEqual([4, 0])
    e.update(8)
    expect(e.mean).toBe(6)
    expect(e.variance).toBe(4) // (1 − α)(0 + 4·2)
  })

  it('rejects an alpha outside (0, 1]', () => {
    expect(() => new Ewma(0)).toThrow('EWMA alpha must be in (0, 1], got 0')
  })
})

describe('regime', () => {
  const base = { updates: 100, spreadBps: 2, realizedVolBps: 1, trendScore: 0 }
  it('goes from the most to the least alarming evidence', () => {
    expect(classifyRegime({ ...base, updates: 3 })).toBe(Regime.Unknown)
    expect(classifyRegime({ ...base, spreadBps: 40, realizedVolBps: 50 })).toBe(Regime.Illiquid)
    expect(classifyRegime({ ...base, realizedVolBps: DEFAULT_REGIME_THRESHOLDS.highVolBps })).toBe(Regime.HighVolatility)
    expect(classifyRegime({ ...base, trendScore: -0.9 })).toBe(Regime.Trending)
    expect(classifyRegime(base)).toBe(Regime.MeanReverting)
  })
})

describe('top of book', () => {
  it('consolidates the best bid and ask across venues and sums size at the touch', () => {
    const book = new TopOfBook(2, 3)
    book.update(0, 1, 100, 5, 103, 1, 1)
    book.update(0, 2, 101, 7, 104, 2, 2)
    book.update(0, 3, 101, 3, 103, 4, 3)
    expect([book.bestBid(0), book.bestAsk(0), book.mid(0)]).toEqual([101, 103, 102])
    expect(book.bestSizes(0)).toEqual({ bid: 10, ask: 5 })
    expect(book.lastUpdateNs(0)).toBe(3)
    expect(Number.isNaN(book.bestBid(1))).toBe(true)
    expect(book.update(2, 1, 1, 1, 2, 1, 0)).toBe(false)
    expect(book.update(0, 4, 1, 1, 2, 1, 0)).toBe(false)
  })
})
