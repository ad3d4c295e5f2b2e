import { WavesError } from '../../errors/index.js'
import { Side } from '../../schemas/index.js'
import { BookUpdate, OrderBook, type BookLevelInput } from '../book/index.js'
import type { BookSide } from '../book/book-side.js'
import { cellIndex, LEVEL_FIELD, type LobsterBookRows } from './lobster-book-rows.js'
import { LOBSTER_EVENT_NAMES, LobsterEvent, type LobsterMessages } from './lobster-messages.js'

export interface LobsterReplayOptions {
  /** Levels a side to rebuild and compare, at most the order-book file's. Default: the file's. */
  levels?: number
  /** Compare every rebuilt row with the file. Default true. */
  verify?: boolean
}

export interface LobsterReplayCounts {
  /** Order-book rows: the seed row and one per message after it. */
  rows: number
  rowsCompared: number
  /** Rows the rebuilt book matched exactly (after any counted seed fill). */
  rowsExact: number
  /** Levels taken from the order-book file because they entered the top N from below when a better level emptied. */
  seedFills: number
  /** Rows that differed: the book was reseeded from the file there. */
  resyncs: number
  /** Removals at a price the book did not hold. */
  unknownLevels: number
  /** Messages replayed after the seed, per event type: `events[1]` … `events[7]`. */
  events: number[]
}

const MAX_MISMATCHES_KEPT = 10

/**
 * Rebuilds LOBSTER's order-book file from its message file. Row i of the
 * order-book file is the book after message i: the book is seeded from row
 * 1, then each later message is applied and, with `verify`, the top N
 * levels are compared with the next row.
 *
 * Submissions add size; partial cancels, deletions and visible executions
 * remove it; hidden executions, cross trades and halts leave the visible
 * book alone (each is counted, and moves the venue sequence on). The file
 * shows only N levels, so when a level within them empties, the level that
 * moves up into slot N was never described by a message: it is taken from
 * the file and counted in `seedFills`. The book holds N levels a side, the
 * depth the file shows; anything deeper is unknowable.
 *
 * Venue sequence of message i (0-based) is i + 1.
 */
export class LobsterReplay {
  readonly messages: LobsterMessages
  readonly rows: LobsterBookRows
  readonly levels: number
  readonly verify: boolean
  readonly book: OrderBook
  readonly counts: LobsterReplayCounts
  /** What the first differing rows looked like, for a human. */
  readonly mismatches: string[] = []
  /**
   * The levels the last step changed, as an L2 feed publishes them: side,
   * price and the level's new size (0: gone). The message's own level, a
   * level it pushed below the top N, and any level filled from the file.
   */
  changeCount = 0
  readonly changeSide: Uint8Array
  readonly changePriceTicks: Float64Array
  readonly changeSizeLots: Float64Array
  readonly #seedBids: BookLevelInput[]
  readonly #seedAsks: BookLevelInput[]

  constructor(messages: LobsterMessages, rows: LobsterBookRows, options: LobsterReplayOptions = {}) {
    const levels = options.levels ?? rows.levels
    if (!(Number.isInteger(levels) && levels >= 1 && levels <= rows.levels)) {
      throw new WavesError('ERR_LOBSTER_FORMAT', `${rows.file} has ${rows.levels} levels a side; cannot rebuild ${levels}`, { file: rows.file, levels, fileLevels: rows.levels })
    }
    if (messages.count !== rows.count) {
      throw new WavesError('ERR_LOBSTER_FORMAT', `${messages.file} has ${messages.count} messages but ${rows.file} has ${rows.count} rows; row i is the book after message i`, {
        messages: messages.count,
        rows: rows.count,
      })
    }
    this.messages = messages
    this.rows = rows
    this.levels = levels
    this.verify = options.verify ?? true
    this.book = new OrderBook({ maxLevels: levels, initialLevels: levels })
    this.counts = { rows: rows.count, rowsCompared: 0, rowsExact: 0, seedFills: 0, resyncs: 0, unknownLevels: 0, events: [0, 0, 0, 0, 0, 0, 0, 0] }
    this.changeSide = new Uint8Array(levels + 2)
    this.changePriceTicks = new Float64Array(levels + 2)
    this.changeSizeLots = new Float64Array(levels + 2)
    this.#seedBids = this.#rowLevels(0, Side.Buy)
    this.#seedAsks = this.#rowLevels(0, Side.Sell)
  }

