import { describe, expect, it } from 'vitest'
import createDataFeeds from '../../src/agents/data-feeds/index.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { BookResync } from '../../src/feeds/book-resync.js'
import { VenueBooks } from '../../src/market/book/index.js'
import { RingConsumer, type RingBuffer } from '../../src/ring/index.js'
import { BookDelta, MessageType, Side } from '../../src/schemas/index.js'
import { command, inProcessEngine } from './context.js'

const INSTRUMENTS = 2
const VENUES = 2

/** A reader of the market ring keeping L2 books, as execution does, on the consumer id of `agent`. */
function bookReader(ring: RingBuffer, consumerId: number) {
  const consumer = new RingConsumer(ring, consumerId)
  const books = new VenueBooks(INSTRUMENTS, VENUES)
  const delta = new BookDelta()
  const read = () =>
    consumer.drain((r, _s, type, offset) => {
      if (type !== MessageType.BookDelta) return
      delta.__init(offset, r.byteBuffer)
      books.apply(delta.instrumentId(), delta.venueId(), delta.side(), delta.action(), delta.priceTicks(), delta.sizeLots(), delta.venueSequence(), delta.firstVenueSequence())
    })
  /** Every book's levels, both sides, as [price, size] pairs. */
  const levels = () => {
    const out: number[][] = []
    const prices = new Float64Array(64)
    const sizes = new Float64Array(64)
    for (let i = 0; i < INSTRUMENTS; i++) {
      for (let v = 1; v <= VENUES; v++) {
        for (const side of [Side.Buy, Side.Sell]) {
          const n = books.book(i, v)!.topLevels(side, prices, sizes)
          out.push(Array.from({ length: n }, (_, k) => [prices[k]!, sizes[k]!]).flat())
        }
      }
    }
    return out
  }
  return { read, levels }
}

describe('whole books for a restarted reader of the market ring', () => {
  it('requests count once each, on the side that takes them; one made before a view attached is not news to it', () => {
    const coordinator = BookResync.create()
    coordinator.request()
    const feeds = BookResync.attach(coordinator.sab)
    expect(feeds.take()).toBe(0)
    coordinator.request()
    coordinator.request()
    expect([feeds.take(), feeds.take()]).toEqual([2, 0])
    coordinator.request()
    expect(feeds.take()).toBe(1)
  })

  it('data_feeds writes every book whole at its next sense step, and a reader that came back holds the books one that never left does', async () => {
    const engine = inProcessEngine({ data_feeds: { instruments: ['BTC-USDT', 'ETH-USDT'], venues: ['a', 'b'] } })
    const feedsCtx = engine.context('data_feeds', { seed: 11, updatesPerStep: 5 })
    const feeds = createDataFeeds()
    await feeds.init(feedsCtx as never, undefined)
    const ring = feedsCtx.rings.market!
    const stayed = bookReader(ring, engine.context('market_conditions').consumerIds.market!)
    const executionId = engine.context('execution').consumerIds.market!
    let restarted = bookReader(ring, executionId)
    let cycle = 0
    const sense = async () => {
      engine.clock.advanceNs(1e6)
      await feeds.step(command(++cycle, CycleStep.Sense), feedsCtx as never)
      stayed.read()
      restarted.read()
    }
    for (let k = 0; k < 5; k++) await sense()
    expect(restarted.levels()).toEqual(stayed.levels())

    // Execution's thread dies; the new one reads from where the ring is now, and sees only levels that change.
    restarted = bookReader(ring, executionId)
    await sense()
    expect(restarted.levels()).not.toEqual(stayed.levels())
    expect(feedsCtx.counters['book_resyncs']).toBeUndefined()

    BookResync.attach(engine.plane.bookResync).request()
    await sense()
    expect(feedsCtx.counters['book_resyncs']).toBe(1)
    expect(restarted.levels()).toEqual(stayed.levels())

    // Two readers restarted between one sense step and the next: one set of whole books answers both, each counted.
    restarted = bookReader(ring, executionId)
    await sense()
    expect(restarted.levels()).not.toEqual(stayed.levels())
    const coordinator = BookResync.attach(engine.plane.bookResync)
    coordinator.request()
    coordinator.request()
    await sense()
    expect(feedsCtx.counters['book_resyncs']).toBe(3)
    expect(restarted.levels()).toEqual(stayed.levels())
    await sense()
    expect(feedsCtx.counters['book_resyncs']).toBe(3)
    expect(stayed.levels().every((side) => side.length > 0)).toBe(true)
    await feeds.stop?.()
  })
})
