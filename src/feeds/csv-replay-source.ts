import { createReadStream, type ReadStream } from 'node:fs'
import { createInterface, type Interface } from 'node:readline'
import type { Clock } from '../clock/clock.js'
import { monotonicClock } from '../clock/clock.js'
import { WavesError } from '../errors/index.js'
import type { FeedSink, FeedSource, ReplayPace } from './feed-source.js'
import { CsvRowParser, csvKindOfFile, csvSymbolOfFile, epochUnitNs, type CsvKind } from './csv-rows.js'
import { ReplayPacer, type Sleep } from './replay-pacer.js'
import type { SymbolTable } from './symbol-table.js'

export interface CsvReplayOptions {
  file: string
  symbols: SymbolTable
  /** Venue name in the symbol table. */
  venue: string
  /** Default: from the file name (`BTCUSDT-aggTrades-…` is aggTrades). */
  kind?: CsvKind
  /** Venue symbol of the rows. Default: the file name's prefix (`BTCUSDT`). */
  symbol?: string
  /** Default: as fast as possible. */
  pace?: ReplayPace
  /** Default: the monotonic clock. */
  clock?: Clock
  /** How the pacer waits; tests pass one that moves a ManualClock. */
  sleep?: Sleep
}

/**
 * Replays one Binance public-data CSV file (see `CsvRowParser` for the
 * formats) into a sink, streaming it line by line. Each row's timestamp is
 * put on the engine's clock by a `ReplayPacer` (recorded pace, scaled, or
 * as fast as possible). A bad row is reported to the sink's `reject` with
 * its line number, and the replay goes on.
 */
export class CsvReplaySource implements FeedSource {
  readonly name: string
  readonly kind: CsvKind
  readonly pacer: ReplayPacer
  /** Lines read, including header and blank ones. */
  lines = 0
  readonly #options: CsvReplayOptions
  readonly #parser: CsvRowParser
  #stopped = false
  #stop!: () => void
  readonly #stopSignal = new Promise<void>((resolve) => (this.#stop = resolve))
  #input: ReadStream | undefined
  #reader: Interface | undefined

  constructor(options: CsvReplayOptions) {
    const kind = options.kind ?? csvKindOfFile(options.file)
    if (kind === undefined) throw new WavesError('ERR_FEED_CONFIG', `cannot tell the CSV kind of ${options.file}; give kind`, { file: options.file })
    const symbol = options.symbol ?? csvSymbolOfFile(options.file)
    const instrumentId = options.symbols.instrumentId(symbol)
    if (instrumentId < 0) throw new WavesError('ERR_FEED_CONFIG', `symbol ${symbol} of ${options.file} is not a configured instrument`, { file: options.file, symbol })
    const venueId = options.symbols.venueId(options.venue)
    if (venueId < 0) throw new WavesError('ERR_FEED_CONFIG', `venue ${options.venue} is not a configured venue`, { venue: options.venue })
    this.kind = kind
    this.name = `csv:${kind}:${symbol}`
    this.#options = options
    this.#parser = new CsvRowParser(kind, options.symbols, instrumentId, venueId)
    this.pacer = new ReplayPacer(options.pace ?? { mode: 'fast' }, options.clock ?? monotonicClock, options.sleep)
  }

  async start(sink: FeedSink): Promise<void> {
    if (this.#input !== undefined) throw new WavesError('ERR_FEED_STATE', `${this.name} was already started`, { source: this.name })
    const input = (this.#input = createReadStream(this.#options.file))
    const reader = (this.#reader = createInterface({ input, crlfDelay: Infinity }))
    const parser = this.#parser
    const pacer = this.pacer
    let firstTime = NaN
    let unitNs = 1
    const stopped = (): boolean => this.#stopped
    try {
      for await (const line of reader) {
        if (this.#stopped) break
        this.lines++
        const result = parser.parse(line)
        if (result === 'header' || result === 'blank') continue
        if (result === 'rejected') {
          sink.reject(parser.reason, { source: this.name, line: this.lines, text: line.slice(0, 200) })
          continue
        }
        if (Number.isNaN(firstTime)) {
          firstTime = parser.recordedTime
          unitNs = epochUnitNs(firstTime)
        }
        // Offsets, not epoch nanoseconds: epoch ns exceed 2^53 and would lose digits in a double.
        const tsNs = pacer.tsNsOf((parser.recordedTime - firstTime) * unitNs)
        await pacer.waitFor(tsNs, stopped)
        const room = sink.ready?.()
        if (room !== undefined) await Promise.race([room, this.#stopSignal])
        if (this.#stopped) break
        if (result === 'trade') {
          parser.trade.tsNs = tsNs
          sink.trade(parser.trade)
        } else {
          parser.quote.tsNs = tsNs
          sink.quote(parser.quote)
        }
      }
    } catch (err) {
      throw new WavesError('ERR_FEED_SOURCE', `${this.name} could not read ${this.#options.file}: ${(err as Error).message}`, { file: this.#options.file, line: this.lines }, { cause: err })
    } finally {
      reader.close()
      input.destroy()
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#stop()
    this.#reader?.close()
  }
}
