import WebSocket, { type RawData } from 'ws'
import { WavesError } from '../errors/index.js'
import type { Logger } from '../log/logger.js'
import type { FeedRejectReason, FeedSink, FeedSource } from './feed-source.js'
import { checkBackoffOptions, reconnectDelayMs, type ReconnectBackoffOptions } from './reconnect-backoff.js'
import { nextConnectionState, type ConnectionEvent, type ConnectionState } from './websocket-connection-state.js'

/** Turns one text frame into sink events; never throws for bad input. */
export interface FrameParser {
  parse(text: string, sink: FeedSink): 'event' | 'control' | 'rejected'
  /** Why the last rejected frame was rejected. */
  readonly reason: FeedRejectReason
}

export interface WebSocketSourceOptions {
  url: string
  /** Default `ws:<url>`. */
  name?: string
  parser: FrameParser
  /** Frames sent after every open, in order: the subscription. Default none. */
  subscribeFrames?: readonly string[]
  backoff?: ReconnectBackoffOptions
  /** Reconnect when no frame arrives for this long; absent: never. */
  idleTimeoutMs?: number
  /** Largest frame taken; a larger one closes the connection (and it reconnects). Default 4 MiB. */
  maxFrameBytes?: number
  /** Uniform in [0, 1): the backoff's jitter. Default Math.random. */
  random?: () => number
  logger?: Logger
}

/** What the client has done; exact. */
export interface WebSocketCounters {
  /** Opens, the first one included. */
  connects: number
  /** Connections lost after they opened. */
  drops: number
  /** Attempts that never opened. */
  failedAttempts: number
  /** Subscriptions sent again after a reconnect. */
  resubscribes: number
  frames: number
  rejectedFrames: number
  /** Reconnects forced by silence. */
  idleTimeouts: number
}

/** The Binance subscription request for `streams` (`btcusdt@trade`, `btcusdt@bookTicker`, `btcusdt@depth@100ms`). */
export function binanceSubscribeFrame(streams: readonly string[], id = 1): string {
  return JSON.stringify({ method: 'SUBSCRIBE', params: streams, id })
}

/**
 * A WebSocket market-data client that stays connected: after a drop or a
 * failed attempt it waits an exponentially growing, jittered delay, connects
 * again, and sends its subscription again. The attempt count resets when a
 * frame arrives, so a server that accepts and at once hangs up still backs
 * off. Frames go through the parser into the sink; a bad frame is rejected
 * with its reason and the connection carries on.
 */
export class WebSocketSource implements FeedSource {
  readonly name: string
  readonly counters: WebSocketCounters = { connects: 0, drops: 0, failedAttempts: 0, resubscribes: 0, frames: 0, rejectedFrames: 0, idleTimeouts: 0 }
  /** The last backoff waited, ms (NaN before any). */
  lastBackoffMs = NaN
  readonly #options: WebSocketSourceOptions
  readonly #random: () => number
  #state: ConnectionState = 'idle'
  #attempt = 0
  #socket: WebSocket | undefined
  #sink: FeedSink | undefined
  #retryTimer: NodeJS.Timeout | undefined
  #idleTimer: NodeJS.Timeout | undefined
  #lastFrameMs = 0
  #finished: (() => void) | undefined

  constructor(options: WebSocketSourceOptions) {
    checkBackoffOptions(options.backoff ?? {})
    if (options.idleTimeoutMs !== undefined && !(options.idleTimeoutMs > 0)) throw new RangeError(`idleTimeoutMs must be a positive number of ms, got ${options.idleTimeoutMs}`)
    let protocol = ''
    try {
      protocol = new URL(options.url).protocol
    } catch {
      // Reported below with the same message as a wrong scheme.
    }
    if (protocol !== 'ws:' && protocol !== 'wss:') throw new WavesError('ERR_FEED_CONFIG', `feed url must be a ws: or wss: URL, got ${JSON.stringify(options.url)}`, { url: options.url })
    this.name = options.name ?? `ws:${options.url}`
    this.#options = options
    this.#random = options.random ?? Math.random
  }

  get state(): ConnectionState {
    return this.#state
  }

  start(sink: FeedSink): Promise<void> {
    if (this.#state !== 'idle') return Promise.reject(new WavesError('ERR_FEED_STATE', `${this.name} was already started`, { source: this.name }))
    this.#sink = sink
    this.#move('start')
    const done = new Promise<void>((resolve) => (this.#finished = resolve))
    this.#connect()
    return done
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return
    this.#move('stop')
    clearTimeout(this.#retryTimer)
    clearInterval(this.#idleTimer)
    const socket = this.#socket
    this.#socket = undefined
    if (socket !== undefined && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      socket.terminate()
      await closed
    }
    this.#finished?.()
  }

  #move(event: ConnectionEvent): void {
    this.#state = nextConnectionState(this.#state, event)
  }

  #connect(): void {
    const socket = new WebSocket(this.#options.url, { maxPayload: this.#options.maxFrameBytes ?? 4 << 20 })
    this.#socket = socket
    let opened = false
    socket.on('open', () => {
      if (this.#socket !== socket) return
      opened = true
      this.#move('opened')
      if (this.counters.connects++ > 0 && (this.#options.subscribeFrames?.length ?? 0) > 0) this.counters.resubscribes++
      for (const frame of this.#options.subscribeFrames ?? []) socket.send(frame)
      this.#lastFrameMs = performance.now()
      this.#watchIdle(socket)
    })
    socket.on('message', (data: RawData) => this.#onFrame(data))
    // 'close' always follows 'error'; the error only says why.
    socket.on('error', (err) => this.#options.logger?.warn({ err, source: this.name, attempt: this.#attempt }, 'feed socket error'))
    socket.on('close', () => {
      clearInterval(this.#idleTimer)
      if (this.#socket !== socket || this.#state === 'stopped') return
      if (opened) this.counters.drops++
      else this.counters.failedAttempts++
      this.#move('closed')
      this.#scheduleRetry()
    })
  }

  #onFrame(data: RawData): void {
    this.counters.frames++
    this.#lastFrameMs = performance.now()
    this.#attempt = 0
    const sink = this.#sink!
    const parser = this.#options.parser
    let text: string
    try {
      text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8')
      if (parser.parse(text, sink) !== 'rejected') return
      this.counters.rejectedFrames++
      sink.reject(parser.reason, { source: this.name, frame: text.slice(0, 200) })
    } catch (err) {
      // A parser or sink fault must not take the connection down: count it as a bad frame.
      this.counters.rejectedFrames++
      sink.reject('malformed', { source: this.name, error: String(err) })
    }
  }

  #scheduleRetry(): void {
    const delayMs = reconnectDelayMs(this.#attempt++, this.#options.backoff ?? {}, this.#random())
    this.lastBackoffMs = delayMs
    this.#options.logger?.info({ source: this.name, delayMs: Math.round(delayMs), attempt: this.#attempt }, 'feed reconnecting after backoff')
    this.#retryTimer = setTimeout(() => {
      if (this.#state !== 'backoff') return
      this.#move('retry')
      this.#connect()
    }, delayMs)
  }

  #watchIdle(socket: WebSocket): void {
    const idleMs = this.#options.idleTimeoutMs
    if (idleMs === undefined) return
    this.#idleTimer = setInterval(() => {
      if (performance.now() - this.#lastFrameMs < idleMs) return
      this.counters.idleTimeouts++
      socket.terminate()
    }, Math.max(10, idleMs / 4))
  }
}
