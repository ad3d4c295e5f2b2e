import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LobsterReplay, parseLobsterBookRows, parseLobsterMessages, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'

// The LOBSTER sample: AAPL 2012-06-21, ten levels, the first 999 messages and the book after each.
const dir = fileURLToPath(new URL('../../../shared/data/lobster/', import.meta.url))
const messageFile = `${dir}AAPL_2012-06-21_34200000_57600000_message_10.csv`
const bookFile = `${dir}AAPL_2012-06-21_34200000_57600000_orderbook_10.csv`

describe('LOBSTER replay against its own order-book file', () => {
  it('rebuilds every row of the sample exactly, taking from the file only the levels that enter the top ten from below', () => {
    const replay = new LobsterReplay(readLobsterMessages(messageFile), readLobsterBookRows(bookFile))
    const counts = replay.run()
    expect(replay.mismatches).toEqual([])
    expect(counts).toEqual({ rows: 999, rowsCompared: 998, rowsExact: 998, seedFills: 318, resyncs: 0, unknownLevels: 0, events: [0, 470, 0, 369, 98, 61, 0, 0] })
  })
})
