import { WavesError } from '../../errors/index.js'

/**
 * The lines of a LOBSTER CSV file (or one another tool exported): an
 * optional header row with any column names, then data rows; blank lines
 * skipped. How the file ends and breaks its lines is kept, so a rebuilt
 * file can be written byte for byte like the original.
 */
export interface LobsterCsvLines {
  readonly file: string
  /** The header row's text, when the first line is one. */
  readonly header: string | undefined
  /** Data rows, split into cells. */
  readonly rows: string[][]
  /** 1-based line number in the file of each data row. */
  readonly lineNumbers: Uint32Array
  readonly newline: '\n' | '\r\n'
  readonly endsWithNewline: boolean
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * Splits a file's text into rows of `columns` cells (when given). The first
 * line is a header when none of its cells is a number; a data row with the
 * wrong number of cells is refused naming its line.
 */
export function splitLobsterCsv(text: string, file: string, columns?: number): LobsterCsvLines {
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text.split(newline)
  const endsWithNewline = lines.length > 1 && lines[lines.length - 1] === ''
  let header: string | undefined
  const rows: string[][] = []
  const lineNumbers: number[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === '') continue
    const cells = line.split(',')
    if (rows.length === 0 && header === undefined && cells.every((cell) => !NUMBER.test(cell.trim()))) {
      header = line
      continue
    }
    const expected = columns ?? rows[0]?.length
    if (expected !== undefined && cells.length !== expected) {
      throw new WavesError('ERR_LOBSTER_FORMAT', `${file} line ${i + 1}: expected ${expected} columns, got ${cells.length}`, { file, line: i + 1, expected, got: cells.length })
    }
    rows.push(cells)
    lineNumbers.push(i + 1)
  }
  return { file, header, rows, lineNumbers: Uint32Array.from(lineNumbers), newline, endsWithNewline }
}

/** Where a cell is, for the error that names it. */
export interface CellPlace {
  readonly file: string
  readonly line: number
  /** 1-based. */
  readonly column: number
  readonly name: string
}

export function cellError(place: CellPlace, problem: string, cell: string): WavesError {
  return new WavesError('ERR_LOBSTER_FORMAT', `${place.file} line ${place.line}, column ${place.column} (${place.name}): ${problem}, got ${JSON.stringify(cell)}`, {
    file: place.file,
    line: place.line,
    column: place.column,
    name: place.name,
    cell,
  })
}

// A whole number, also as a tool writes it from a float column ('5853300.0').
const WHOLE = /^[+-]?\d+(?:\.0*)?$/

/** A whole-number cell (order ids, sizes, prices in ticks, event types). */
export function parseWhole(cell: string, place: CellPlace): number {
  const text = cell.trim()
  if (!WHOLE.test(text)) throw cellError(place, 'not a whole number', cell)
  const value = Number(text)
  if (!Number.isSafeInteger(value)) throw cellError(place, 'too large to hold exactly', cell)
  return value
}

const TIME = /^(\d+)(?:\.(\d*))?$/

/**
 * A LOBSTER timestamp, seconds after midnight with up to nine decimals, to
 * nanoseconds. Fewer decimals are fine (other tools round to micro- or
 * milliseconds); more are rounded to the nanosecond.
 */
export function parseSecondsToNs(cell: string, place: CellPlace): number {
  const match = TIME.exec(cell.trim())
  if (match === null) throw cellError(place, 'not a time in seconds after midnight', cell)
  const fraction = match[2] ?? ''
  let ns = Number(fraction.slice(0, 9).padEnd(9, '0'))
  if (fraction.length > 9 && fraction.charCodeAt(9) >= 53 /* '5' */) ns++
  const value = Number(match[1]) * 1e9 + ns
  if (!Number.isSafeInteger(value)) throw cellError(place, 'too large to hold exactly', cell)
  return value
}