  /** Seeds the book from the first order-book row (the book after message 1). */
  seed(): void {
    this.book.applySnapshot(this.#seedBids, this.#seedAsks, 1)
  }

  /**
   * Applies message `i` (0-based, from 1) and any seed fill it calls for;
   * with `verify`, returns whether the top N levels now equal row `i`
   * (without, true). A differing row is left as rebuilt: call
   * `resyncFromRow(i)` to continue from the file.
   */
  step(i: number): boolean {
    const m = this.messages
    const book = this.book
    const type = m.eventType[i]!
    const sequence = i + 1
    this.counts.events[type]!++
    this.changeCount = 0
    if (type <= LobsterEvent.VisibleExecution) {
      const side = m.direction[i] === 1 ? Side.Buy : Side.Sell
      const priceTicks = m.priceTicks[i]!
      const bookSide = side === Side.Buy ? book.bids : book.asks
      if (type === LobsterEvent.Submission) {
        book.addSize(side, priceTicks, m.sizeLots[i]!, sequence)
        // The level pushed out goes first: a follower kept to N levels then has room for the new one.
        if (!Number.isNaN(bookSide.evictedPriceTicks)) this.#changed(side, bookSide.evictedPriceTicks, 0)
        if (book.levelSizeLots > 0) this.#changed(side, priceTicks, book.levelSizeLots)
      } else {
        const before = bookSide.count
        if (book.removeSize(side, priceTicks, m.sizeLots[i]!, sequence) === BookUpdate.UnknownLevel) this.counts.unknownLevels++
        else {
          this.#changed(side, priceTicks, book.levelSizeLots)
          if (bookSide.count < before) this.#fillFromBelow(i, side, bookSide, sequence)
        }
      }
    } else {
      book.advanceSequence(sequence)
    }
    if (!this.verify) return true
    this.counts.rowsCompared++
    const exact = this.#matches(i, book.asks, Side.Sell) && this.#matches(i, book.bids, Side.Buy)
    if (exact) this.counts.rowsExact++
    else if (this.mismatches.length < MAX_MISMATCHES_KEPT) {
      this.mismatches.push(`row ${i + 1} (line ${this.rows.lineNumbers[i]}) differs after message ${i + 1} (line ${m.lineNumbers[i]}, ${LOBSTER_EVENT_NAMES[type]})`)
    }
    return exact
  }

  /** Continues from the file's row `i`, after a row that differed. */
  resyncFromRow(i: number): void {
    this.counts.resyncs++
    this.book.applySnapshot(this.#rowLevels(i, Side.Buy), this.#rowLevels(i, Side.Sell), i + 1)
  }

  /** Seeds, then replays every message, calling `onRow` with each row index once the book holds that row. */
  run(onRow?: (row: number) => void): LobsterReplayCounts {
    this.seed()
    onRow?.(0)
    for (let i = 1; i < this.messages.count; i++) {
      const exact = this.step(i)
      onRow?.(i)
      if (!exact) this.resyncFromRow(i)
    }
    return this.counts
  }

  /** The file's levels below the book's last one after it lost a level: what moved up, unseen by any message. */
  #fillFromBelow(i: number, side: Side, bookSide: BookSide, sequence: number): void {
    const cells = this.rows.cells
    const priceField = side === Side.Buy ? LEVEL_FIELD.bidPrice : LEVEL_FIELD.askPrice
    for (let level = bookSide.count; level < this.levels; level++) {
      const at = cellIndex(this.rows, i, level, priceField)
      const sizeLots = cells[at + 1]!
      if (sizeLots === 0) break
      this.book.setLevel(side, cells[at]!, sizeLots, sequence)
      this.#changed(side, cells[at]!, sizeLots)
      this.counts.seedFills++
    }
  }

  #changed(side: Side, priceTicks: number, sizeLots: number): void {
    const k = this.changeCount++
    this.changeSide[k] = side
    this.changePriceTicks[k] = priceTicks
    this.changeSizeLots[k] = sizeLots
  }

  #matches(i: number, bookSide: BookSide, side: Side): boolean {
    const cells = this.rows.cells
    const priceField = side === Side.Buy ? LEVEL_FIELD.bidPrice : LEVEL_FIELD.askPrice
    for (let level = 0; level < this.levels; level++) {
      const at = cellIndex(this.rows, i, level, priceField)
      const sizeLots = cells[at + 1]!
      if (level >= bookSide.count) {
        if (sizeLots !== 0) return false
      } else if (bookSide.priceAt(level) !== cells[at] || bookSide.sizeAt(level) !== sizeLots) {
        return false
      }
    }
    return true
  }

  #rowLevels(i: number, side: Side): BookLevelInput[] {
    const levels: BookLevelInput[] = []
    const priceField = side === Side.Buy ? LEVEL_FIELD.bidPrice : LEVEL_FIELD.askPrice
    for (let level = 0; level < this.levels; level++) {
      const at = cellIndex(this.rows, i, level, priceField)
      const sizeLots = this.rows.cells[at + 1]!
      if (sizeLots > 0) levels.push({ priceTicks: this.rows.cells[at]!, sizeLots })
    }
    return levels
  }
}
