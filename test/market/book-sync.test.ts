import { describe, expect, it } from 'vitest'
import { BookUpdate, nextSyncState, BookSyncEvent, BookSyncState, OrderBook } from '../../src/market/book/index.js'
import { BookAction, Side } from '../../src/schemas/index.js'

const bids = [{ priceTicks: 100, sizeLots: 5 }, { priceTicks: 99, sizeLots: 7 }]
const asks = [{ priceTicks: 101, sizeLots: 3 }, { priceTicks: 103, sizeLots: 4 }]

function synced(sequence = 10): OrderBook {
  const book = new OrderBook({ instrumentId: 1, venueId: 1 })
  book.applySnapshot(bids, asks, sequence)
  return book
}

describe('order book sequencing', () => {
  it('refuses deltas and serves nothing before its first snapshot', () => {
    const book = new OrderBook()
    expect(book.syncState).toBe('awaiting_snapshot')
    expect(book.needsSnapshot).toBe(true)
    expect(book.addSize(Side.Buy, 100, 1, 1)).toBe(BookUpdate.Refused)
    expect(book.refusedDeltas).toBe(1)
    expect(book.bestBidTicks()).toBeNaN()
    book.applySnapshot(bids, asks, 0)
    expect(book.syncState).toBe('in_sync')
    expect(book.resyncs).toBe(0)
    expect([book.bestBidTicks(), book.bestAskTicks()]).toEqual([100, 101])
  })

  it('applies deltas that continue the sequence, several sharing one update, and ignores stale ones', () => {
    const book = synced(10)
    expect(book.setLevel(Side.Buy, 100, 6, 11)).toBe(BookUpdate.Applied)
    expect(book.setLevel(Side.Sell, 101, 2, 11)).toBe(BookUpdate.Applied)
    expect(book.applyDelta(Side.Sell, BookAction.Delete, 103, 0, 12)).toBe(BookUpdate.Applied)
    expect(book.addSize(Side.Buy, 100, 1, 12)).toBe(BookUpdate.Applied)
    expect(book.addSize(Side.Buy, 100, 1, 11)).toBe(BookUpdate.Stale)
    expect(book.addSize(Side.Buy, 100, 1, 3)).toBe(BookUpdate.Stale)
    expect(book.staleDeltas).toBe(2)
    expect(book.sizeAtPrice(Side.Buy, 100)).toBe(7)
    expect(book.levelCount(Side.Sell)).toBe(1)
    expect(book.lastSequence).toBe(12)
  })

  it('a snapshot sequence is not an update the next delta may repeat', () => {
    const book = synced(10)
    expect(book.setLevel(Side.Buy, 100, 1, 10)).toBe(BookUpdate.Stale)
    expect(book.sizeAtPrice(Side.Buy, 100)).toBe(5)
  })

  it('a gap takes the book out of sync once, refuses what follows and serves nothing until a snapshot resyncs it', () => {
    const book = synced(10)
    expect(book.removeSize(Side.Buy, 100, 1, 11)).toBe(BookUpdate.Applied)
    expect(book.removeSize(Side.Buy, 100, 1, 13)).toBe(BookUpdate.Gap)
    expect(book.gaps).toBe(1)
    expect(book.syncState).toBe('out_of_sync')
    expect(book.needsSnapshot).toBe(true)
    expect(book.addSize(Side.Buy, 100, 1, 14)).toBe(BookUpdate.Refused)
    expect(book.advanceSequence(15)).toBe(BookUpdate.Refused)
    expect(book.refusedDeltas).toBe(2)
    expect([book.bestBidTicks(), book.bestAskTicks(), book.microprice(), book.depthImbalance(5)]).toEqual([NaN, NaN, NaN, NaN])
    expect(book.levelCount(Side.Buy)).toBe(0)
    expect(book.topLevels(Side.Buy, new Float64Array(4), new Float64Array(4))).toBe(0)
    book.applySnapshot([{ priceTicks: 98, sizeLots: 1 }], asks, 20)
    expect(book.syncState).toBe('in_sync')
    expect(book.resyncs).toBe(1)
    expect(book.bestBidTicks()).toBe(98)
    expect(book.addSize(Side.Buy, 98, 1, 21)).toBe(BookUpdate.Applied)
    expect(book.sizeAtPrice(Side.Buy, 98)).toBe(2)
  })

  it('resyncs from a snapshot that arrives as level changes sharing its sequence', () => {
    const book = synced(10)
    expect(book.addSize(Side.Buy, 100, 1, 12)).toBe(BookUpdate.Gap)
    book.beginSnapshot(30)
    expect(book.syncState).toBe('in_sync')
    expect(book.levelCount(Side.Buy) + book.levelCount(Side.Sell)).toBe(0)
    expect(book.setLevel(Side.Buy, 98, 2, 30)).toBe(BookUpdate.Applied)
    expect(book.setLevel(Side.Sell, 104, 3, 30)).toBe(BookUpdate.Applied)
    expect(book.setLevel(Side.Sell, 104, 1, 31)).toBe(BookUpdate.Applied)
    expect([book.bestBidTicks(), book.bestAskTicks(), book.sizeAtPrice(Side.Sell, 104), book.resyncs]).toEqual([98, 104, 1, 1])
  })

  it('takes an update numbered as a range when it covers the next sequence, and calls a range past it a gap', () => {
    const book = synced(100)
    expect(book.setLevel(Side.Buy, 100, 9, 105, 95)).toBe(BookUpdate.Applied)
    expect(book.setLevel(Side.Sell, 101, 9, 105, 95)).toBe(BookUpdate.Applied)
    expect(book.setLevel(Side.Sell, 101, 8, 110, 106)).toBe(BookUpdate.Applied)
    expect(book.setLevel(Side.Sell, 101, 7, 120, 112)).toBe(BookUpdate.Gap)
    expect(book.sizeAtPrice(Side.Sell, 101)).toBe(0)
  })

  it('checks no sequence when the venue gives none (0)', () => {
    const book = synced(0)
    expect(book.addSize(Side.Sell, 102, 1, 0)).toBe(BookUpdate.Applied)
    expect(book.addSize(Side.Sell, 102, 1, 0)).toBe(BookUpdate.Applied)
    expect(book.sizeAtPrice(Side.Sell, 102)).toBe(2)
  })

  it('counts a removal or deletion at a price it does not hold, changing nothing', () => {
    const book = synced(0)
    expect(book.removeSize(Side.Sell, 102, 1, 0)).toBe(BookUpdate.UnknownLevel)
    expect(book.deleteLevel(Side.Buy, 50, 0)).toBe(BookUpdate.UnknownLevel)
    expect(book.unknownLevels).toBe(2)
  })

  it('every (state, event) pair has a next state', () => {
    const states = Object.values(BookSyncState)
    const table = states.map((s) => Object.values(BookSyncEvent).map((e) => nextSyncState(s, e)))
    expect(table).toEqual([
      [BookSyncState.InSync, BookSyncState.AwaitingSnapshot, BookSyncState.AwaitingSnapshot],
      [BookSyncState.InSync, BookSyncState.InSync, BookSyncState.OutOfSync],
      [BookSyncState.InSync, BookSyncState.OutOfSync, BookSyncState.OutOfSync],
    ])
  })
})
