import { Builder, ByteBuffer } from 'flatbuffers'
import { describe, expect, it } from 'vitest'
import {
  BOARD_CAPACITY,
  BOARD_NAMES,
  BoardReader,
  BoardWriter,
  DEFAULT_BOARD_MAX_BYTES,
  attachBoards,
  createBoards,
  type BoardName,
} from '../../src/boards/index.js'
import { isWavesError } from '../../src/errors/index.js'
import { TABLES } from '../fixtures/boards/board-tables.js'

/** The entry count each board's default size promises to hold. */
const CAPACITY: Record<BoardName, number> = {
  market_conditions: BOARD_CAPACITY.instruments,
  forecasts: BOARD_CAPACITY.forecasts,
  strategy: BOARD_CAPACITY.strategies,
  risk_limits: BOARD_CAPACITY.approvedIntents,
  account_state: BOARD_CAPACITY.positions,
}

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (err) {
    if (isWavesError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected a WavesError')
}

describe('the cycle boards', () => {
  it('are created one per name, with their default sizes, ready for other threads to attach', () => {
    expect(BOARD_NAMES).toEqual(['market_conditions', 'forecasts', 'strategy', 'risk_limits', 'account_state'])
    const buffers = createBoards({ strategy: 4096 })
    expect(Object.keys(buffers)).toEqual([...BOARD_NAMES])
    const boards = attachBoards(buffers)
    for (const name of BOARD_NAMES) {
      expect(buffers[name]).toBeInstanceOf(SharedArrayBuffer)
      expect(boards[name].maxBytes).toBe(name === 'strategy' ? 4096 : DEFAULT_BOARD_MAX_BYTES[name])
    }
  })

  it('refuse unknown names and missing buffers', () => {
    expect(errorOf(() => createBoards({ risk: 10 } as never))).toEqual({
      code: 'ERR_BOARD_CONFIG',
      message: 'unknown board risk; boards are market_conditions, forecasts, strategy, risk_limits, account_state',
    })
    const { forecasts: _dropped, ...partial } = createBoards()
    expect(errorOf(() => attachBoards(partial as never))).toEqual({ code: 'ERR_BOARD_CONFIG', message: 'no buffer for board forecasts' })
  })

  it.each(BOARD_NAMES)('carry a %s table through a board, field for field, copied out and in place', (name) => {
    const boards = attachBoards(createBoards())
    const writer = new BoardWriter(boards[name])
    const reader = new BoardReader(boards[name])
    const { build, read, expected } = TABLES[name]
    const builder = new Builder(1024)
    for (const n of [0, 1, 3]) {
      builder.clear()
      build(builder, n)
      const version = writer.publishBuilder(builder)

      const into = new Uint8Array(boards[name].maxBytes)
      const snapshot = reader.readCopy(into)!
      expect(snapshot.version).toBe(version)
      expect(snapshot.length).toBe(builder.asUint8Array().length)
      expect(read(new ByteBuffer(into))).toEqual(expected(n))
      expect(read(new ByteBuffer(reader.readCopy()!.bytes))).toEqual(expected(n))
      expect(reader.readWith((bb) => read(bb))).toEqual(expected(n))
    }
  })

  it.each(BOARD_NAMES)('hold a %s table at full capacity, every field set, in the default size', (name) => {
    const board = attachBoards(createBoards())[name]
    const builder = new Builder(1024)
    builder.forceDefaults(true)
    TABLES[name].build(builder, CAPACITY[name])
    const bytes = builder.asUint8Array().length
    expect(bytes).toBeLessThanOrEqual(DEFAULT_BOARD_MAX_BYTES[name])
    new BoardWriter(board).publishBuilder(builder)
    const reader = new BoardReader(board)
    expect(reader.readWith((bb) => TABLES[name].read(bb))).toEqual(TABLES[name].expected(CAPACITY[name]))
  })
})
