import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Side } from '../../src/schemas/index.js'
import { BookUpdate, OrderBook } from '../../src/market/book/index.js'
import { LobsterReplay, parseLobsterBookRows, parseLobsterMessages, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'

// The LOBSTER sample: AAPL 2012-06-21, ten levels, the first 999 messages and the book after each.
const dir = fileURLToPath(new URL('../../../shared/data/lobster/', import.meta.url))
const messageFile = `${dir}AAPL_2012-06-21_34200000_57600000_message_10.csv`
const bookFile = `${dir}AAPL_2012-06-21_34200000_57600000_orderbook_10.csv`
const messageText = readFileSync(messageFile, 'utf8')
const bookText = readFileSync(bookFile, 'utf8')

// What the sample holds (PROVENANCE: 470 submissions, 369 deletions, 98 visible and 61 hidden executions after row 1).
const SAMPLE_COUNTS = { rows: 999, rowsCompared: 998, rowsExact: 998, seedFills: 318, resyncs: 0, unknownLevels: 0, events: [0, 470, 0, 369, 98, 61, 0, 0] }

/** Every message time rewritten with `decimals` decimals, truncated, as a tool rounding to ms or µs writes it. */
function withTimeDecimals(text: string, decimals: number): string {
  return text.replace(/^(\d+)\.(\d+)/gm, (_, whole: string, fraction: string) => (decimals === 0 ? whole : `${whole}.${fraction.padEnd(9, '0').slice(0, decimals)}`))
}

describe('LOBSTER replay against its own order-book file', () => {
  it('rebuilds every row of the sample exactly, taking from the file only the levels that enter the top ten from below', () => {
    const replay = new LobsterReplay(readLobsterMessages(messageFile), readLobsterBookRows(bookFile))
    const counts = replay.run()
    expect(replay.mismatches).toEqual([])
    expect(counts).toEqual(SAMPLE_COUNTS)
    // The book ends on the file's last row: its touch, as the file has it.
    const last = bookText.split('\n').at(-1)!.split(',').map(Number)
    expect([replay.book.bestAskTicks(), replay.book.bestBidTicks()]).toEqual([last[0], last[2]])
  })

  it.each([10, undefined])('publishes each step as the L2 level changes that carry a second book (depth %s), fed only those, to the same rows', (maxLevels) => {
    const replay = new LobsterReplay(parseLobsterMessages(messageText, 'm.csv'), parseLobsterBookRows(bookText, 'b.csv'))
    const follower = new OrderBook(maxLevels === undefined ? {} : { maxLevels })
    const top = (book: OrderBook, side: Side): number[] => {
      const prices = new Float64Array(10)
      const sizes = new Float64Array(10)
      const n = book.topLevels(side, prices, sizes)
      return [...prices.subarray(0, n), ...sizes.subarray(0, n)]
    }
    let changes = 0
    let updateSequence = 1
    replay.run((row) => {
      if (row === 0) {
        follower.applySnapshot(
          Array.from({ length: replay.book.levelCount(Side.Buy) }, (_, k) => ({ priceTicks: replay.book.bids.priceAt(k), sizeLots: replay.book.bids.sizeAt(k) })),
          Array.from({ length: replay.book.levelCount(Side.Sell) }, (_, k) => ({ priceTicks: replay.book.asks.priceAt(k), sizeLots: replay.book.asks.sizeAt(k) })),
          updateSequence,
        )
        return
      }
      if (replay.changeCount > 0) updateSequence++
      for (let k = 0; k < replay.changeCount; k++) {
        expect(follower.setLevel(replay.changeSide[k]!, replay.changePriceTicks[k]!, replay.changeSizeLots[k]!, updateSequence)).toBe(BookUpdate.Applied)
        changes++
      }
      expect(top(follower, Side.Buy)).toEqual(top(replay.book, Side.Buy))
      expect(top(follower, Side.Sell)).toEqual(top(replay.book, Side.Sell))
    })
    // One change per submission, deletion and execution, one per seed fill, one per level pushed below the top ten.
    expect(changes).toBe(470 + 369 + 98 + 318 + 328)
  })

  it('fails a row, names it and reseeds from the file when a message is wrong', () => {
    // Message 503, a submission, gets one share more: its level differs in row 503, and only there.
    const lines = messageText.split('\n')
    const cells = lines[502]!.split(',')
    expect(cells[1]).toBe('1')
    cells[3] = String(Number(cells[3]) + 1)
    lines[502] = cells.join(',')
    const replay = new LobsterReplay(parseLobsterMessages(lines.join('\n'), 'changed.csv'), parseLobsterBookRows(bookText, 'book.csv'))
    const counts = replay.run()
    expect(counts.rowsExact).toBe(997)
    expect(counts.resyncs).toBe(1)
    expect(replay.mismatches).toEqual(['row 503 (line 503) differs after message 503 (line 503, submission)'])
  })

  it('parses and counts cross trades and halts, which leave the visible book alone', () => {
    // After message 100: a cross trade and a halt, each with its own order-book row, the same as row 100.
    const messages = messageText.split('\n')
    const rows = bookText.split('\n')
    messages.splice(100, 0, '34201.5,6,-1,500,5858000,-1', '34201.6,7,0,0,-1,-1')
    rows.splice(100, 0, rows[99]!, rows[99]!)
    const replay = new LobsterReplay(parseLobsterMessages(messages.join('\n'), 'm.csv'), parseLobsterBookRows(rows.join('\n'), 'b.csv'))
    expect(replay.run()).toEqual({ ...SAMPLE_COUNTS, rows: 1001, rowsCompared: 1000, rowsExact: 1000, events: [0, 470, 0, 369, 98, 61, 1, 1] })
  })

  it('accepts files with a header row of any column names', () => {
    const messages = parseLobsterMessages(`Time,Type,OrderID,Size,Price,Direction\n${messageText}`, 'm.csv')
    const rows = parseLobsterBookRows(`${Array.from({ length: 40 }, (_, k) => `col${k}`).join(',')}\n${bookText}`, 'b.csv')
    expect(messages.header).toBe('Time,Type,OrderID,Size,Price,Direction')
    expect(messages.lineNumbers[0]).toBe(2)
    expect(rows.header).toBe(Array.from({ length: 40 }, (_, k) => `col${k}`).join(','))
    expect(new LobsterReplay(messages, rows).run()).toEqual(SAMPLE_COUNTS)
  })

  it.each([0, 3, 6])('accepts message times written with %i decimals and reads them to the nanosecond they say', (decimals) => {
    const messages = parseLobsterMessages(withTimeDecimals(messageText, decimals), 'm.csv')
    const full = parseLobsterMessages(messageText, 'm.csv')
    const unit = 10 ** (9 - decimals)
    for (let i = 0; i < full.count; i++) expect(messages.timeNs[i]).toBe(Math.floor(full.timeNs[i]! / unit) * unit)
    expect(full.timeNs[0]).toBe(34200_004241176)
    expect(full.timeNs[1]).toBe(34200_004260640) // written '34200.00426064'
    expect(new LobsterReplay(messages, parseLobsterBookRows(bookText, 'b.csv')).run()).toEqual(SAMPLE_COUNTS)
  })

  it('rebuilds fewer levels than the file shows: messages deeper than level five change nothing, level five is filled from the file', () => {
    const replay = new LobsterReplay(parseLobsterMessages(messageText, 'm.csv'), parseLobsterBookRows(bookText, 'b.csv'), { levels: 5 })
    const counts = replay.run()
    expect(counts).toEqual({ ...SAMPLE_COUNTS, seedFills: 299, unknownLevels: 26 })
    expect(replay.book.levelCount(Side.Buy)).toBe(5)
  })
})
