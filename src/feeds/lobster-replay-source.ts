import { monotonicClock, type Clock } from '../clock/clock.js'
import { WavesError } from '../errors/index.js'
import { formatDecimal } from '../market/decimal.js'
import { LobsterEvent, LobsterReplay, readLobsterBookRows, readLobsterMessages } from '../market/lobster/index.js'
import { BookAction, Side } from '../schemas/index.js'
import type { FeedBookDelta, FeedBookLevel, FeedQuote, FeedRejectReason, FeedSink, FeedSource, FeedTrade, ReplayPace } from './feed-source.js'
import { ReplayPacer, type Sleep } from './replay-pacer.js'
import type { SymbolTable } from './symbol-table.js'

export interface LobsterReplaySourceOptions {
  /** `…_message_N.csv`. */
  messageFile: string
  /** `…_orderbook_N.csv`: seeds the book and supplies the levels that move up into view. */
  bookFile: string
  symbols: SymbolTable
  venue: string
  /** Default: the file name's prefix (`AAPL_2012-06-21_…` is AAPL). */
  symbol?: string
  pace?: ReplayPace
  clock?: Clock
  sleep?: Sleep
}

/**
 * Replays a LOBSTER sample as a venue would send it: a book snapshot from
 * the order-book file's first row, then per message the L2 changes it made
 * (levels gone as Delete first, then new or resized levels as Set), the top
 * of book as a quote, and each execution, visible or hidden, as a trade.
 *
 * The book is rebuilt by `LobsterReplay` (seeded from the file, with the
 * levels that move up into view taken from it); what is written are the
 * differences of its top levels from one message to the next, so a reader
 * applying them holds exactly the file's book after every message. Message
 * i's changes carry venue sequence i + 1 and cover every message since the
 * last change (`firstVenueSequence`), so messages that change nothing
 * visible leave no gap.
 *
 * LOBSTER prices are dollars × 10^4 and sizes shares; both go through the
 * instrument's precision like any venue's.
 */
export class LobsterReplaySource implements FeedSource {
  readonly name: string
  readonly pacer: ReplayPacer
  readonly #options: LobsterReplaySourceOptions
  readonly #instrumentId: number
  readonly #venueId: number
  #started = false
  #stopped = false
  /** A reader asked for the whole book: written before the next message's changes. */
  #snapshotWanted = false
  #stop!: () => void
  readonly #stopSignal = new Promise<void>((resolve) => (this.#stop = resolve))

