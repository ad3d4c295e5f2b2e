import { describe, expect, it } from 'vitest'
import { WavesError } from '../../src/errors/index.js'
import { CrossState, OrderBook, microprice, sumOfTopSizes } from '../../src/market/book/index.js'
import { Side } from '../../src/schemas/index.js'

function book(maxLevels?: number): OrderBook {
  const b = new OrderBook(maxLevels === undefined ? {} : { maxLevels })
  b.applySnapshot(
    [{ priceTicks: 100, sizeLots: 5 }, { priceTicks: 99, sizeLots: 7 }, { priceTicks: 97, sizeLots: 1 }],
    [{ priceTicks: 102, sizeLots: 3 }, { priceTicks: 103, sizeLots: 4 }],
    0,
  )
  return b
}

function refusal(f: () => unknown): string {
  try {
    f()
  } catch (err) {
    if (err instanceof WavesError) return `${err.code}: ${err.message}`
    throw err
  }
  return 'no error'
}

describe('order book levels', () => {
  it('fills caller arrays with the best levels, best first', () => {
    const b = book()
    const prices = new Float64Array(2)
    const sizes = new Float64Array(2)
    expect(b.topLevels(Side.Buy, prices, sizes)).toBe(2)
    expect([...prices, ...sizes]).toEqual([100, 99, 5, 7])
    const p5 = new Float64Array(5)
    const s5 = new Float64Array(5)
    expect(b.topLevels(Side.Sell, p5, s5)).toBe(2)
    expect([...p5.subarray(0, 2), ...s5.subarray(0, 2)]).toEqual([102, 103, 3, 4])
    b.addSize(Side.Buy, 98, 2, 0)
    b.addSize(Side.Sell, 101, 1, 0)
    expect(b.topLevels(Side.Buy, p5, s5, 4)).toBe(4)
    expect([...p5.subarray(0, 4)]).toEqual([100, 99, 98, 97])
    expect(b.topLevels(Side.Sell, p5, s5, 1)).toBe(1)
    expect([p5[0], s5[0]]).toEqual([101, 1])
  })

  it('detects a locked and a crossed book and counts each time it becomes so', () => {
    const b = book()
    expect(b.crossState).toBe(CrossState.None)
    b.setLevel(Side.Buy, 102, 1, 0)
    expect(b.crossState).toBe(CrossState.Locked)
    b.setLevel(Side.Buy, 103, 1, 0)
    expect(b.crossState).toBe(CrossState.Crossed)
    b.deleteLevel(Side.Buy, 103, 0)
    b.deleteLevel(Side.Buy, 102, 0)
    expect(b.crossState).toBe(CrossState.None)
    b.setLevel(Side.Sell, 99, 1, 0)
    expect(b.crossState).toBe(CrossState.Crossed)
    // Deleting 103 left 102 locked again: locked twice, crossed twice.
    expect([b.lockedCount, b.crossedCount]).toEqual([2, 2])
  })

  it('keeps only the venue depth: a better level pushes the worst out, a worse one does not enter', () => {
    const b = book(3)
    b.addSize(Side.Buy, 96, 4, 0)
    expect(b.sizeAtPrice(Side.Buy, 96)).toBe(0)
    b.addSize(Side.Buy, 101, 4, 0)
    expect(b.bids.evictedPriceTicks).toBe(97)
    const prices = new Float64Array(3)
    b.topLevels(Side.Buy, prices, new Float64Array(3))
    expect([...prices]).toEqual([101, 100, 99])
  })

  it('microprice leans to the thinner side; depth imbalance sums the best N levels', () => {
    expect(microprice(100, 1, 102, 3)).toBe(100.5)
    expect(microprice(100, 3, 102, 1)).toBe(101.5)
    expect(microprice(100, 0, 102, 0)).toBeNaN()
    expect(sumOfTopSizes([5, 7, 1], 2)).toBe(12)
    const b = book()
    expect(b.microprice()).toBe((100 * 3 + 102 * 5) / 8)
    expect(b.depthImbalance(1)).toBe((5 - 3) / 8)
    expect(b.depthImbalance(2)).toBe((12 - 7) / 19)
    expect(b.depthImbalance(10)).toBe((13 - 7) / 20)
    b.removeSize(Side.Sell, 102, 3, 0)
    b.removeSize(Side.Sell, 103, 4, 0)
    expect(b.microprice()).toBeNaN()
    expect(b.depthImbalance(3)).toBe(1)
  })

  it('refuses a snapshot not best first or with an empty level, and a bad depth', () => {
    const b = new OrderBook()
    expect(refusal(() => b.applySnapshot([{ priceTicks: 99, sizeLots: 1 }, { priceTicks: 100, sizeLots: 1 }], [], 1))).toBe(
      'ERR_BOOK_SNAPSHOT: snapshot bid levels must be strictly best first: level 1 at 100 follows 99',
    )
    expect(refusal(() => b.applySnapshot([], [{ priceTicks: 101, sizeLots: 0 }], 1))).toBe('ERR_BOOK_SNAPSHOT: snapshot ask level 0 needs a finite price and a positive size, got 101 × 0')
    expect(b.syncState).toBe('awaiting_snapshot')
    expect(refusal(() => new OrderBook({ maxLevels: 0 }))).toBe('ERR_BOOK_CONFIG: maxLevels must be a whole number of at least 1, got 0')
  })

  it('loads a deep snapshot, kept to the depth when there is one', () => {
    const bids = Array.from({ length: 5000 }, (_, k) => ({ priceTicks: 100_000 - k, sizeLots: k + 1 }))
    const asks = Array.from({ length: 5000 }, (_, k) => ({ priceTicks: 100_001 + 2 * k, sizeLots: 1 }))
    const deep = new OrderBook({ initialLevels: 4 })
    deep.applySnapshot(bids, asks, 7)
    expect([deep.levelCount(Side.Buy), deep.levelCount(Side.Sell), deep.lastSequence]).toEqual([5000, 5000, 7])
    expect([deep.bids.priceAt(4999), deep.bids.sizeAt(4999), deep.asks.priceAt(4999)]).toEqual([95_001, 5000, 109_999])
    expect(deep.depthImbalance(5000)).toBe((12_502_500 - 5000) / (12_502_500 + 5000))
    const shallow = new OrderBook({ maxLevels: 10 })
    shallow.applySnapshot(bids, asks, 7)
    expect([shallow.levelCount(Side.Buy), shallow.bids.priceAt(9), shallow.asks.priceAt(9)]).toEqual([10, 99_991, 100_019])
  })

  it('grows past its initial levels', () => {
    const b = new OrderBook({ initialLevels: 2 })
    b.applySnapshot([], [], 0)
    for (let p = 1; p <= 100; p++) b.addSize(Side.Sell, 1000 + ((p * 37) % 100), 1, 0)
    const prices = new Float64Array(100)
    expect(b.topLevels(Side.Sell, prices, new Float64Array(100))).toBe(100)
    expect([...prices]).toEqual(Array.from({ length: 100 }, (_, k) => 1000 + k))
  })
})
