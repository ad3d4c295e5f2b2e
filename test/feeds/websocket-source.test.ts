import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { monotonicClock } from '../../src/clock/clock.js'
import { Xoshiro128 } from '../../src/random/seeded-random.js'
import type { FeedRejectReason } from '../../src/feeds/feed-source.js'
import { BinanceStreamParser } from '../../src/feeds/binance-stream-parser.js'
import { reconnectDelayMs } from '../../src/feeds/reconnect-backoff.js'
import { ValidationBridge } from '../../src/feeds/validation/validation-bridge.js'
import { nextConnectionState } from '../../src/feeds/websocket-connection-state.js'
import { WebSocketSource, binanceSubscribeFrame } from '../../src/feeds/websocket-source.js'
import { BookAction, Side } from '../../src/schemas/index.js'
import { CollectingSink, testSymbols, until } from './helper.js'

const STREAMS = ['btcusdt@trade', 'btcusdt@bookTicker', 'btcusdt@depth@100ms']

const tradeFrame = (id: number): string =>
  JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', E: Date.now(), s: 'BTCUSDT', t: id, p: '87648.21000000', q: `0.${String(id).padStart(5, '0')}`, T: Date.now(), m: id % 2 === 0, M: true } })

/** A venue stand-in: acknowledges subscriptions and records them, hands each connection to the test. */
class MarketServer {
  readonly server: WebSocketServer
  readonly subscriptions: unknown[] = []
  readonly connections: WebSocket[] = []
  onSubscribe: (socket: WebSocket) => void = () => {}

  constructor(port = 0) {
    this.server = new WebSocketServer({ host: '127.0.0.1', port })
    this.server.on('connection', (socket) => {
      this.connections.push(socket)
      socket.on('message', (data) => {
        const request = JSON.parse(String(data)) as { method: string; id: number }
        this.subscriptions.push(request)
        socket.send(JSON.stringify({ result: null, id: request.id }))
        this.onSubscribe(socket)
      })
    })
  }

  async listening(): Promise<number> {
    if (this.server.address() === null) await new Promise((r) => this.server.once('listening', r))
    return (this.server.address() as AddressInfo).port
  }

