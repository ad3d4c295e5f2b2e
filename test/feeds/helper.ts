import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import type {
  FeedBookDelta,
  FeedBookSnapshot,
  FeedQuote,
  FeedRejectReason,
  FeedSentiment,
  FeedSink,
  FeedTrade,
} from '../../src/feeds/feed-source.js'
import { SymbolTable } from '../../src/feeds/symbol-table.js'

/** BTC-USDT (id 0) and ETH-USDT (id 1) on venues 'binance' (1) and 'sim-b' (2). */
export function testSymbols(): SymbolTable {
  return new SymbolTable([DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!, DEFAULT_INSTRUMENT_SPECS['ETH-USDT']!], ['binance', 'sim-b'])
}

/** A sink that keeps a copy of everything it is given, in order. */
export class CollectingSink implements FeedSink {
  readonly quotes: FeedQuote[] = []
  readonly snapshots: FeedBookSnapshot[] = []
  readonly deltas: FeedBookDelta[] = []
  readonly trades: FeedTrade[] = []
  readonly sentiments: FeedSentiment[] = []
  readonly rejects: { reason: FeedRejectReason; detail: Readonly<Record<string, unknown>> }[] = []
  /** Every event's kind, in arrival order. */
  readonly order: string[] = []

  quote(q: FeedQuote): void {
    this.quotes.push({ ...q })
    this.order.push('quote')
  }
  bookSnapshot(s: FeedBookSnapshot): void {
    this.snapshots.push({ ...s, bids: s.bids.map((l) => ({ ...l })), asks: s.asks.map((l) => ({ ...l })) })
    this.order.push('bookSnapshot')
  }
  bookDelta(d: FeedBookDelta): void {
    this.deltas.push({ ...d })
    this.order.push('bookDelta')
  }
  trade(t: FeedTrade): void {
    this.trades.push({ ...t })
    this.order.push('trade')
  }
  sentiment(s: FeedSentiment): void {
    this.sentiments.push({ ...s })
    this.order.push('sentiment')
  }
  reject(reason: FeedRejectReason, detail: Readonly<Record<string, unknown>>): void {
    this.rejects.push({ reason, detail })
    this.order.push(`reject:${reason}`)
  }

  /** Rejections per reason. */
  rejectCounts(): Partial<Record<FeedRejectReason, number>> {
    const counts: Partial<Record<FeedRejectReason, number>> = {}
    for (const r of this.rejects) counts[r.reason] = (counts[r.reason] ?? 0) + 1
    return counts
  }
}

/** Resolves when `check` holds, polling every few ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