  constructor(options: LobsterReplaySourceOptions) {
    const symbol = options.symbol ?? /([A-Za-z.]+)_[^/\\]*$/.exec(options.messageFile)?.[1] ?? ''
    this.#instrumentId = options.symbols.instrumentId(symbol)
    if (this.#instrumentId < 0) throw new WavesError('ERR_FEED_CONFIG', `symbol ${symbol} of ${options.messageFile} is not a configured instrument`, { file: options.messageFile, symbol })
    this.#venueId = options.symbols.venueId(options.venue)
    if (this.#venueId < 0) throw new WavesError('ERR_FEED_CONFIG', `venue ${options.venue} is not a configured venue`, { venue: options.venue })
    this.name = `lobster:${symbol}`
    this.#options = options
    this.pacer = new ReplayPacer(options.pace ?? { mode: 'fast' }, options.clock ?? monotonicClock, options.sleep)
  }

  snapshotBooks(): void {
    this.#snapshotWanted = true
  }

  async start(sink: FeedSink): Promise<void> {
    if (this.#started) throw new WavesError('ERR_FEED_STATE', `${this.name} was already started`, { source: this.name })
    this.#started = true
    const { symbols } = this.#options
    const id = this.#instrumentId
    const messages = readLobsterMessages(this.#options.messageFile)
    const replay = new LobsterReplay(messages, readLobsterBookRows(this.#options.bookFile))
    const levels = replay.levels
    const venueId = this.#venueId
    // Venue units to the instrument's ticks and lots; a failure rejects the message it belongs to.
    let failure: FeedRejectReason | undefined
    const ticks = (lobsterPrice: number): number => convert(symbols.priceTicks(id, formatDecimal(BigInt(lobsterPrice), 4)))
    const lots = (shares: number): number => convert(symbols.sizeLots(id, String(shares)))
    const convert = (c: ReturnType<SymbolTable['priceTicks']>): number => (c.ok ? c.steps : ((failure ??= c.reason), NaN))
    // The top levels as last written, per side: what the next message's changes are measured against.
    const shown = [new Float64Array(levels), new Float64Array(levels)] as const
    const shownSizes = [new Float64Array(levels), new Float64Array(levels)] as const
    const shownCount = [0, 0]
    const now = [new Float64Array(levels), new Float64Array(levels)] as const
    const nowSizes = [new Float64Array(levels), new Float64Array(levels)] as const
    const delta: FeedBookDelta = { tsNs: 0, instrumentId: id, venueId, side: Side.Buy, action: BookAction.Set, priceTicks: 0, sizeLots: 0, venueSequence: 0, firstVenueSequence: 0 }
    const quote: FeedQuote = { tsNs: 0, instrumentId: id, venueId, bidPriceTicks: 0, bidSizeLots: 0, askPriceTicks: 0, askSizeLots: 0, venueSequence: 0 }
    const trade: FeedTrade = { tsNs: 0, instrumentId: id, venueId, aggressor: Side.Buy, priceTicks: 0, sizeLots: 0, venueTradeId: 0 }
    let lastChange = 1

    const readTop = (): void => {
      for (const side of [Side.Buy, Side.Sell]) {
        const n = replay.book.topLevels(side, now[side], nowSizes[side])
        for (let k = n; k < levels; k++) nowSizes[side][k] = 0
      }
    }
    const remember = (): void => {
      for (const side of [Side.Buy, Side.Sell]) {
        shown[side].set(now[side])
        shownSizes[side].set(nowSizes[side])
        shownCount[side] = countOf(nowSizes[side])
      }
    }
    const emitQuote = (tsNs: number, sequence: number): void => {
      if (shownCount[Side.Buy] === 0 || shownCount[Side.Sell] === 0) return
      quote.tsNs = tsNs
      quote.venueSequence = sequence
      quote.bidPriceTicks = ticks(shown[Side.Buy][0]!)
      quote.bidSizeLots = lots(shownSizes[Side.Buy][0]!)
      quote.askPriceTicks = ticks(shown[Side.Sell][0]!)
      quote.askSizeLots = lots(shownSizes[Side.Sell][0]!)
      if (failure === undefined) sink.quote(quote)
    }

    const firstNs = messages.timeNs[0]!
    replay.seed()
    readTop()
    remember()
    const seedTsNs = this.pacer.tsNsOf(0)
    const side = (s: Side): FeedBookLevel[] =>
      Array.from({ length: shownCount[s]! }, (_, k) => ({ priceTicks: ticks(shown[s][k]!), sizeLots: lots(shownSizes[s][k]!), orderCount: 0 }))
    const snapshot = { tsNs: seedTsNs, instrumentId: id, venueId, bids: side(Side.Buy), asks: side(Side.Sell), venueSequence: 1 }
    if (failure !== undefined) return sink.reject(failure, { source: this.name, line: messages.lineNumbers[0] })
    sink.bookSnapshot(snapshot)
    emitQuote(seedTsNs, 1)

    for (let i = 1; i < messages.count && !this.#stopped; i++) {
      const tsNs = this.pacer.tsNsOf(messages.timeNs[i]! - firstNs)
      await this.pacer.waitFor(tsNs, () => this.#stopped)
      const room = sink.ready?.()
      if (room !== undefined) await Promise.race([room, this.#stopSignal])
      if (this.#stopped) break
      if (this.#snapshotWanted) {
        // The book as written so far, at the sequence of its last change: the next message's changes follow on from it.
        this.#snapshotWanted = false
        sink.bookSnapshot({ ...snapshot, tsNs, bids: side(Side.Buy), asks: side(Side.Sell), venueSequence: lastChange })
      }
      if (!replay.step(i)) replay.resyncFromRow(i)
      readTop()
      const sequence = i + 1
      failure = undefined
      delta.tsNs = tsNs
      delta.venueSequence = sequence
      delta.firstVenueSequence = lastChange + 1
      let changed = false
      // Deletes first, then sets: a reader applying them in order never sees a crossed book on the way.
      for (const action of [BookAction.Delete, BookAction.Set]) {
        for (const s of [Side.Buy, Side.Sell]) {
          for (let k = 0; k < levels; k++) {
            const price = action === BookAction.Delete ? shown[s][k]! : now[s][k]!
            const size = action === BookAction.Delete ? shownSizes[s][k]! : nowSizes[s][k]!
            if (size === 0) continue
            const other = sizeAt(action === BookAction.Delete ? now[s] : shown[s], action === BookAction.Delete ? nowSizes[s] : shownSizes[s], price)
            if (action === BookAction.Delete ? other !== 0 : other === size) continue
            delta.side = s
            delta.action = action
            delta.priceTicks = ticks(price)
            delta.sizeLots = action === BookAction.Delete ? 0 : lots(size)
            if (failure !== undefined) break
            sink.bookDelta(delta)
            changed = true
          }
        }
      }
      if (changed) lastChange = sequence
      const touchMoved = [Side.Buy, Side.Sell].some((t) => shown[t][0] !== now[t][0] || shownSizes[t][0] !== nowSizes[t][0])
      remember()
      const type = messages.eventType[i]!
      if (type === LobsterEvent.VisibleExecution || type === LobsterEvent.HiddenExecution) {
        trade.tsNs = tsNs
        trade.priceTicks = ticks(messages.priceTicks[i]!)
        trade.sizeLots = lots(messages.sizeLots[i]!)
        // The resting order's side is given; the aggressor took the other.
        trade.aggressor = messages.direction[i] === 1 ? Side.Sell : Side.Buy
        if (failure === undefined) sink.trade(trade)
      }
      if (touchMoved) emitQuote(tsNs, sequence)
      if (failure !== undefined) sink.reject(failure, { source: this.name, line: messages.lineNumbers[i] })
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#stop()
  }
}

function countOf(sizes: Float64Array): number {
  let n = 0
  while (n < sizes.length && sizes[n]! > 0) n++
  return n
}

function sizeAt(prices: Float64Array, sizes: Float64Array, price: number): number {
  for (let k = 0; k < prices.length && sizes[k]! > 0; k++) if (prices[k] === price) return sizes[k]!
  return 0
}