  close(): Promise<void> {
    for (const c of this.server.clients) c.terminate()
    return new Promise((r) => this.server.close(() => r()))
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function client(port: number, sink: CollectingSink, extra: Partial<ConstructorParameters<typeof WebSocketSource>[0]> = {}) {
  const symbols = testSymbols()
  const source = new WebSocketSource({
    url: `ws://127.0.0.1:${port}/stream`,
    parser: new BinanceStreamParser(symbols, symbols.venueId('binance'), monotonicClock),
    subscribeFrames: [binanceSubscribeFrame(STREAMS)],
    backoff: { initialMs: 40, maxMs: 400 },
    random: () => 0.5,
    ...extra,
  })
  const running = source.start(sink)
  cleanups.push(async () => {
    await source.stop()
    await running
  })
  return source
}

describe('WebSocket source against a real ws server', () => {
  it('reads trades, book tickers, depth updates and partial depth in Binance shapes', async () => {
    const market = new MarketServer()
    cleanups.push(() => market.close())
    market.onSubscribe = (socket) => {
      socket.send(tradeFrame(7))
      socket.send(JSON.stringify({ stream: 'btcusdt@bookTicker', data: { u: 400900217, s: 'BTCUSDT', b: '87648.21', B: '1.5', a: '87648.22', A: '0.25' } }))
      socket.send(JSON.stringify({ stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: Date.now(), s: 'BTCUSDT', U: 157, u: 160, b: [['87648.20', '0.01'], ['87648.10', '0']], a: [['87648.30', '2']] } }))
      socket.send(JSON.stringify({ stream: 'ethusdt@depth5@100ms', data: { lastUpdateId: 99, bids: [['3000.01', '1.0000']], asks: [['3000.02', '0.5'], ['3000.05', '2']] } }))
    }
    const sink = new CollectingSink()
    client(await market.listening(), sink)
    await until(() => sink.snapshots.length === 1, 5000, 'the snapshot')
    expect(sink.trades).toEqual([{ tsNs: sink.trades[0]!.tsNs, instrumentId: 0, venueId: 1, aggressor: Side.Buy, priceTicks: 8764821, sizeLots: 7, venueTradeId: 7 }])
    expect(sink.quotes).toEqual([
      { tsNs: sink.quotes[0]!.tsNs, instrumentId: 0, venueId: 1, bidPriceTicks: 8764821, bidSizeLots: 150000, askPriceTicks: 8764822, askSizeLots: 25000, venueSequence: 400900217 },
    ])
    expect(sink.deltas.map((d) => [d.side, d.action, d.priceTicks, d.sizeLots, d.firstVenueSequence, d.venueSequence])).toEqual([
      [Side.Buy, BookAction.Set, 8764820, 1000, 157, 160],
      [Side.Buy, BookAction.Delete, 8764810, 0, 157, 160],
      [Side.Sell, BookAction.Set, 8764830, 200000, 157, 160],
    ])
    expect(sink.snapshots[0]).toMatchObject({
      instrumentId: 1,
      venueId: 1,
      venueSequence: 99,
      bids: [{ priceTicks: 300001, sizeLots: 10000, orderCount: 0 }],
      asks: [
        { priceTicks: 300002, sizeLots: 5000, orderCount: 0 },
        { priceTicks: 300005, sizeLots: 20000, orderCount: 0 },
      ],
    })
    expect(sink.rejects).toEqual([])
    expect(market.subscriptions).toEqual([{ method: 'SUBSCRIBE', params: STREAMS, id: 1 }])
  })

  it('after the server drops it, reconnects with backoff, resubscribes, and loses nothing sent after', async () => {
    const market = new MarketServer()
    cleanups.push(() => market.close())
    let next = 1
    let dropAt = 0
    market.onSubscribe = (socket) => {
      const first = next
      for (; next < first + 50; next++) socket.send(tradeFrame(next))
      if (market.connections.length === 1) {
        // Drop once everything is on the wire: the connection dies without a close frame.
        setTimeout(() => {
          dropAt = performance.now()
          socket.terminate()
        }, 20)
      }
    }
    const sink = new CollectingSink()
    const bridge = new ValidationBridge(sink, { instruments: 2, venues: 2 })
    const symbols = testSymbols()
    const source = new WebSocketSource({
      url: `ws://127.0.0.1:${await market.listening()}/stream`,
      parser: new BinanceStreamParser(symbols, 1, monotonicClock),
      subscribeFrames: [binanceSubscribeFrame(STREAMS)],
      backoff: { initialMs: 200, maxMs: 2000 },
      random: () => 0.5,
    })
    let reconnectedAt = 0
    market.server.on('connection', () => void (reconnectedAt = performance.now()))
    const running = source.start(bridge)
    cleanups.push(async () => {
      await source.stop()
      await running
    })
    await until(() => sink.trades.length === 100, 5000, '100 trades over two connections')
    expect(sink.trades.map((t) => t.venueTradeId)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1))
    expect(source.counters).toMatchObject({ connects: 2, drops: 1, resubscribes: 1, failedAttempts: 0, rejectedFrames: 0 })
    expect(market.subscriptions).toEqual([
      { method: 'SUBSCRIBE', params: STREAMS, id: 1 },
      { method: 'SUBSCRIBE', params: STREAMS, id: 1 },
    ])
    // The first wait after a drop: 3/4 of the 200 ms ceiling with this jitter.
    expect(source.lastBackoffMs).toBe(150)
    expect(reconnectedAt - dropAt).toBeGreaterThanOrEqual(145)
    expect(bridge.rejectedTotal).toBe(0)
    expect(bridge.counts.tradeIdGaps).toBe(0)
  })

  it('backs off exponentially while the server is down and connects when it comes up', async () => {
    const probe = new MarketServer()
    const port = await probe.listening()
    await probe.close()
    const sink = new CollectingSink()
    const source = client(port, sink, { backoff: { initialMs: 40, maxMs: 160 } })
    const waits: number[] = []
    await until(() => {
      if (waits.at(-1) !== source.lastBackoffMs && !Number.isNaN(source.lastBackoffMs)) waits.push(source.lastBackoffMs)
      return source.counters.failedAttempts >= 4
    }, 5000, 'four failed attempts')
    expect(waits.slice(0, 3)).toEqual([30, 60, 120])
    expect(source.state === 'backoff' || source.state === 'connecting').toBe(true)
    const market = new MarketServer(port)
    cleanups.push(() => market.close())
    market.onSubscribe = (socket) => socket.send(tradeFrame(1))
    await until(() => sink.trades.length === 1, 5000, 'a trade once the server is up')
    expect(source.counters.connects).toBe(1)
    expect(source.counters.resubscribes).toBe(0)
  })

  it('reconnects a connection that goes silent past idleTimeoutMs', async () => {
    const market = new MarketServer()
    cleanups.push(() => market.close())
    // The server acknowledges, then says nothing.
    const sink = new CollectingSink()
    const source = client(await market.listening(), sink, { idleTimeoutMs: 100 })
    await until(() => source.counters.connects >= 2, 5000, 'a reconnect after silence')
    expect(source.counters.idleTimeouts).toBeGreaterThanOrEqual(1)
    expect(source.counters.resubscribes).toBeGreaterThanOrEqual(1)
  })

  it('stamped with venue time, frames the venue sent too long ago are rejected as stale', async () => {
    const market = new MarketServer()
    cleanups.push(() => market.close())
    market.onSubscribe = (socket) => {
      for (const [t, ageMs] of [[1, 10_000], [2, 7_000], [3, 100], [4, 50]]) {
        socket.send(JSON.stringify({ data: { e: 'trade', E: Date.now() - ageMs!, s: 'BTCUSDT', t, p: '87648.21', q: '0.1', m: true } }))
      }
    }
    const sink = new CollectingSink()
    const bridge = new ValidationBridge(sink, { instruments: 2, venues: 2, clock: monotonicClock, maxAgeNs: 5e9 })
    const parser = new BinanceStreamParser(testSymbols(), 1, monotonicClock, 'venue')
    const source = new WebSocketSource({ url: `ws://127.0.0.1:${await market.listening()}`, parser, subscribeFrames: [binanceSubscribeFrame(STREAMS)] })
    const running = source.start(bridge)
    cleanups.push(async () => {
      await source.stop()
      await running
    })
    await until(() => source.counters.frames === 5, 5000, 'every frame')
    expect(sink.trades.map((t) => t.venueTradeId)).toEqual([3, 4])
    expect(bridge.counts.rejected.stale).toBe(2)
    expect(parser.venueDelayMs).toBeGreaterThanOrEqual(50)
    expect(monotonicClock.nowNs() - sink.trades[1]!.tsNs).toBeGreaterThanOrEqual(49e6)
  })

  it('drops a connection that sends a frame over maxFrameBytes, and comes back', async () => {
    const market = new MarketServer()
    cleanups.push(() => market.close())
    market.onSubscribe = (socket) => {
      if (market.connections.length === 1) socket.send('x'.repeat(2048))
      else socket.send(tradeFrame(1))
    }
    const sink = new CollectingSink()
    const source = client(await market.listening(), sink, { maxFrameBytes: 1024 })
    await until(() => sink.trades.length === 1, 5000, 'a trade after the reconnect')
    expect(source.counters).toMatchObject({ connects: 2, drops: 1, resubscribes: 1 })
  })

  it('rejects bad frames with a reason and keeps the connection', async () => {
    const market = new MarketServer()
    cleanups.push(() => market.close())
    market.onSubscribe = (socket) => {
      socket.send('{not json')
      socket.send(JSON.stringify({ stream: 'xrpusdt@trade', data: { e: 'trade', s: 'XRPUSDT', t: 1, p: '1', q: '1', m: true } }))
      socket.send(JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', s: 'BTCUSDT', t: 2, p: '87648.215', q: '1', m: true } }))
      socket.send(JSON.stringify({ stream: 'btcusdt@depth', data: { e: 'depthUpdate', s: 'BTCUSDT', U: 1, u: 2, b: [['87648.20', '1'], ['87648.10', '-x']], a: [] } }))
      socket.send(JSON.stringify({ error: { code: 2, msg: 'Invalid request' }, id: 1 }))
      socket.send(Buffer.from(tradeFrame(3)))
    }
    const sink = new CollectingSink()
    const symbols = testSymbols()
    const parser = new BinanceStreamParser(symbols, 1, monotonicClock)
    const source = client(await market.listening(), sink, { parser })
    await until(() => sink.trades.length === 1, 5000, 'the good trade')
    expect(sink.rejectCounts()).toEqual({ malformed: 2, unknown_instrument: 1, off_tick_grid: 1 })
    expect(sink.deltas).toEqual([])
    expect(source.counters).toMatchObject({ rejectedFrames: 4, drops: 0 })
    expect(parser.requestErrors).toBe(1)
  })

  it('fed 10% garbage over a real socket, keeps every good message and counts every bad one by reason', async () => {
    const rng = Xoshiro128.fromSeed(99)
    const garbage: [FeedRejectReason, (id: number) => string][] = [
      ['malformed', () => '{"stream":"btcusdt@trade","data":{"e":"trade"'],
      ['off_tick_grid', (id) => JSON.stringify({ data: { e: 'trade', s: 'BTCUSDT', t: id, p: '87648.215', q: '0.1', m: true } })],
      ['unknown_instrument', (id) => JSON.stringify({ data: { e: 'trade', s: 'DOGEUSDT', t: id, p: '0.1', q: '1', m: true } })],
      ['crossed', (id) => JSON.stringify({ data: { u: id, s: 'BTCUSDT', b: '87650.00', B: '1', a: '87649.99', A: '1' } })],
      ['stale_sequence', (id) => JSON.stringify({ data: { e: 'trade', s: 'BTCUSDT', t: id - 1, p: '87648.21', q: '0.1', m: true } })],
      ['not_finite', (id) => JSON.stringify({ data: { e: 'trade', s: 'BTCUSDT', t: id, p: 'NaN', q: '0.1', m: true } })],
    ]
    const frames: string[] = []
    const expected: Partial<Record<FeedRejectReason, number>> = {}
    let tradeId = 1000
    let bookId = 1
    const good: number[] = []
    for (let k = 0; k < 3000; k++) {
      if (rng.nextFloat() < 0.1) {
        const [reason, make] = garbage[rng.nextBelow(garbage.length)]!
        expected[reason] = (expected[reason] ?? 0) + 1
        frames.push(make(tradeId))
      } else if (rng.nextBelow(2) === 0) {
        good.push(++tradeId)
        frames.push(tradeFrame(tradeId))
      } else {
        frames.push(JSON.stringify({ data: { u: ++bookId, s: 'BTCUSDT', b: '87648.21', B: '1', a: '87648.22', A: '2' } }))
      }
    }
    const market = new MarketServer()
    cleanups.push(() => market.close())
    market.onSubscribe = (socket) => {
      for (const f of frames) socket.send(f)
    }
    const sink = new CollectingSink()
    const bridge = new ValidationBridge(sink, { instruments: 2, venues: 2 })
    const symbols = testSymbols()
    const source = new WebSocketSource({ url: `ws://127.0.0.1:${await market.listening()}`, parser: new BinanceStreamParser(symbols, 1, monotonicClock), subscribeFrames: [binanceSubscribeFrame(STREAMS)] })
    const running = source.start(bridge)
    cleanups.push(async () => {
      await source.stop()
      await running
    })
    await until(() => source.counters.frames === frames.length + 1, 10_000, 'every frame')
    expect(sink.trades.map((t) => t.venueTradeId)).toEqual(good)
    expect(sink.quotes.map((q) => q.venueSequence)).toEqual(Array.from({ length: bookId - 1 }, (_, k) => k + 2))
    expect(Object.fromEntries(Object.entries(bridge.counts.rejected).filter(([, n]) => n > 0))).toEqual(expected)
    expect(bridge.rejectedTotal).toBeGreaterThan(250)
  })

  it('computes growing jittered waits and refuses impossible transitions', () => {
    expect([0, 1, 2, 3, 10].map((a) => reconnectDelayMs(a, { initialMs: 100, maxMs: 1000 }, 0))).toEqual([50, 100, 200, 400, 500])
    expect(reconnectDelayMs(2, { initialMs: 100, maxMs: 1000 }, 0.999)).toBeCloseTo(399.8)
    expect(() => nextConnectionState('idle', 'opened')).toThrow('a WebSocket feed cannot go from idle on opened')
    expect(() => new WebSocketSource({ url: 'http://127.0.0.1:1', parser: { parse: () => 'event', reason: 'malformed' } })).toThrow('feed url must be a ws: or wss: URL, got "http://127.0.0.1:1"')
    expect(() => new WebSocketSource({ url: 'not a url', parser: { parse: () => 'event', reason: 'malformed' } })).toThrow('feed url must be a ws: or wss: URL, got "not a url"')
    expect(() => new WebSocketSource({ url: 'ws://x', parser: { parse: () => 'event', reason: 'malformed' }, backoff: { initialMs: 10, maxMs: 5 } })).toThrow(
      'backoff.maxMs must be at least backoff.initialMs (10), got 5',
    )
  })
})
