import { join } from 'node:path'
import { packageRoot } from '../../src/runtime/package-root.js'
import { Side } from '../../src/schemas/index.js'
import type { OrderBook } from '../../src/market/book/index.js'
import { cellIndex, LEVEL_FIELD, type LobsterBookRows } from '../../src/market/lobster/index.js'

/** The LOBSTER sample every row of the book suite replays: AAPL 2012-06-21, ten levels, 999 messages. */
export function lobsterSampleFiles(): { messageFile: string; bookFile: string } {
  const dir = join(packageRoot(), '..', 'shared', 'data', 'lobster')
  return {
    messageFile: join(dir, 'AAPL_2012-06-21_34200000_57600000_message_10.csv'),
    bookFile: join(dir, 'AAPL_2012-06-21_34200000_57600000_orderbook_10.csv'),
  }
}

/** One side of an order-book row as [price, size] pairs, best first, empty levels left out. */
export function rowSide(rows: LobsterBookRows, row: number, side: Side): [number, number][] {
  const field = side === Side.Buy ? LEVEL_FIELD.bidPrice : LEVEL_FIELD.askPrice
  const levels: [number, number][] = []
  for (let level = 0; level < rows.levels; level++) {
    const at = cellIndex(rows, row, level, field)
    if (rows.cells[at + 1]! > 0) levels.push([rows.cells[at]!, rows.cells[at + 1]!])
  }
  return levels
}

/** Whether the book's top levels are exactly the file's row: the result check of every contender. */
export function bookEqualsRow(book: OrderBook, rows: LobsterBookRows, row: number): boolean {
  const prices = new Float64Array(rows.levels)
  const sizes = new Float64Array(rows.levels)
  for (const side of [Side.Buy, Side.Sell]) {
    const n = book.topLevels(side, prices, sizes)
    const expected = rowSide(rows, row, side)
    if (n !== expected.length) return false
    for (let k = 0; k < n; k++) if (prices[k] !== expected[k]![0] || sizes[k] !== expected[k]![1]) return false
  }
  return true
}
