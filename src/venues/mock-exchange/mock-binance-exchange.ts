import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { monotonicClock, type Clock } from '../../clock/clock.js'
import { WavesError } from '../../errors/index.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import type { Side } from '../../schemas/index.js'
import type { MatchingEngine } from '../sim/matching-engine.js'
import { BINANCE_ERRORS, type BinanceError } from './binance-errors.js'
import { faultProcesses, FaultPlan, type Fault } from './fault-plan.js'
import { MarketFeedSink } from './market-feed-sink.js'
import { MockVenue, type MockInstrument } from './mock-venue.js'
import { signatureMatches, signedPayloadOf } from './request-signature.js'
import { REST_ROUTES, type RouteAnswer } from './rest-routes.js'
import { StreamHub } from './stream-hub.js'

export interface MockBinanceExchangeOptions {
  /** The listed instruments, in instrument-id order (the engine's order). */
  instruments: readonly InstrumentSpec[]
  /** The matching engine orders go to; built over the same instruments. */
  engine: MatchingEngine
  apiKey: string
  secret: string
  /** Starting balances by asset, decimal text. */
  balances?: Readonly<Record<string, string>>
  /** The engine's clock (order and market-data timestamps). Default: the monotonic clock. */
  clock?: Clock
  /** Loopback port; 0 (default) picks a free one. */
  port?: number
}

/** Where ccxt must point: REST base (`…/api/v3`), market streams base, WebSocket API. */
export interface MockBinanceUrls {
  rest: string
  ws: string
  wsApi: string
  /** The origin alone, for URLs the client should never use. */
  origin: string
}

export interface MockExchangeCounters {
  /** Requests answered (or faulted), by 'METHOD /path'. */
  served: Map<string, number>
  /** Requests to paths the mock does not serve: a client reaching for another API. */
  unexpected: string[]
  signatureRejects: number
  apiKeyRejects: number
}

/**
 * A local Binance spot exchange on loopback: the REST API under `/api/v3`
 * and the WebSocket streams and WebSocket API, speaking Binance's shapes,
 * signatures and error codes closely enough that the unmodified ccxt client
 * trades against it. Orders go to the sim `MatchingEngine`; market data is
 * driven by the test (`setBookLevel`, `printTrade`) or a feed.
 *
 * Faults are programmable per route and per call (`faults.inject`), for
 * WebSocket connections too ('UPGRADE /ws-api/v3'), and `dropSockets` kills
 * every open WebSocket as a network fault would: an outage is both.
 */
export class MockBinanceExchange {
  readonly faults = new FaultPlan()
  readonly counters: MockExchangeCounters = { served: new Map(), unexpected: [], signatureRejects: 0, apiKeyRejects: 0 }
  readonly streams: StreamHub
  readonly venue: MockVenue
  readonly #options: MockBinanceExchangeOptions
  readonly #server: Server
  readonly #pending = new Set<NodeJS.Timeout>()
  #urls: MockBinanceUrls | undefined

