import { parseArgs } from 'node:util'
import { isWavesError } from '../../errors/index.js'
import { Side } from '../../schemas/index.js'
import { formatLobsterBookRow, readLobsterBookRows, type LobsterBookRows } from './lobster-book-rows.js'
import { LOBSTER_EVENT_NAMES, readLobsterMessages, type LobsterMessages } from './lobster-messages.js'
import { LobsterReplay } from './lobster-replay.js'

export const BOOK_USAGE = `usage: waves book MESSAGE_FILE --seed ORDERBOOK_FILE [--levels N]

Rebuilds a LOBSTER order book from its message file: seeds the book from
the first row of ORDERBOOK_FILE, applies every later message, and writes the
book after each message to stdout as LOBSTER order-book CSV (so diff against
ORDERBOOK_FILE is empty when the rebuild is exact). Levels that enter the top
N from below when a better one empties are taken from ORDERBOOK_FILE and
counted. A summary goes to stderr. Header rows and timestamps with fewer
decimals are accepted.

  --seed FILE    the order-book file that goes with MESSAGE_FILE (required)
  --levels N     levels a side to rebuild; default: all of ORDERBOOK_FILE's

Exit code 0 when every row matched, 1 when one differed or a file is
malformed, 2 for bad usage.`

export interface BookCommandIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

// Rows joined before one write: large writes, few of them.
const ROWS_PER_WRITE = 2048

/** `waves book`; `argv` holds the words after `book`. */
export function bookCommand(argv: string[], io: BookCommandIo): number {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { seed: { type: 'string' }, levels: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    io.stderr.write(`${err.message}\n${BOOK_USAGE}\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help === true) {
    io.stdout.write(`${BOOK_USAGE}\n`)
    return 0
  }
  const problem =
    positionals.length !== 1
      ? `expected one message file, got ${positionals.length}`
      : values.seed === undefined
        ? 'no order-book file given: --seed ORDERBOOK_FILE is required'
        : values.levels !== undefined && !/^[1-9]\d*$/.test(values.levels)
          ? `--levels must be a whole number of at least 1, got ${values.levels}`
          : undefined
  if (problem !== undefined) {
    io.stderr.write(`${problem}\n${BOOK_USAGE}\n`)
    return 2
  }

  let messages: LobsterMessages
  let rows: LobsterBookRows
  let replay: LobsterReplay
  try {
    messages = readLobsterMessages(positionals[0]!)
    rows = readLobsterBookRows(values.seed!)
    replay = new LobsterReplay(messages, rows, values.levels === undefined ? {} : { levels: Number(values.levels) })
  } catch (err) {
    if (!isWavesError(err, 'ERR_LOBSTER_FORMAT') && !(err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'EISDIR'))) throw err
    io.stderr.write(`waves book: ${err.message}\n`)
    return 1
  }

  const levels = replay.levels
  const book = replay.book
  const askPrices = new Float64Array(levels)
  const askSizes = new Float64Array(levels)
  const bidPrices = new Float64Array(levels)
  const bidSizes = new Float64Array(levels)
  const newline = rows.newline
  let chunk: string[] = rows.header === undefined ? [] : [rows.header]
  let written = false
  const flush = (): void => {
    io.stdout.write((written ? newline : '') + chunk.join(newline))
    written = true
    chunk = []
  }
  const counts = replay.run(() => {
    const askCount = book.topLevels(Side.Sell, askPrices, askSizes)
    const bidCount = book.topLevels(Side.Buy, bidPrices, bidSizes)
    chunk.push(formatLobsterBookRow(askPrices, askSizes, askCount, bidPrices, bidSizes, bidCount, levels))
    if (chunk.length >= ROWS_PER_WRITE) flush()
  })
  if (chunk.length > 0) flush()
  // The last line ends as the seed file's does, so the two compare byte for byte.
  if (rows.endsWithNewline) io.stdout.write(newline)

  const rebuilt = counts.rows - 1
  const events = counts.events.map((n, type) => `${type} ${LOBSTER_EVENT_NAMES[type]} ${n}`).slice(1)
  const lines = [
    `waves book: ${counts.rows} rows (row 1 seeded, ${rebuilt} rebuilt from messages), ${counts.rowsExact} of ${counts.rowsCompared} exact, ${levels} levels a side`,
    `levels filled from the seed file: ${counts.seedFills} (entered the top ${levels} from below when a better level emptied)`,
    `events after the seed: ${events.join(', ')}`,
  ]
  if (counts.unknownLevels > 0) lines.push(`removals at a price the book did not hold: ${counts.unknownLevels}`)
  if (counts.resyncs > 0) lines.push(`rows that differed (reseeded from the file): ${counts.resyncs}`, ...replay.mismatches.map((m) => `  ${m}`))
  io.stderr.write(`${lines.join('\n')}\n`)
  return counts.resyncs === 0 ? 0 : 1
}
