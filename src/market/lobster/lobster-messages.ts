import { readFileSync } from 'node:fs'
import { cellError, parseSecondsToNs, parseWhole, splitLobsterCsv, type CellPlace } from './lobster-csv.js'

/** LOBSTER event types (column 2 of a message file). */
export const LobsterEvent = Object.freeze({
  Submission: 1,
  PartialCancel: 2,
  Deletion: 3,
  VisibleExecution: 4,
  HiddenExecution: 5,
  CrossTrade: 6,
  Halt: 7,
} as const)
export type LobsterEvent = (typeof LobsterEvent)[keyof typeof LobsterEvent]

export const LOBSTER_EVENT_NAMES: readonly string[] = Object.freeze(['', 'submission', 'partial cancel', 'deletion', 'visible execution', 'hidden execution', 'cross trade', 'halt'])

/**
 * A LOBSTER message file parsed once into typed columns, one entry per
 * message: the replay's hot loop reads numbers, never text.
 */
export interface LobsterMessages {
  readonly file: string
  readonly count: number
  readonly header: string | undefined
  /** Nanoseconds after midnight. */
  readonly timeNs: Float64Array
  readonly eventType: Uint8Array
  readonly orderId: Float64Array
  /** Shares: lots of a one-share lot. */
  readonly sizeLots: Float64Array
  /** Dollars × 10^4: ticks of a 0.0001 tick. */
  readonly priceTicks: Float64Array
  /** 1: a buy limit order (bid side), −1: a sell limit order (ask side); 0 only on halts and crosses. */
  readonly direction: Int8Array
  /** 1-based line of each message in its file. */
  readonly lineNumbers: Uint32Array
}

const COLUMNS = ['time', 'type', 'order id', 'size', 'price', 'direction'] as const

/** Parses a message file's text; a malformed row is an ERR_LOBSTER_FORMAT naming file, line and column. */
export function parseLobsterMessages(text: string, file: string): LobsterMessages {
  const csv = splitLobsterCsv(text, file, COLUMNS.length)
  const count = csv.rows.length
  const m = {
    file,
    count,
    header: csv.header,
    timeNs: new Float64Array(count),
    eventType: new Uint8Array(count),
    orderId: new Float64Array(count),
    sizeLots: new Float64Array(count),
    priceTicks: new Float64Array(count),
    direction: new Int8Array(count),
    lineNumbers: csv.lineNumbers,
  }
  const place = { file, line: 0, column: 0, name: '' }
  const at = (column: number): CellPlace => {
    place.column = column + 1
    place.name = COLUMNS[column]!
    return place
  }
  for (let i = 0; i < count; i++) {
    const cells = csv.rows[i]!
    place.line = csv.lineNumbers[i]!
    m.timeNs[i] = parseSecondsToNs(cells[0]!, at(0))
    const type = parseWhole(cells[1]!, at(1))
    if (type < 1 || type > 7) throw cellError(at(1), 'event type must be 1 to 7', cells[1]!)
    m.eventType[i] = type
    m.orderId[i] = parseWhole(cells[2]!, at(2))
    const size = parseWhole(cells[3]!, at(3))
    if (size < 0) throw cellError(at(3), 'size must not be negative', cells[3]!)
    m.sizeLots[i] = size
    m.priceTicks[i] = parseWhole(cells[4]!, at(4))
    const direction = parseWhole(cells[5]!, at(5))
    // Halts and crosses carry no resting order; every other event names the side of one.
    const sided = type <= LobsterEvent.VisibleExecution || type === LobsterEvent.HiddenExecution
    if (!(direction === 1 || direction === -1 || (!sided && direction === 0))) throw cellError(at(5), 'direction must be 1 or -1', cells[5]!)
    if (type <= LobsterEvent.VisibleExecution && size === 0) throw cellError(at(3), 'size must be positive', cells[3]!)
    m.direction[i] = direction
  }
  return m
}

export function readLobsterMessages(path: string): LobsterMessages {
  return parseLobsterMessages(readFileSync(path, 'utf8'), path)
}
