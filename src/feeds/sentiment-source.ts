import { createReadStream } from 'node:fs'
import { createInterface, type Interface } from 'node:readline'
import { monotonicClock, type Clock } from '../clock/clock.js'
import { WavesError } from '../errors/index.js'
import { MARKET_WIDE_INSTRUMENT, type FeedRejectReason, type FeedSentiment, type FeedSink, type FeedSource, type ReplayPace } from './feed-source.js'
import type { HeadlineScorer } from './headline-scorer.js'
import { ReplayPacer, type Sleep } from './replay-pacer.js'
import type { SymbolTable } from './symbol-table.js'
import { WebSocketSource, type FrameParser, type WebSocketSourceOptions } from './websocket-source.js'

/**
 * Reads one sentiment record, a JSON object per line or per frame:
 *
 *   {"ts": 1767225600039, "symbol": "BTCUSDT", "headline": "…", "score": 0.4}
 *
 * `ts` is epoch milliseconds or an ISO-8601 time; `symbol` is optional (none
 * means the market as a whole); `score` is optional when a scorer is given,
 * which then scores the headline. A record the run cannot use is rejected
 * with its reason; a score out of [−1, 1] is passed on for the validation
 * bridge to refuse.
 */
export class SentimentRecordParser implements FrameParser {
  readonly event: FeedSentiment = { tsNs: 0, instrumentId: MARKET_WIDE_INSTRUMENT, score: 0, headline: '' }
  /** The record's own time, epoch ms. */
  recordedMs = 0
  reason: FeedRejectReason = 'malformed'
  readonly #table: SymbolTable
  readonly #clock: Clock
  readonly #scorer: HeadlineScorer | undefined

  constructor(table: SymbolTable, clock: Clock = monotonicClock, scorer?: HeadlineScorer) {
    this.#table = table
    this.#clock = clock
    this.#scorer = scorer
  }

  /** Fills `event` (not its time) and `recordedMs`; false with `reason` set for a bad record. */
  read(text: string): boolean {
    let record: unknown
    try {
      record = JSON.parse(text)
    } catch {
      return this.#fail('malformed')
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return this.#fail('malformed')
    const { ts, symbol, headline, score } = record as Record<string, unknown>
    const recordedMs = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : NaN
    if (!Number.isFinite(recordedMs) || typeof headline !== 'string') return this.#fail('malformed')
    let instrumentId = MARKET_WIDE_INSTRUMENT
    if (symbol !== undefined) {
      if (typeof symbol !== 'string') return this.#fail('malformed')
      instrumentId = this.#table.instrumentId(symbol)
      if (instrumentId < 0) return this.#fail('unknown_instrument')
    }
    let value: number
    if (score === undefined) {
      // Text only: the scorer decides; without one the record is unusable.
      if (this.#scorer === undefined) return this.#fail('malformed')
      try {
        value = this.#scorer.score(headline)
      } catch {
        return this.#fail('malformed')
      }
    } else if (typeof score === 'number') {
      value = score
    } else {
      return this.#fail('malformed')
    }
    const e = this.event
    e.instrumentId = instrumentId
    e.score = value
    e.headline = headline
    this.recordedMs = recordedMs
    return true
  }

  /** A live frame: stamped with its arrival on the clock. */
  parse(text: string, sink: FeedSink): 'event' | 'rejected' {
    if (!this.read(text)) return 'rejected'
    this.event.tsNs = this.#clock.nowNs()
    sink.sentiment(this.event)
    return 'event'
  }

  #fail(reason: FeedRejectReason): false {
    this.reason = reason
    return false
  }
}

export interface SentimentFileOptions {
  /** JSON lines, one record each, in time order. */
  file: string
  symbols: SymbolTable
  scorer?: HeadlineScorer
  /** Default: as fast as possible. */
  pace?: ReplayPace
  clock?: Clock
  sleep?: Sleep
}

/** Replays a JSON-lines file of sentiment records onto the clock, like a CSV replay. */
export class SentimentFileSource implements FeedSource {
  readonly name: string
  readonly pacer: ReplayPacer
  lines = 0
  readonly #file: string
  readonly #parser: SentimentRecordParser
  #reader: Interface | undefined
  #stopped = false
  #stop!: () => void
  readonly #stopSignal = new Promise<void>((resolve) => (this.#stop = resolve))

  constructor(options: SentimentFileOptions) {
    this.name = `sentiment:${options.file.split(/[\\/]/).pop()}`
    this.#file = options.file
    const clock = options.clock ?? monotonicClock
    this.#parser = new SentimentRecordParser(options.symbols, clock, options.scorer)
    this.pacer = new ReplayPacer(options.pace ?? { mode: 'fast' }, clock, options.sleep)
  }

  async start(sink: FeedSink): Promise<void> {
    if (this.#reader !== undefined) throw new WavesError('ERR_FEED_STATE', `${this.name} was already started`, { source: this.name })
    const input = createReadStream(this.#file)
    const reader = (this.#reader = createInterface({ input, crlfDelay: Infinity }))
    const parser = this.#parser
    let firstMs = NaN
    try {
      for await (const line of reader) {
        if (this.#stopped) break
        this.lines++
        if (line.trim().length === 0) continue
        if (!parser.read(line)) {
          sink.reject(parser.reason, { source: this.name, line: this.lines, text: line.slice(0, 200) })
          continue
        }
        if (Number.isNaN(firstMs)) firstMs = parser.recordedMs
        const tsNs = this.pacer.tsNsOf((parser.recordedMs - firstMs) * 1e6)
        await this.pacer.waitFor(tsNs, () => this.#stopped)
        const room = sink.ready?.()
        if (room !== undefined) await Promise.race([room, this.#stopSignal])
        if (this.#stopped) break
        parser.event.tsNs = tsNs
        sink.sentiment(parser.event)
      }
    } catch (err) {
      throw new WavesError('ERR_FEED_SOURCE', `${this.name} could not read ${this.#file}: ${(err as Error).message}`, { file: this.#file, line: this.lines }, { cause: err })
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

export interface SentimentWebSocketOptions extends Omit<WebSocketSourceOptions, 'parser'> {
  symbols: SymbolTable
  scorer?: HeadlineScorer
  clock?: Clock
}

/** Sentiment records as WebSocket frames, one per frame, with the WebSocket source's reconnects. */
export function sentimentWebSocketSource(options: SentimentWebSocketOptions): WebSocketSource {
  const { symbols, scorer, clock, ...rest } = options
  return new WebSocketSource({ name: `sentiment:${options.url}`, ...rest, parser: new SentimentRecordParser(symbols, clock ?? monotonicClock, scorer) })
}
