import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { ManualClock } from '../../src/clock/clock.js'
import { BinanceStreamParser } from '../../src/feeds/binance-stream-parser.js'
import { CsvReplaySource } from '../../src/feeds/csv-replay-source.js'
import { CSV_KINDS, CsvRowParser } from '../../src/feeds/csv-rows.js'
import type { FeedSink } from '../../src/feeds/feed-source.js'
import { SentimentRecordParser } from '../../src/feeds/sentiment-source.js'
import { ValidationBridge } from '../../src/feeds/validation/validation-bridge.js'
import { WebSocketSource } from '../../src/feeds/websocket-source.js'
import { CollectingSink, testSymbols, until } from './helper.js'

const AGG_TRADES = fileURLToPath(new URL('../../../shared/data/crypto/BTCUSDT-aggTrades-2026-01-01.first5000.csv', import.meta.url))
const BOOK_TICKER = fileURLToPath(new URL('../fixtures/feeds/BTCUSDT-bookTicker-2026-01-01.csv', import.meta.url))
const KLINES = fileURLToPath(new URL('../fixtures/feeds/BTCUSDT-1m-2026-01-01.csv', import.meta.url))
const HEADLINES = fileURLToPath(new URL('../fixtures/feeds/headlines.jsonl', import.meta.url))

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
const REAL_CSV = [...lines(AGG_TRADES).slice(0, 50), ...lines(BOOK_TICKER), ...lines(KLINES)]
const REAL_FRAMES = [
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":1767225600001,"s":"BTCUSDT","t":12345,"p":"87648.21000000","q":"0.00100000","T":1767225600000,"m":true,"M":true}}',
  '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1767225600001,"s":"BTCUSDT","a":5,"p":"87648.21","q":"0.001","f":1,"l":2,"T":1767225600000,"m":false,"M":true}}',
  '{"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BTCUSDT","b":"87648.21","B":"1.5","a":"87648.22","A":"0.25"}}',
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":157,"u":160,"b":[["87648.20","0.01"]],"a":[["87648.30","2"]]}}',
  '{"stream":"ethusdt@depth5@100ms","data":{"lastUpdateId":99,"bids":[["3000.01","1"]],"asks":[["3000.02","0.5"]]}}',
  '{"result":null,"id":1}',
]
const REAL_RECORDS = lines(HEADLINES)

/** A real input with a few random edits: characters replaced, dropped or inserted, cells swapped. */
function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), ch: fc.constant('') }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom(',', '"', '-', '.', 'e', '0', '9', 'NaN', '[', '}', ':', 'null', ' ', '1e999') }),
  )
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) =>
    edits.reduce((text, e) => {
      const at = text.length === 0 ? 0 : e.at % text.length
      return e.op === 'delete' ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + e.ch + text.slice(e.op === 'replace' ? at + 1 : at)
    }, seed),
  )
}

