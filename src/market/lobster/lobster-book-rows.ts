import { readFileSync } from 'node:fs'
import { WavesError } from '../../errors/index.js'
import { cellError, parseWhole, splitLobsterCsv } from './lobster-csv.js'

/** LOBSTER's price of an empty ask level; its size is 0. */
export const EMPTY_ASK_PRICE = 9999999999
/** LOBSTER's price of an empty bid level; its size is 0. */
export const EMPTY_BID_PRICE = -9999999999

/** Column of a field within one level's four: ask price, ask size, bid price, bid size. */
export const LEVEL_FIELD = Object.freeze({ askPrice: 0, askSize: 1, bidPrice: 2, bidSize: 3 } as const)

/**
 * A LOBSTER order-book file parsed once: row i is the book after message
 * i, `levels` levels a side, four cells per level in file order, row-major
 * in one array. An empty level has size 0 (its price is the sentinel).
 */
export interface LobsterBookRows {
  readonly file: string
  readonly count: number
  readonly levels: number
  readonly cells: Float64Array
  readonly header: string | undefined
  readonly newline: '\n' | '\r\n'
  readonly endsWithNewline: boolean
  readonly lineNumbers: Uint32Array
}

const FIELD_NAMES = ['ask price', 'ask size', 'bid price', 'bid size']

/** Parses an order-book file's text; a malformed row is an ERR_LOBSTER_FORMAT naming file, line and column. */
export function parseLobsterBookRows(text: string, file: string): LobsterBookRows {
  const csv = splitLobsterCsv(text, file)
  const count = csv.rows.length
  const columns = csv.rows[0]?.length ?? 0
  if (count === 0 || columns % 4 !== 0) {
    throw new WavesError('ERR_LOBSTER_FORMAT', `${file}: an order-book file has four columns per level and at least one row, got ${count} rows of ${columns} columns`, { file, count, columns })
  }
  const cells = new Float64Array(count * columns)
  const place = { file, line: 0, column: 0, name: '' }
  for (let r = 0; r < count; r++) {
    const row = csv.rows[r]!
    place.line = csv.lineNumbers[r]!
    for (let c = 0; c < columns; c++) {
      place.column = c + 1
      place.name = `${FIELD_NAMES[c % 4]} ${Math.floor(c / 4) + 1}`
      const value = parseWhole(row[c]!, place)
      if (c % 2 === 1 && value < 0) throw cellError(place, 'size must not be negative', row[c]!)
      cells[r * columns + c] = value
    }
  }
  return { file, count, levels: columns / 4, cells, header: csv.header, newline: csv.newline, endsWithNewline: csv.endsWithNewline, lineNumbers: csv.lineNumbers }
}

export function readLobsterBookRows(path: string): LobsterBookRows {
  return parseLobsterBookRows(readFileSync(path, 'utf8'), path)
}

/** Index in `cells` of a level's field: `row` from 0, `level` from 0 (best). */
export function cellIndex(rows: LobsterBookRows, row: number, level: number, field: number): number {
  return (row * rows.levels + level) * 4 + field
}

/**
 * One order-book row in LOBSTER's text: per level ask price, ask size, bid
 * price, bid size; levels past a side's count written as empty (sentinel
 * price, size 0). Prices best first.
 */
export function formatLobsterBookRow(
  askPrices: Float64Array,
  askSizes: Float64Array,
  askCount: number,
  bidPrices: Float64Array,
  bidSizes: Float64Array,
  bidCount: number,
  levels: number,
): string {
  let line = ''
  for (let l = 0; l < levels; l++) {
    const ask = l < askCount ? `${askPrices[l]},${askSizes[l]}` : `${EMPTY_ASK_PRICE},0`
    const bid = l < bidCount ? `${bidPrices[l]},${bidSizes[l]}` : `${EMPTY_BID_PRICE},0`
    line += l === 0 ? `${ask},${bid}` : `,${ask},${bid}`
  }
  return line
}
