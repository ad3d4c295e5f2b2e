import type { FeedBookDelta, FeedBookSnapshot, FeedRejectReason, FeedSink, FeedTrade } from '../../feeds/feed-source.js'
import { BookAction, Side } from '../../schemas/index.js'

/** Where market data lands: a matching engine's L2 book and tape (directly, or through the mock exchange). */
export interface MarketDataTarget {
  setBookLevel(instrumentId: number, side: Side, priceTicks: number, sizeLots: number): void
  printTrade(instrumentId: number, aggressor: Side, priceTicks: number, sizeLots: number): void
}

/**
 * A feed sink that drives a venue's market from any feed source (a replay,
 * a generator): snapshots and deltas become level changes, trades become
 * prints. Quotes carry nothing a book does not, and sentiment nothing a
 * venue uses, so both are counted and dropped. The same sink in front of
 * the engine and in front of the mock exchange gives both the same market.
 */
export class MarketFeedSink implements FeedSink {
  readonly counts = { levels: 0, trades: 0, ignored: 0, rejects: 0 }
  readonly #target: MarketDataTarget
  /** Levels currently set per instrument and side, so a snapshot can clear what it no longer lists. */
  readonly #levels = new Map<string, Set<number>>()

  constructor(target: MarketDataTarget) {
    this.#target = target
  }

  quote(): void {
    this.counts.ignored++
  }

  sentiment(): void {
    this.counts.ignored++
  }

  reject(_reason: FeedRejectReason): void {
    this.counts.rejects++
  }

  bookSnapshot(snapshot: FeedBookSnapshot): void {
    for (const [side, levels] of [[Side.Buy, snapshot.bids], [Side.Sell, snapshot.asks]] as const) {
      const listed = new Set(levels.map((l) => l.priceTicks))
      for (const priceTicks of [...this.#set(snapshot.instrumentId, side)]) if (!listed.has(priceTicks)) this.#level(snapshot.instrumentId, side, priceTicks, 0)
      for (const level of levels) this.#level(snapshot.instrumentId, side, level.priceTicks, level.sizeLots)
    }
  }

  bookDelta(delta: FeedBookDelta): void {
    this.#level(delta.instrumentId, delta.side, delta.priceTicks, delta.action === BookAction.Delete ? 0 : delta.sizeLots)
  }

  trade(trade: FeedTrade): void {
    this.counts.trades++
    this.#target.printTrade(trade.instrumentId, trade.aggressor, trade.priceTicks, trade.sizeLots)
  }

  #level(instrumentId: number, side: Side, priceTicks: number, sizeLots: number): void {
    const set = this.#set(instrumentId, side)
    if (sizeLots === 0 && !set.has(priceTicks)) return
    if (sizeLots === 0) set.delete(priceTicks)
    else set.add(priceTicks)
    this.counts.levels++
    this.#target.setBookLevel(instrumentId, side, priceTicks, sizeLots)
  }

  #set(instrumentId: number, side: Side): Set<number> {
    const key = `${instrumentId}:${side}`
    let set = this.#levels.get(key)
    if (set === undefined) this.#levels.set(key, (set = new Set()))
    return set
  }
}