const randomText = fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')))
const randomJson = fc.oneof(fc.json(), fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'), fc.jsonValue().map((v) => JSON.stringify({ stream: 'btcusdt@trade', data: v })))
/** One line of a file: no line breaks inside. */
const oneLine = (s: string): string => s.replace(/[\r\n\u2028\u2029]/g, ' ')

/** A sink that counts what reaches it, behind the validation bridge. */
function countingBridge(): { bridge: ValidationBridge; sink: CollectingSink } {
  const sink = new CollectingSink()
  return { sink, bridge: new ValidationBridge(sink, { instruments: 2, venues: 2 }) }
}
const accepted = (b: ValidationBridge): number => Object.values(b.counts.accepted).reduce((a, n) => a + n, 0)

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('fuzzing the feed parsers', () => {
  it('prop_csv_rows: any line is one event or one counted rejection, never a throw', () => {
    const symbols = testSymbols()
    fc.assert(
      fc.property(fc.constantFrom(...CSV_KINDS), fc.array(fc.oneof(mutated(REAL_CSV), randomText, fc.constantFrom(...REAL_CSV)), { maxLength: 40 }), (kind, rows) => {
        const { bridge } = countingBridge()
        const parser = new CsvRowParser(kind, symbols, 0, 1)
        parser.parse('header,row')
        let expected = 0
        for (const row of rows) {
          const result = parser.parse(row)
          if (result === 'blank') continue
          expected++
          if (result === 'trade') bridge.trade(parser.trade)
          else if (result === 'quote') bridge.quote(parser.quote)
          else if (result === 'rejected') bridge.reject(parser.reason, { row })
          else throw new Error(`a later line was taken for a header: ${row}`)
        }
        expect(accepted(bridge) + bridge.rejectedTotal).toBe(expected)
      }),
      { numRuns: 400 },
    )
  })

  it('prop_csv_replay: a file of mutated and random lines replays to the end with every line accounted for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-fuzz-'))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(mutated(REAL_CSV.slice(0, 50)), randomText, fc.constantFrom(...REAL_CSV.slice(0, 50))), { minLength: 1, maxLength: 60 }), async (rows) => {
        const body = rows.map(oneLine)
        const file = join(dir, 'BTCUSDT-aggTrades-2026-01-01.csv')
        writeFileSync(file, ['agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker', ...body].join('\n'))
        const { bridge } = countingBridge()
        await new CsvReplaySource({ file, symbols: testSymbols(), venue: 'binance', clock: new ManualClock(0) }).start(bridge)
        expect(accepted(bridge) + bridge.rejectedTotal).toBe(body.filter((l) => l.trim() !== '').length)
      }),
      { numRuns: 60 },
    )
  })

  it('refuses decimals too long or with huge exponents before parsing them, at once', () => {
    const symbols = testSymbols()
    const started = performance.now()
    expect(symbols.priceTicks(0, '87648.21e9999999')).toEqual({ ok: false, reason: 'malformed' })
    expect(symbols.sizeLots(0, '1'.repeat(31))).toEqual({ ok: false, reason: 'malformed' })
    expect(symbols.priceTicks(0, '8764821e-2')).toEqual({ ok: true, steps: 8764821 })
    expect(symbols.priceTicks(0, 5e-324)).toEqual({ ok: false, reason: 'malformed' })
    expect(performance.now() - started).toBeLessThan(50)
  })

  it('prop_stream_frames: any frame is an event, a control reply or one counted rejection, never a throw', () => {
    const symbols = testSymbols()
    fc.assert(
      fc.property(fc.array(fc.oneof(mutated(REAL_FRAMES), randomJson, randomText, fc.constantFrom(...REAL_FRAMES)), { maxLength: 30 }), (frames) => {
        const { bridge } = countingBridge()
        const parser = new BinanceStreamParser(symbols, 1, new ManualClock(0))
        for (const frame of frames) {
          const before = accepted(bridge) + bridge.rejectedTotal
          const result = parser.parse(frame, bridge)
          if (result === 'rejected') bridge.reject(parser.reason, { frame })
          const after = accepted(bridge) + bridge.rejectedTotal
          if (result === 'control') expect(after).toBe(before)
          else if (result === 'rejected') expect(after).toBe(before + 1)
          else expect(result).toBe('event')
        }
      }),
      { numRuns: 500 },
    )
  })

  it('prop_sentiment_records: any record is one sentiment or one counted rejection, never a throw', () => {
    const symbols = testSymbols()
    const scorer = { score: (text: string) => (text.length % 3) - 1 }
    fc.assert(
      fc.property(fc.array(fc.oneof(mutated(REAL_RECORDS), randomJson, randomText), { maxLength: 30 }), fc.boolean(), (records, withScorer) => {
        const { bridge } = countingBridge()
        const parser = new SentimentRecordParser(symbols, new ManualClock(0), withScorer ? scorer : undefined)
        for (const record of records) if (parser.parse(record, bridge) === 'rejected') bridge.reject(parser.reason, { record })
        expect(accepted(bridge) + bridge.rejectedTotal).toBe(records.length)
      }),
      { numRuns: 400 },
    )
  })

  it('prop_bridge: any event object, however broken, is forwarded or counted, never thrown', () => {
    const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, 0.5))
    const { bridge } = countingBridge()
    let sent = 0
    fc.assert(
      fc.property(
        fc.constantFrom<keyof FeedSink>('quote', 'trade', 'bookDelta', 'bookSnapshot', 'sentiment'),
        fc.dictionary(
          fc.constantFrom('tsNs', 'instrumentId', 'venueId', 'bidPriceTicks', 'askPriceTicks', 'bidSizeLots', 'askSizeLots', 'venueSequence', 'priceTicks', 'sizeLots', 'side', 'action', 'aggressor', 'venueTradeId', 'score', 'firstVenueSequence'),
          num,
        ),
        fc.oneof(fc.array(fc.record({ priceTicks: num, sizeLots: num, orderCount: num }), { maxLength: 4 }), fc.constantFrom(undefined, null, 5, 'levels')),
        (kind, fields, levels) => {
          const event = { headline: 'h', bids: levels, asks: Array.isArray(levels) ? [...levels].reverse() : levels, ...fields }
          ;(bridge[kind] as (e: unknown) => void)(event)
          sent++
          expect(accepted(bridge) + bridge.rejectedTotal).toBe(sent)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('a WebSocket source fed garbage over a real socket stays connected and counts every bad frame', async () => {
    const frames = fc.sample(fc.oneof(mutated(REAL_FRAMES), randomJson, randomText, fc.constantFrom(...REAL_FRAMES)), { numRuns: 400, seed: 7 })
    const binary = fc.sample(fc.uint8Array({ maxLength: 64 }), { numRuns: 50, seed: 8 })
    // The count to expect, from a parser of its own: every frame the parser refuses must be counted once.
    const symbols = testSymbols()
    const referee = new BinanceStreamParser(symbols, 1, new ManualClock(0))
    const nowhere = new CollectingSink()
    const all = [...frames, ...binary.map((b) => Buffer.from(b).toString('utf8'))]
    const expectedRejections = all.filter((f) => referee.parse(f, nowhere) === 'rejected').length
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((r) => server.once('listening', r))
    cleanups.push(() => new Promise((r) => server.close(() => r())))
    server.on('connection', (socket) => {
      for (const f of frames) socket.send(f)
      for (const b of binary) socket.send(Buffer.from(b), { binary: true })
      socket.send('{"result":null,"id":"end"}')
    })
    const { bridge } = countingBridge()
    const source = new WebSocketSource({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, parser: new BinanceStreamParser(symbols, 1, new ManualClock(0)) })
    const running = source.start(bridge)
    cleanups.push(async () => {
      await source.stop()
      await running
    })
    await until(() => source.counters.frames === all.length + 1, 10_000, 'every frame')
    expect(source.counters).toMatchObject({ connects: 1, drops: 0, rejectedFrames: expectedRejections })
    expect(bridge.counts.rejected.malformed).toBeGreaterThan(0)
    expect(source.state).toBe('open')
  })
})
