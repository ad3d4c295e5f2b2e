import { describe, expect, it } from 'vitest'
import { VenueBooks } from '../../src/market/book/index.js'
import { BookAction, Side } from '../../src/schemas/index.js'

const { Set, Delete } = BookAction

describe('VenueBooks', () => {
  it('draws each venue book from its deltas and consolidates the touch and the depth across venues', () => {
    const books = new VenueBooks(2, 2)
    books.apply(0, 1, Side.Buy, Set, 100, 5, 1)
    books.apply(0, 1, Side.Sell, Set, 103, 1, 2)
    books.apply(0, 2, Side.Buy, Set, 101, 2, 1)
    books.apply(0, 2, Side.Sell, Set, 104, 2, 2)
    books.apply(0, 2, Side.Buy, Set, 99, 3, 3)
    expect(books.consolidatedTouch(0)).toEqual({ bidTicks: 101, askTicks: 103 })
    expect(books.consolidatedMid(0)).toBe(102)
    // Top 1 level each side per venue: bids 5 + 2, asks 1 + 2.
    expect(books.depthImbalance(0, 1)).toBe((7 - 3) / 10)
    // Top 2: bids 5 + 2 + 3.
    expect(books.depthImbalance(0, 2)).toBe((10 - 3) / 13)
    expect(books.consolidatedTouch(1)).toEqual({ bidTicks: NaN, askTicks: NaN })
    expect(books.depthImbalance(1, 5)).toBeNaN()
    expect(books.apply(2, 1, Side.Buy, Set, 1, 1, 1)).toBe(false)
    expect(books.apply(0, 3, Side.Buy, Set, 1, 1, 1)).toBe(false)
  })

  it('restarts a book that skipped a sequence, counting the gap, so no stale level is served', () => {
    const books = new VenueBooks(1, 1)
    books.apply(0, 1, Side.Buy, Set, 100, 5, 1)
    books.apply(0, 1, Side.Buy, Set, 99, 5, 2)
    // Sequence 3 was lost: 100 may be gone. The book starts over from what comes next.
    books.apply(0, 1, Side.Sell, Set, 102, 4, 4)
    expect(books.gaps).toBe(1)
    expect(books.consolidatedTouch(0)).toEqual({ bidTicks: NaN, askTicks: 102 })
    books.apply(0, 1, Side.Buy, Set, 98, 1, 5)
    books.apply(0, 1, Side.Buy, Delete, 98, 0, 6)
    expect(books.book(0, 1)!.levelCount(Side.Buy)).toBe(0)
    expect(books.gaps).toBe(1)
  })

  it('takes a Clear and the Sets that follow at its sequence as the whole book, resynchronizing one that lost its place', () => {
    const books = new VenueBooks(1, 1)
    books.apply(0, 1, Side.Buy, Set, 100, 5, 1)
    books.apply(0, 1, Side.Sell, Set, 105, 5, 2)
    books.apply(0, 1, Side.Buy, Set, 101, 1, 9) // 3..8 lost
    expect(books.gaps).toBe(1)
    // The feed's snapshot at 20: Clear, then its levels.
    books.apply(0, 1, Side.Buy, BookAction.Clear, 0, 0, 20)
    books.apply(0, 1, Side.Buy, Set, 102, 3, 20)
    books.apply(0, 1, Side.Sell, Set, 104, 2, 20)
    const book = books.book(0, 1)!
    expect([book.levelCount(Side.Buy), book.levelCount(Side.Sell)]).toEqual([1, 1])
    expect(books.consolidatedTouch(0)).toEqual({ bidTicks: 102, askTicks: 104 })
    // A range-numbered update continues it.
    books.apply(0, 1, Side.Buy, Set, 101, 7, 25, 21)
    expect(books.gaps).toBe(1)
    expect(book.sizeAtPrice(Side.Buy, 101)).toBe(7)
  })
})
