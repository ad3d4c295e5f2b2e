import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { signatureMatches } from './request-signature.js'

export interface StreamHubCounters {
  connections: number
  subscribeRequests: number
  framesSent: number
  socketsDropped: number
  userStreamSubscriptions: number
  userStreamAuthFailures: number
}

interface Client {
  socket: WebSocket
  streams: Set<string>
  /** Set once the client subscribed to the user data stream over the WebSocket API. */
  userSubscriptionId: number | undefined
}

/**
 * The mock's WebSocket side. Market streams (`/ws/...`, `/stream...`) take
 * Binance's `SUBSCRIBE`/`UNSUBSCRIBE` frames and receive raw stream events;
 * the WebSocket API (`/ws-api/v3`) takes `userDataStream.subscribe.signature`
 * signed like ccxt's `signParams` (key-sorted, HMAC-SHA256) and then receives
 * `executionReport` events wrapped as `{ subscriptionId, event }`.
 */
export class StreamHub {
  readonly counters: StreamHubCounters = { connections: 0, subscribeRequests: 0, framesSent: 0, socketsDropped: 0, userStreamSubscriptions: 0, userStreamAuthFailures: 0 }
  readonly #server = new WebSocketServer({ noServer: true })
  readonly #clients = new Set<Client>()
  readonly #apiKey: string
  readonly #secret: string
  #nextSubscriptionId = 0

  constructor(apiKey: string, secret: string) {
    this.#apiKey = apiKey
    this.#secret = secret
  }

  /** Takes over an HTTP upgrade. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, request.url ?? '/'))
  }

  /** Sends a market event to every socket subscribed to `stream` ('btcusdt@trade'). */
  publish(stream: string, event: object): void {
    let frame: string | undefined
    for (const client of this.#clients) {
      if (!client.streams.has(stream)) continue
      frame ??= JSON.stringify(event)
      this.#send(client, frame)
    }
  }

  /** Sends a user data event to every socket subscribed to the user data stream. */
  publishUser(event: object): void {
    for (const client of this.#clients) {
      if (client.userSubscriptionId !== undefined) this.#send(client, JSON.stringify({ subscriptionId: client.userSubscriptionId, event }))
    }
  }

  /** Sends `frame` as it is to every user data subscriber: a fault, a frame no client could parse. */
  publishUserRaw(frame: string): void {
    for (const client of this.#clients) if (client.userSubscriptionId !== undefined) this.#send(client, frame)
  }

  /** Kills every open socket without a closing handshake, as a network fault would. */
  dropAll(): number {
    let dropped = 0
    for (const client of this.#clients) {
      client.socket.terminate()
      dropped++
    }
    this.counters.socketsDropped += dropped
    return dropped
  }

  get openSockets(): number {
    return this.#clients.size
  }

  /** Subscribers of a stream right now. */
  subscribers(stream: string): number {
    let n = 0
    for (const client of this.#clients) if (client.streams.has(stream)) n++
    return n
  }

  close(): void {
    for (const client of this.#clients) client.socket.terminate()
    this.#clients.clear()
    this.#server.close()
  }

  #accept(socket: WebSocket, path: string): void {
    const client: Client = { socket, streams: new Set(), userSubscriptionId: undefined }
    this.#clients.add(client)
    this.counters.connections++
    socket.on('close', () => this.#clients.delete(client))
    socket.on('error', () => this.#clients.delete(client))
    const api = path.startsWith('/ws-api')
    socket.on('message', (data) => {
      let request: { id?: unknown; method?: unknown; params?: unknown }
      try {
        request = JSON.parse(String(data)) as typeof request
      } catch {
        this.#send(client, JSON.stringify({ error: { code: 2, msg: 'Invalid request' } }))
        return
      }
      if (api) this.#api(client, request)
      else this.#subscription(client, request)
    })
  }

  #subscription(client: Client, request: { id?: unknown; method?: unknown; params?: unknown }): void {
    const streams = Array.isArray(request.params) ? request.params.filter((p): p is string => typeof p === 'string') : []
    if (request.method === 'SUBSCRIBE') {
      this.counters.subscribeRequests++
      for (const stream of streams) client.streams.add(stream.toLowerCase())
    } else if (request.method === 'UNSUBSCRIBE') {
      for (const stream of streams) client.streams.delete(stream.toLowerCase())
    } else {
      this.#send(client, JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown method ${String(request.method)}` }, id: request.id ?? null }))
      return
    }
    this.#send(client, JSON.stringify({ result: null, id: request.id ?? null }))
  }

  #api(client: Client, request: { id?: unknown; method?: unknown; params?: unknown }): void {
    const id = request.id ?? null
    if (request.method !== 'userDataStream.subscribe.signature') {
      this.#send(client, JSON.stringify({ id, status: 400, error: { code: -1100, msg: `Unknown method ${String(request.method)}.` } }))
      return
    }
    const params = (typeof request.params === 'object' && request.params !== null ? request.params : {}) as Record<string, unknown>
    const { signature, ...signed } = params
    const payload = Object.keys(signed)
      .sort()
      .map((key) => `${key}=${String(signed[key])}`)
      .join('&')
    if (signed['apiKey'] !== this.#apiKey || typeof signature !== 'string' || !signatureMatches(payload, signature, this.#secret)) {
      this.counters.userStreamAuthFailures++
      this.#send(client, JSON.stringify({ id, status: 400, error: { code: -1022, msg: 'Signature for this request is not valid.' } }))
      return
    }
    client.userSubscriptionId = this.#nextSubscriptionId++
    this.counters.userStreamSubscriptions++
    this.#send(client, JSON.stringify({ id, status: 200, result: { subscriptionId: client.userSubscriptionId } }))
  }

  #send(client: Client, frame: string): void {
    if (client.socket.readyState !== client.socket.OPEN) return
    client.socket.send(frame)
    this.counters.framesSent++
  }
}
