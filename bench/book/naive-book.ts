import { Side } from '../../src/schemas/index.js'
import { LobsterEvent, type LobsterBookRows, type LobsterMessages } from '../../src/market/lobster/index.js'
import { rowSide } from './lobster-sample.js'

/**
 * The baseline: the L2 book a Node engineer writes first. A Map from price
 * to size per side; the best levels found by sorting the keys whenever they
 * are needed (here: to keep ten levels and to fill the tenth from the file).
 */
export class NaiveBook {
  readonly bids = new Map<number, number>()
  readonly asks = new Map<number, number>()
  constructor(readonly levels: number) {}

  seed(rows: LobsterBookRows): void {
    this.bids.clear()
    this.asks.clear()
    for (const [p, s] of rowSide(rows, 0, Side.Buy)) this.bids.set(p, s)
    for (const [p, s] of rowSide(rows, 0, Side.Sell)) this.asks.set(p, s)
  }

  /** Message i, and the level that moves up from the file when one empties. */
  apply(m: LobsterMessages, rows: LobsterBookRows, i: number): void {
    const type = m.eventType[i]!
    if (type > LobsterEvent.VisibleExecution) return
    const side = m.direction[i] === 1 ? Side.Buy : Side.Sell
    const book = side === Side.Buy ? this.bids : this.asks
    const price = m.priceTicks[i]!
    const held = book.get(price)
    if (type === LobsterEvent.Submission) {
      book.set(price, (held ?? 0) + m.sizeLots[i]!)
      if (book.size > this.levels) book.delete(this.sorted(side).at(-1)!)
      return
    }
    if (held === undefined) return
    const left = held - m.sizeLots[i]!
    if (left > 0) return void book.set(price, left)
    book.delete(price)
    const fromFile = rowSide(rows, i, side)
    for (let k = book.size; k < fromFile.length; k++) book.set(fromFile[k]![0], fromFile[k]![1])
  }

  /** Prices best first. */
  sorted(side: Side): number[] {
    return [...(side === Side.Buy ? this.bids : this.asks).keys()].sort((a, b) => (side === Side.Buy ? b - a : a - b))
  }

  equalsRow(rows: LobsterBookRows, row: number): boolean {
    for (const side of [Side.Buy, Side.Sell]) {
      const book = side === Side.Buy ? this.bids : this.asks
      const ours = this.sorted(side).map((p) => [p, book.get(p)!])
      if (JSON.stringify(ours) !== JSON.stringify(rowSide(rows, row, side))) return false
    }
    return true
  }
}
