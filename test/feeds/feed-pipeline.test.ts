import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { ManualClock, monotonicClock } from '../../src/clock/clock.js'
import { ringPayloadBytes } from '../../src/cycle/topology.js'
import { FeedPipeline, SymbolTable, createFeedSource } from '../../src/feeds/index.js'
import { DEFAULT_INSTRUMENT_SPECS } from '../../src/market/instrument-spec.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { MessageType, Trade } from '../../src/schemas/index.js'
import { testSymbols, until } from './helper.js'

const AGG_TRADES = fileURLToPath(new URL('../../../shared/data/crypto/BTCUSDT-aggTrades-2026-01-01.first5000.csv', import.meta.url))
const LOBSTER_MESSAGES = fileURLToPath(new URL('../../../shared/data/lobster/AAPL_2012-06-21_34200000_57600000_message_10.csv', import.meta.url))

function market(capacity: number) {
  const ring = RingBuffer.create({ capacity, maxPayloadBytes: ringPayloadBytes('market') })
  return { sequencer: new SingleProducerSequencer(ring), consumer: new RingConsumer(ring, 0) }
}

describe('feed pipeline', () => {
  it('runs a CSV source from its spec through bridge and signals into a ring a slow reader drains', async () => {
    const { sequencer, consumer } = market(1024)
    const clock = new ManualClock(0)
    const source = createFeedSource({ type: 'csv', file: AGG_TRADES, venue: 'binance' }, { symbols: testSymbols(), clock })
    const pipeline = new FeedPipeline(source, { instruments: 2, venues: 2, sequencer, clock })
    const ids: number[] = []
    const trade = new Trade()
    const read = (): void =>
      void consumer.drain((ring, _s, type, offset) => {
        expect(type).toBe(MessageType.Trade)
        ids.push(trade.__init(offset, ring.byteBuffer).venueTradeId())
      })
    await pipeline.start()
    // The ring holds 1024: the rest waits in the backlog until the reader catches up.
    for (let step = 0; step < 20 && (pipeline.flush() > 0 || consumer.available() > 0); step++) read()
    expect(ids).toEqual(Array.from({ length: 5000 }, (_, k) => 3800397495 + k))
    const counters: Record<string, number> = {}
    pipeline.writeCounters(counters)
    expect(counters).toMatchObject({ accepted_trade: 5000, rejected_malformed: 0, ring_trades: 5000, ring_overflowed: 0, ring_backlog: 0, trade_id_gaps: 0 })
    expect(counters['ring_backlogged']).toBe(5000 - 1024)
    expect(pipeline.signals.reading(0, 1).trades).toBe(5000)
  })

  it('replays as fast as the slowest reader takes it, losing nothing, when the ring is small', async () => {
    const { sequencer, consumer } = market(64)
    const clock = new ManualClock(0)
    const source = createFeedSource({ type: 'csv', file: AGG_TRADES, venue: 'binance', pace: { mode: 'fast' } }, { symbols: testSymbols(), clock })
    const pipeline = new FeedPipeline(source, { instruments: 2, venues: 2, sequencer, clock, backlogMessages: 256 })
    const trade = new Trade()
    const ids: number[] = []
    // A reader that takes at most 32 messages every 2 ms.
    const reader = setInterval(() => consumer.drain((ring, _s, _t, offset) => void ids.push(trade.__init(offset, ring.byteBuffer).venueTradeId()), 32), 2)
    await pipeline.start()
    await until(() => (pipeline.flush(), ids.length === 5000), 20_000, 'every trade read')
    clearInterval(reader)
    expect(ids).toEqual(Array.from({ length: 5000 }, (_, k) => 3800397495 + k))
    expect(pipeline.ring.counts).toMatchObject({ trades: 5000, overflowed: 0 })
    expect(pipeline.ring.counts.backlogged).toBeGreaterThan(0)
  })

  it('runs a Binance WebSocket source from its spec against a real server', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((r) => server.once('listening', r))
    const requests: unknown[] = []
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        requests.push(JSON.parse(String(data)))
        for (let t = 1; t <= 3; t++) socket.send(JSON.stringify({ stream: 'ethusdt@trade', data: { e: 'trade', s: 'ETHUSDT', t, p: '3000.01', q: '0.5', m: false } }))
      }),
    )
    const { sequencer, consumer } = market(64)
    const source = createFeedSource({ type: 'binance-ws', url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, venue: 'sim-b', streams: ['ethusdt@trade'] }, { symbols: testSymbols() })
    expect(source.name).toBe('binance-ws:sim-b')
    const pipeline = new FeedPipeline(source, { instruments: 2, venues: 2, sequencer, clock: monotonicClock, maxAgeNs: 5e9 })
    const running = pipeline.start()
    const trade = new Trade()
    const got: [number, number, number][] = []
    await until(() => {
      consumer.drain((ring, _s, _t, offset) => void got.push([trade.__init(offset, ring.byteBuffer).instrumentId(), trade.venueId(), trade.venueTradeId()]))
      return got.length === 3
    })
    expect(got).toEqual([
      [1, 2, 1],
      [1, 2, 2],
      [1, 2, 3],
    ])
    expect(requests).toEqual([{ method: 'SUBSCRIBE', params: ['ethusdt@trade'], id: 1 }])
    await pipeline.stop()
    await running
    await new Promise((r) => server.close(r))
  })

  it('runs a LOBSTER replay from its spec, finding the order-book file beside the messages', async () => {
    const { sequencer, consumer } = market(4096)
    const clock = new ManualClock(0)
    const symbols = new SymbolTable([DEFAULT_INSTRUMENT_SPECS['AAPL']!], ['nasdaq'])
    const source = createFeedSource({ type: 'lobster', messageFile: LOBSTER_MESSAGES, venue: 'nasdaq' }, { symbols, clock })
    const pipeline = new FeedPipeline(source, { instruments: 1, venues: 1, sequencer, clock })
    await pipeline.start()
    const types = new Map<number, number>()
    consumer.drain((_ring, _s, type) => void types.set(type, (types.get(type) ?? 0) + 1))
    expect(types.get(MessageType.Trade)).toBe(159)
    expect(types.get(MessageType.BookDelta)).toBe(pipeline.ring.counts.bookDeltas)
    expect(pipeline.bridge.rejectedTotal).toBe(0)
  })

  it('refuses a spec naming a venue the run does not have', () => {
    expect(() => createFeedSource({ type: 'binance-ws', url: 'ws://127.0.0.1:1', venue: 'nowhere', streams: [] }, { symbols: testSymbols() })).toThrow('venue nowhere is not a configured venue')
  })
})
