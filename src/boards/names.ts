import { WavesError } from '../errors/index.js'
import { Board } from './board.js'

/** The boards of the cycle, each written by one step and read by the steps after it. */
export const BOARD_NAMES = ['market_conditions', 'forecasts', 'strategy', 'risk_limits', 'account_state'] as const

export type BoardName = (typeof BOARD_NAMES)[number]

/** One SharedArrayBuffer per board: what worker threads are handed, to `attachBoards` there. */
export type BoardBuffers = Record<BoardName, SharedArrayBuffer>

/**
 * How many entries each board's default size holds, every field set (a
 * FlatBuffer leaves default values out, so most boards are smaller). A test
 * builds each board full to these counts and publishes it.
 */
export const BOARD_CAPACITY = Object.freeze({
  /** market_conditions: InstrumentConditions, about 150 bytes each. */
  instruments: 2048,
  /** forecasts: InstrumentForecast, about 72 bytes each (instruments × horizons). */
  forecasts: 4096,
  /** strategy: StrategyWeight, about 28 bytes each. */
  strategies: 512,
  /** risk_limits: ApprovedIntent, 32 bytes each. */
  approvedIntents: 4096,
  /** account_state: Position, about 68 bytes each (strategies × instruments × venues). */
  positions: 4096,
})

/** Default `maxBytes` per board: the capacities above, rounded up to a power of two. */
export const DEFAULT_BOARD_MAX_BYTES: Readonly<Record<BoardName, number>> = Object.freeze({
  market_conditions: 512 * 1024,
  forecasts: 512 * 1024,
  strategy: 16 * 1024,
  risk_limits: 256 * 1024,
  account_state: 512 * 1024,
})

function isBoardName(name: string): name is BoardName {
  return (BOARD_NAMES as readonly string[]).includes(name)
}

/** Creates every board, with the default size unless `maxBytes` names another. */
export function createBoards(maxBytes: Partial<Record<BoardName, number>> = {}): BoardBuffers {
  const unknown = Object.keys(maxBytes).filter((name) => !isBoardName(name))
  if (unknown.length > 0) {
    throw new WavesError('ERR_BOARD_CONFIG', `unknown board ${unknown.join(', ')}; boards are ${BOARD_NAMES.join(', ')}`, { unknown })
  }
  const buffers = {} as BoardBuffers
  for (const name of BOARD_NAMES) {
    buffers[name] = Board.create({ maxBytes: maxBytes[name] ?? DEFAULT_BOARD_MAX_BYTES[name] }).sab
  }
  return buffers
}

/** This thread's view of every board in `buffers`, each checked as `Board.attach` does. */
export function attachBoards(buffers: BoardBuffers): Record<BoardName, Board> {
  const missing = BOARD_NAMES.filter((name) => !(buffers[name] instanceof SharedArrayBuffer))
  if (missing.length > 0) {
    throw new WavesError('ERR_BOARD_CONFIG', `no buffer for board ${missing.join(', ')}`, { missing })
  }
  const boards = {} as Record<BoardName, Board>
  for (const name of BOARD_NAMES) boards[name] = Board.attach(buffers[name])
  return boards
}
