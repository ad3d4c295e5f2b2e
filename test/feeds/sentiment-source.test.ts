import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { ManualClock } from '../../src/clock/clock.js'
import { MARKET_WIDE_INSTRUMENT } from '../../src/feeds/feed-source.js'
import { WinkHeadlineScorer } from '../../src/feeds/headline-scorer.js'
import { SentimentFileSource, sentimentWebSocketSource } from '../../src/feeds/sentiment-source.js'
import { ValidationBridge } from '../../src/feeds/validation/validation-bridge.js'
import { CollectingSink, testSymbols, until } from './helper.js'

const HEADLINES = fileURLToPath(new URL('../fixtures/feeds/headlines.jsonl', import.meta.url))

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('sentiment source', () => {
  it('replays scored headlines from JSON lines, rejecting what the run cannot use', async () => {
    const sink = new CollectingSink()
    const source = new SentimentFileSource({ file: HEADLINES, symbols: testSymbols(), clock: new ManualClock(0) })
    await source.start(sink)
    expect(sink.sentiments).toEqual([
      { tsNs: 0, instrumentId: 0, score: 0.62, headline: 'Bitcoin ETF inflows hit a record' },
      { tsNs: 2.5e9, instrumentId: MARKET_WIDE_INSTRUMENT, score: -0.2, headline: 'Regulators weigh new rules for exchanges' },
      { tsNs: 6e9, instrumentId: 0, score: -1.5, headline: 'Exchange hack drains hot wallet' },
      { tsNs: 10e9, instrumentId: 0, score: -0.45, headline: 'Bitcoin slips after crash in futures' },
    ])
    // Line 3 has no score and there is no scorer; 4 is not JSON; 5 names an instrument not traded; 6 has no text.
    expect(sink.rejects.map((r) => [r.reason, r.detail['line']])).toEqual([
      ['malformed', 3],
      ['malformed', 4],
      ['unknown_instrument', 5],
      ['malformed', 6],
    ])
  })

  it('scores text-only records with the scorer, and the bridge refuses a score out of range', async () => {
    const sink = new CollectingSink()
    const bridge = new ValidationBridge(sink, { instruments: 2, venues: 1 })
    const scorer = new WinkHeadlineScorer()
    await new SentimentFileSource({ file: HEADLINES, symbols: testSymbols(), clock: new ManualClock(0), scorer }).start(bridge)
    // "Ether upgrade a huge success": wink-sentiment's normalized 1.5, over AFINN's 5.
    expect(sink.sentiments.find((s) => s.instrumentId === 1)).toEqual({ tsNs: 3e9, instrumentId: 1, score: 0.3, headline: 'Ether upgrade a huge success' })
    expect(sink.sentiments.map((s) => s.score)).toEqual([0.62, -0.2, 0.3, -0.45])
    expect(bridge.counts.rejected).toMatchObject({ score_out_of_range: 1, malformed: 2, unknown_instrument: 1 })
    expect(scorer.score('Markets rally on strong jobs data')).toBe(0.4)
    expect(scorer.score('Not good: losses widen')).toBe(-0.6)
    expect(scorer.score('...')).toBe(0)
  })

  it('paces a replay by the records times', async () => {
    const clock = new ManualClock(0)
    const sink = new CollectingSink()
    const sleep = async (ms: number): Promise<void> => clock.advanceNs(ms * 1e6)
    const source = new SentimentFileSource({ file: HEADLINES, symbols: testSymbols(), clock, sleep, pace: { mode: 'recorded', speed: 2 } })
    await source.start(sink)
    expect(sink.sentiments.map((s) => s.tsNs)).toEqual([0, 1.25e9, 3e9, 5e9])
    expect(clock.nowNs()).toBe(5e9)
  })

  it('reads records from a real WebSocket server, stamped on arrival', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((r) => server.once('listening', r))
    cleanups.push(() => new Promise((r) => server.close(() => r())))
    server.on('connection', (socket) => {
      socket.send(JSON.stringify({ ts: Date.now(), symbol: 'ETHUSDT', headline: 'Ether upgrade a huge success' }))
      socket.send('{"ts":')
      socket.send(JSON.stringify({ ts: Date.now(), headline: 'Markets calm', score: 0 }))
    })
    const clock = new ManualClock(77)
    const sink = new CollectingSink()
    const source = sentimentWebSocketSource({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, symbols: testSymbols(), clock, scorer: new WinkHeadlineScorer() })
    const running = source.start(sink)
    cleanups.push(async () => {
      await source.stop()
      await running
    })
    await until(() => sink.sentiments.length === 2, 5000, 'two headlines')
    expect(sink.sentiments).toEqual([
      { tsNs: 77, instrumentId: 1, score: 0.3, headline: 'Ether upgrade a huge success' },
      { tsNs: 77, instrumentId: MARKET_WIDE_INSTRUMENT, score: 0, headline: 'Markets calm' },
    ])
    expect(sink.rejectCounts()).toEqual({ malformed: 1 })
    expect(source.name).toMatch(/^sentiment:ws:\/\/127\.0\.0\.1:\d+$/)
  })
})