  constructor(options: MockBinanceExchangeOptions) {
    if (options.instruments.length === 0) throw new WavesError('ERR_VENUE_CONFIG', 'the mock exchange needs at least one instrument', {})
    this.#options = options
    this.streams = new StreamHub(options.apiKey, options.secret)
    this.venue = new MockVenue(options.instruments, options.engine, this.streams, options.balances ?? {}, options.clock ?? monotonicClock, () => Date.now())
    this.#server = createServer((req, res) => this.#request(req, res))
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head))
  }

  async start(): Promise<MockBinanceUrls> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#options.port ?? 0, '127.0.0.1', () => resolve())
    })
    const { port } = this.#server.address() as AddressInfo
    const origin = `http://127.0.0.1:${port}`
    this.#urls = { origin, rest: `${origin}/api/v3`, ws: `ws://127.0.0.1:${port}/stream/ws`, wsApi: `ws://127.0.0.1:${port}/ws-api/v3` }
    return this.#urls
  }

  get urls(): MockBinanceUrls {
    if (this.#urls === undefined) throw new WavesError('ERR_VENUE_CONFIG', 'the mock exchange is not started', {})
    return this.#urls
  }

  async close(): Promise<void> {
    for (const timer of this.#pending) clearTimeout(timer)
    this.#pending.clear()
    this.streams.close()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /** Kills every WebSocket connection; returns how many. */
  dropSockets(): number {
    return this.streams.dropAll()
  }

  instrument(symbol: string): MockInstrument {
    const instrument = this.venue.instrument(symbol.replace(/[-/_]/g, ''))
    if (instrument === undefined) throw new WavesError('ERR_VENUE_CONFIG', `the mock exchange does not list ${symbol}`, { symbol })
    return instrument
  }

  /** Sets one level of the market's book (size 0: gone) and publishes the change. */
  setBookLevel(symbol: string, side: Side, priceTicks: number, sizeLots: number): void {
    this.venue.setBookLevel(this.instrument(symbol), side, priceTicks, sizeLots)
  }

  /** Prints a market trade and publishes it; own orders it reaches fill. */
  printTrade(symbol: string, aggressor: Side, priceTicks: number, sizeLots: number): void {
    this.venue.printTrade(this.instrument(symbol), aggressor, priceTicks, sizeLots)
  }

  /** A feed sink that drives this exchange's market from any feed source (instrument ids in listing order). */
  feedSink(): MarketFeedSink {
    const byId = (instrumentId: number): MockInstrument => {
      const instrument = this.venue.instruments[instrumentId]
      if (instrument === undefined) throw new WavesError('ERR_VENUE_CONFIG', `the mock exchange lists no instrument ${instrumentId}`, { instrumentId })
      return instrument
    }
    return new MarketFeedSink({
      setBookLevel: (id, side, priceTicks, sizeLots) => this.venue.setBookLevel(byId(id), side, priceTicks, sizeLots),
      printTrade: (id, aggressor, priceTicks, sizeLots) => this.venue.printTrade(byId(id), aggressor, priceTicks, sizeLots),
    })
  }

  served(route: string): number {
    return this.counters.served.get(route) ?? 0
  }

  #countServed(routeKey: string): void {
    this.counters.served.set(routeKey, this.served(routeKey) + 1)
  }

  /**
   * A WebSocket connection meets the fault plan as a request does, as
   * 'UPGRADE /path' (a '*' fault hits it too): a faulted one is refused, with
   * the fault's HTTP status or by dropping the connection, as an exchange in
   * an outage refuses its streams along with its REST API.
   */
  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const routeKey = `UPGRADE ${new URL(req.url ?? '/', 'http://127.0.0.1').pathname}`
    this.#countServed(routeKey)
    const fault = this.faults.take(routeKey)
    if (fault === undefined) this.streams.upgrade(req, socket, head)
    else if (fault.kind === 'status') socket.end(`HTTP/1.1 ${fault.status} ${STATUS_CODES[fault.status] ?? ''}\r\nConnection: close\r\n\r\n`)
    else socket.destroy()
  }

  #request(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => this.#dispatch(req, res, Buffer.concat(chunks).toString('utf8')))
  }

  #dispatch(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const routeKey = `${req.method ?? 'GET'} ${url.pathname}`
    const route = REST_ROUTES[routeKey]
    this.#countServed(routeKey)
    if (route === undefined) {
      this.counters.unexpected.push(routeKey)
      send(res, BINANCE_ERRORS.unknownRoute)
      return
    }
    const fault = this.faults.take(routeKey)
    const params = new URLSearchParams(url.search)
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value)
    const run = (): RouteAnswer => {
      if (route.signed) {
        const refused = this.#authenticate(req, url.search.slice(1), body, params)
        if (refused !== undefined) return refused
      }
      return route.handle(params, { venue: this.venue, specs: this.#options.instruments, nowMs: Date.now() })
    }
    if (fault === undefined) {
      send(res, run())
      return
    }
    this.#deliverFault(res, fault, run)
  }

  #deliverFault(res: ServerResponse, fault: Fault, run: () => RouteAnswer): void {
    const answer = faultProcesses(fault) ? run() : undefined
    switch (fault.kind) {
      case 'delay': {
        // Unprocessed, the request reaches the venue only when the delay is over: late, after the client gave up.
        const timer = setTimeout(() => {
          this.#pending.delete(timer)
          const late = answer ?? run()
          if (!res.destroyed) send(res, late)
        }, fault.delayMs)
        this.#pending.add(timer)
        return
      }
      case 'status': {
        const error = fault.status === 429 ? BINANCE_ERRORS.tooManyRequests : fault.status === 418 ? BINANCE_ERRORS.ipBanned : BINANCE_ERRORS.internal
        const headers: Record<string, string> = fault.retryAfterSec === undefined ? {} : { 'Retry-After': String(fault.retryAfterSec) }
        // Binance answers its own 500s in JSON; a gateway in front of it answers 502-504 in HTML.
        if (fault.status >= 500 && fault.status !== 500) {
          res.writeHead(fault.status, { 'Content-Type': 'text/html', ...headers }).end(`<html><body><h1>${fault.status} Bad Gateway</h1></body></html>`)
          return
        }
        send(res, { status: fault.status, body: error.body }, headers)
        return
      }
      case 'malformed': {
        const text = JSON.stringify((answer ?? { status: 200, body: {} }).body)
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' }).end(text.slice(0, Math.max(1, Math.floor(text.length / 2))))
        return
      }
      case 'drop':
        res.socket?.destroy()
        return
    }
  }

  /** Binance's checks in Binance's order: API key, signature, timestamp within the receive window. */
  #authenticate(req: IncomingMessage, query: string, body: string, params: URLSearchParams): BinanceError | undefined {
    const apiKey = req.headers['x-mbx-apikey']
    if (apiKey === undefined || apiKey === '') {
      this.counters.apiKeyRejects++
      return BINANCE_ERRORS.missingApiKey
    }
    if (apiKey !== this.#options.apiKey) {
      this.counters.apiKeyRejects++
      return BINANCE_ERRORS.badApiKey
    }
    const signed = signedPayloadOf(query, body)
    if (signed === undefined || !signatureMatches(signed.payload, signed.signature, this.#options.secret)) {
      this.counters.signatureRejects++
      return BINANCE_ERRORS.badSignature
    }
    const timestampMs = Number(params.get('timestamp'))
    const recvWindowMs = Number(params.get('recvWindow') ?? 5000)
    const nowMs = Date.now()
    if (!Number.isFinite(timestampMs) || timestampMs > nowMs + 1000 || nowMs - timestampMs > recvWindowMs) return BINANCE_ERRORS.outsideRecvWindow
    return undefined
  }
}

function send(res: ServerResponse, answer: { status: number; body: unknown }, headers: Record<string, string> = {}): void {
  res.writeHead(answer.status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(answer.body))
}
