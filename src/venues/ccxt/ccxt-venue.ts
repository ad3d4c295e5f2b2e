import { monotonicClock, type Clock } from '../../clock/clock.js'
import { isWavesError, WavesError } from '../../errors/index.js'
import { childLogger, type Logger } from '../../log/logger.js'
import { formatDecimal, parseDecimal } from '../../market/decimal.js'
import { InstrumentPrecision, type InstrumentSpec } from '../../market/instrument-spec.js'
import { LatencyHistogram } from '../../metrics/latency-histogram.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, OrderType, Side, TimeInForce } from '../../schemas/index.js'
import type { Execution, NewOrder, OrderReport } from '../sim/venue-messages.js'
import type { CcxtExchange, CcxtProExchange } from './binance-client.js'
import { advance, executionOf, reportOf, type CcxtOrderLike, type CcxtTradeLike } from './order-mapping.js'
import { retryAfterMsOf, retryDelayMs, retryOptionsOf, type FilledRetryOptions, type RetryOptions } from './retry-policy.js'
import { failureKindOf, TRANSIENT_KINDS, UNCERTAIN_KINDS, venueError, type FailureKind } from './venue-errors.js'

export interface CcxtVenueOptions {
  /** The ccxt client, unmodified (see `createBinanceClient`). */
  exchange: CcxtExchange | CcxtProExchange
  /** Venue name for errors and logs ('binance'). Default: the ccxt id. */
  venue?: string
  /** Instruments in instrument-id order; each spec's base/quote names the ccxt market. */
  instruments: readonly InstrumentSpec[]
  /** Per-request timeout, ms, handed to ccxt. Default: the client's own. */
  timeoutMs?: number
  retry?: RetryOptions
  /** Uniform in [0, 1): jitter. Seed it in tests. Default Math.random. */
  random?: () => number
  /** How the adapter waits between attempts. Default: a timer. */
  sleep?: (ms: number) => Promise<void>
  clock?: Clock
  logger?: Logger
}

/**
 * What an amend did: the replacement placed (the old order cancelled), or
 * nothing placed and why; `old` is the amended order as the venue last
 * showed it, undefined when it knows none or could not be asked.
 */
export type AmendOutcome = { replaced: true; old: OrderReport | undefined; replacement: OrderReport } | { replaced: false; old: OrderReport | undefined; reason: string }

/** Balance of one asset, exact decimal text as the venue reports it. */
export interface VenueBalance {
  asset: string
  free: string
  locked: string
}

export interface CcxtVenueCounters {
  calls: number
  retries: number
  timeouts: number
  rateLimited: number
  unavailable: number
  malformed: number
  /** Orders whose create answer was lost and that were found by their client id. */
  recoveredByLookup: number
  illegalTransitions: number
}

const TIME_IN_FORCE_TEXT: Record<TimeInForce, string> = { [TimeInForce.GoodTillCancel]: 'GTC', [TimeInForce.ImmediateOrCancel]: 'IOC', [TimeInForce.FillOrKill]: 'FOK', [TimeInForce.Day]: 'GTD' }

/**
 * Order entry on a real venue through ccxt: submit, cancel, amend, look up,
 * list open orders, fills and balances, in ticks and lots.
 *
 * Idempotent order entry: every order carries the caller's client order id
 * (passed to ccxt as `newClientOrderId`, so ccxt adds no broker prefix).
 * When a create times out, meets a 5xx or a broken answer, the order may
 * exist: the adapter looks it up by client id before any retry and returns
 * it when found, so a retry never makes a second live order; when the lookup
 * itself cannot be answered the call fails with the outcome unknown rather
 * than guess (the order is then found by `order(clientOrderId)` later).
 * A 429/418 is refused before processing and is retried after Retry-After.
 */
export class CcxtVenue {
  readonly counters: CcxtVenueCounters = { calls: 0, retries: 0, timeouts: 0, rateLimited: 0, unavailable: 0, malformed: 0, recoveredByLookup: 0, illegalTransitions: 0 }
  /** Round trip of every venue call that answered, ns. */
  readonly roundTrip = new LatencyHistogram()
  readonly venue: string
  readonly #exchange: CcxtExchange | CcxtProExchange
  readonly #instruments: { symbol: string; precision: InstrumentPrecision }[]
  readonly #retry: FilledRetryOptions
  readonly #random: () => number
  readonly #sleep: (ms: number) => Promise<void>
  readonly #clock: Clock
  readonly #log: Logger
  /** Last known status per client id, for the lifecycle check. */
  readonly #status = new Map<string, OrderStatus>()
  readonly #clientIdByVenueId = new Map<number, string>()

  constructor(options: CcxtVenueOptions) {
    this.#exchange = options.exchange
    this.venue = options.venue ?? String(options.exchange.id)
    this.#instruments = options.instruments.map((spec) => ({ symbol: `${spec.base}/${spec.quote}`, precision: new InstrumentPrecision(spec) }))
    this.#retry = retryOptionsOf(options.retry)
    this.#random = options.random ?? Math.random
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.#clock = options.clock ?? monotonicClock
    this.#log = options.logger ?? childLogger({ component: 'ccxt-venue', venue: this.venue })
    if (options.timeoutMs !== undefined) {
      if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number of ms, got ${options.timeoutMs}`)
      this.#exchange.timeout = options.timeoutMs
    }
  }

  async loadMarkets(): Promise<void> {
    await this.#withRetries('loadMarkets', undefined, () => this.#exchange.loadMarkets())
  }

  /** Places an order, once, whatever is lost on the way. */
  async submit(order: NewOrder): Promise<OrderReport> {
    const { symbol, precision } = this.#instrument(order.instrumentId, 'createOrder')
    const ctx = { venue: this.venue, call: 'createOrder', clientOrderId: order.clientOrderId }
    const market = order.orderType === OrderType.Market
    const params: Record<string, unknown> = { newClientOrderId: order.clientOrderId }
    if (!market) params['timeInForce'] = TIME_IN_FORCE_TEXT[order.timeInForce]
    if (order.postOnly === true) params['postOnly'] = true
    const amount = Number(precision.lotsToSize(order.sizeLots))
    const price = market ? undefined : Number(precision.ticksToPrice(order.priceTicks))
    this.#status.set(order.clientOrderId, this.#status.get(order.clientOrderId) ?? OrderStatus.New)
    for (let attempt = 0; ; attempt++) {
      let kind: FailureKind
      let failure: unknown
      try {
        const placed = (await this.#timed(() => this.#exchange.createOrder(symbol, market ? 'market' : 'limit', order.side === Side.Sell ? 'sell' : 'buy', amount, price, params))) as CcxtOrderLike
        return this.#report(placed, order.instrumentId, ctx)
      } catch (err) {
        kind = this.#kindOf(err)
        failure = err
      }
      if (kind === 'duplicate' || UNCERTAIN_KINDS.has(kind)) {
        // The venue may hold the order: ask by client id before anything else.
        const found = await this.order(order.clientOrderId, order.instrumentId)
        if (found !== undefined) {
          this.counters.recoveredByLookup++
          this.#log.info({ clientOrderId: order.clientOrderId, kind, attempt }, 'order found by client id after a failed create')
          return found
        }
      }
      if (!TRANSIENT_KINDS.has(kind) || attempt + 1 >= this.#retry.maxAttempts) throw venueError(kind, { ...ctx, attempts: attempt + 1 }, failure)
      await this.#backoff(kind, attempt, ctx, failure)
    }
  }

  /** Cancels by client id; an order already done comes back as it ended. */
  async cancel(clientOrderId: string, instrumentId: number): Promise<OrderReport> {
    const { symbol } = this.#instrument(instrumentId, 'cancelOrder')
    const ctx = { venue: this.venue, call: 'cancelOrder', clientOrderId }
    for (let attempt = 0; ; attempt++) {
      let kind: FailureKind
      let failure: unknown
      try {
        const cancelled = (await this.#timed(() => this.#exchange.cancelOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId }))) as CcxtOrderLike
        // Binance answers a cancel under the cancel's own client id (origClientOrderId is the order's): the order is the one asked for.
        return this.#report({ ...cancelled, clientOrderId }, instrumentId, ctx)
      } catch (err) {
        kind = this.#kindOf(err)
        failure = err
      }
      if (kind === 'not_found' || UNCERTAIN_KINDS.has(kind)) {
        const known = await this.order(clientOrderId, instrumentId)
        if (known === undefined) throw venueError('not_found', { ...ctx, attempts: attempt + 1 }, failure)
        if (known.status === OrderStatus.Cancelled || kind === 'not_found') return known
      }
      if (!TRANSIENT_KINDS.has(kind) || attempt + 1 >= this.#retry.maxAttempts) throw venueError(kind, { ...ctx, attempts: attempt + 1 }, failure)
      await this.#backoff(kind, attempt, ctx, failure)
    }
  }

  /**
   * Changes an open limit order's price and size by Binance's cancel-replace
   * (ccxt `editOrder`): in one request the order is cancelled and
   * `replacement` placed under its own client id, with no queue priority
   * kept. As idempotent as a create: after any failure the venue is asked
   * for both orders before anything is sent again, so a replace that went
   * through is found rather than made twice, and one the venue refused says
   * why with the old order as it is. The old order's final state (what
   * filled before the cancel) comes from a lookup, since ccxt returns only
   * the replacement; it is undefined when that lookup failed.
   */
  async amend(clientOrderId: string, replacement: NewOrder): Promise<AmendOutcome> {
    const { symbol, precision } = this.#instrument(replacement.instrumentId, 'editOrder')
    const ctx = { venue: this.venue, call: 'editOrder', clientOrderId }
    const params = { cancelOrigClientOrderId: clientOrderId, newClientOrderId: replacement.clientOrderId, timeInForce: TIME_IN_FORCE_TEXT[replacement.timeInForce] }
    const amount = Number(precision.lotsToSize(replacement.sizeLots))
    const price = Number(precision.ticksToPrice(replacement.priceTicks))
    const side = replacement.side === Side.Sell ? 'sell' : 'buy'
    for (let attempt = 0; ; attempt++) {
      let kind: FailureKind
      let failure: unknown
      try {
        const placed = (await this.#timed(() => this.#exchange.editOrder(undefined as unknown as string, symbol, 'limit', side, amount, price, params))) as CcxtOrderLike
        const next = this.#report(placed, replacement.instrumentId, ctx)
        return { replaced: true, old: await this.order(clientOrderId, replacement.instrumentId).catch(() => undefined), replacement: next }
      } catch (err) {
        kind = this.#kindOf(err)
        failure = err
      }
      // Refused before processing: nothing happened, nothing to look up.
      if (kind !== 'rate_limited') {
        const next = await this.order(replacement.clientOrderId, replacement.instrumentId)
        const old = await this.order(clientOrderId, replacement.instrumentId)
        if (next !== undefined) {
          this.counters.recoveredByLookup++
          return { replaced: true, old, replacement: next }
        }
        const done = old === undefined || isTerminal(old.status)
        if (done || !TRANSIENT_KINDS.has(kind)) return { replaced: false, old, reason: failure instanceof Error ? failure.message : String(failure) }
      }
      if (!TRANSIENT_KINDS.has(kind) || attempt + 1 >= this.#retry.maxAttempts) throw venueError(kind, { ...ctx, attempts: attempt + 1 }, failure)
      await this.#backoff(kind, attempt, ctx, failure)
    }
  }

  /** The order under a client id as the venue has it now, or undefined when it has none. */
  async order(clientOrderId: string, instrumentId: number): Promise<OrderReport | undefined> {
    const { symbol } = this.#instrument(instrumentId, 'fetchOrder')
    const ctx = { venue: this.venue, call: 'fetchOrder', clientOrderId }
    try {
      const found = (await this.#withRetries('fetchOrder', clientOrderId, () => this.#exchange.fetchOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId }))) as CcxtOrderLike
      return this.#report(found, instrumentId, ctx)
    } catch (err) {
      if (isWavesError(err, 'ERR_VENUE_UNKNOWN_ORDER')) return undefined
      throw err
    }
  }

  async openOrders(instrumentId: number): Promise<OrderReport[]> {
    const { symbol } = this.#instrument(instrumentId, 'fetchOpenOrders')
    const ctx = { venue: this.venue, call: 'fetchOpenOrders' }
    const open = (await this.#withRetries('fetchOpenOrders', undefined, () => this.#exchange.fetchOpenOrders(symbol))) as CcxtOrderLike[]
    return open.map((o) => this.#report(o, instrumentId, ctx))
  }

  /** Own fills of an instrument since `sinceMs` (venue time), in trade id order. */
  async fills(instrumentId: number, sinceMs?: number): Promise<Execution[]> {
    const { symbol, precision } = this.#instrument(instrumentId, 'fetchMyTrades')
    const ctx = { venue: this.venue, call: 'fetchMyTrades' }
    const trades = (await this.#withRetries('fetchMyTrades', undefined, () => this.#exchange.fetchMyTrades(symbol, sinceMs))) as CcxtTradeLike[]
    const out: Execution[] = []
    for (const trade of trades) out.push(await this.#execution(trade, instrumentId, symbol, precision, ctx))
    // ccxt orders trades by timestamp then by id as text ('10' before '9'); trade ids rise with time.
    return out.sort((a, b) => a.tradeId - b.tradeId)
  }

  /**
   * The next order updates from the venue's user data stream (ccxt pro
   * `watchOrders` over Binance's WebSocket API): resolves when the venue
   * pushes one, with the orders of configured instruments as reports.
   * Needs a `pro` client.
   */
  async watchReports(): Promise<OrderReport[]> {
    const orders = (await this.#pro('watchOrders').watchOrders()) as Array<CcxtOrderLike & { symbol?: string }>
    const out: OrderReport[] = []
    for (const order of orders) {
      const instrumentId = this.#instrumentIdOf(order.symbol)
      if (instrumentId !== undefined) out.push(this.#report(order, instrumentId, { venue: this.venue, call: 'watchOrders' }))
    }
    return out
  }

  /** The next own fills from the user data stream (`watchMyTrades`), of configured instruments. Needs a `pro` client. */
  async watchFills(): Promise<Execution[]> {
    const trades = (await this.#pro('watchMyTrades').watchMyTrades()) as Array<CcxtTradeLike & { symbol?: string }>
    const ctx = { venue: this.venue, call: 'watchMyTrades' }
    const out: Execution[] = []
    for (const trade of trades) {
      const instrumentId = this.#instrumentIdOf(trade.symbol)
      if (instrumentId === undefined) continue
      const { symbol, precision } = this.#instruments[instrumentId]!
      out.push(await this.#execution(trade, instrumentId, symbol, precision, ctx))
    }
    return out
  }

  /** A fill mapped, its order's client id looked up by the order's venue id (asked of the venue once when not known). */
  async #execution(trade: CcxtTradeLike, instrumentId: number, symbol: string, precision: InstrumentPrecision, ctx: { venue: string; call: string }): Promise<Execution> {
    let clientOrderId = this.#clientIdByVenueId.get(Number(trade.order))
    if (clientOrderId === undefined && trade.order !== undefined) {
      const owner = (await this.#withRetries('fetchOrder', undefined, () => this.#exchange.fetchOrder(trade.order!, symbol))) as CcxtOrderLike
      clientOrderId = owner.clientOrderId ?? ''
      this.#clientIdByVenueId.set(Number(trade.order), clientOrderId)
    }
    return this.#mapped(ctx, () => executionOf(trade, clientOrderId ?? '', instrumentId, precision, this.#clock.nowNs()))
  }

  /** Closes the client's WebSockets, if it opened any; a watch waiting then fails. */
  async close(): Promise<void> {
    const pro = this.#exchange as Partial<CcxtProExchange>
    if (typeof pro.close === 'function') await pro.close()
  }

  #pro(call: string): CcxtProExchange {
    const pro = this.#exchange as Partial<CcxtProExchange>
    if (typeof pro.watchOrders !== 'function') throw new WavesError('ERR_VENUE_CONFIG', `${this.venue} ${call}: the client has no WebSocket streams (a ccxt pro client is needed)`, { venue: this.venue, call })
    return this.#exchange as CcxtProExchange
  }

  #instrumentIdOf(symbol: string | undefined): number | undefined {
    const k = this.#instruments.findIndex((i) => i.symbol === symbol)
    return k < 0 ? undefined : k
  }

  async balances(): Promise<VenueBalance[]> {
    const balance = (await this.#withRetries('fetchBalance', undefined, () => this.#exchange.fetchBalance())) as unknown as Record<string, { free?: number; used?: number } | undefined>
    const skip = new Set(['info', 'free', 'used', 'total', 'timestamp', 'datetime', 'debt'])
    return Object.keys(balance)
      .filter((asset) => !skip.has(asset))
      .map((asset) => ({ asset, free: decimalText(balance[asset]?.free ?? 0), locked: decimalText(balance[asset]?.used ?? 0) }))
  }

  /** Calls `fn`, retrying transient failures with backoff; a failure left over becomes a typed error. */
  async #withRetries<T>(call: string, clientOrderId: string | undefined, fn: () => Promise<T>): Promise<T> {
    const ctx = clientOrderId === undefined ? { venue: this.venue, call } : { venue: this.venue, call, clientOrderId }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#timed(fn)
      } catch (err) {
        const kind = this.#count(failureKindOf(err))
        if (!TRANSIENT_KINDS.has(kind) || attempt + 1 >= this.#retry.maxAttempts) throw venueError(kind, { ...ctx, attempts: attempt + 1 }, err)
        await this.#backoff(kind, attempt, ctx, err)
      }
    }
  }

  async #timed<T>(fn: () => Promise<T>): Promise<T> {
    this.counters.calls++
    const startNs = monotonicClock.nowNs()
    const result = await fn()
    this.roundTrip.recordNs(monotonicClock.nowNs() - startNs)
    return result
  }

  async #backoff(kind: FailureKind, attempt: number, ctx: { call: string; clientOrderId?: string }, failure: unknown): Promise<void> {
    const headers = kind === 'rate_limited' ? (this.#exchange.last_response_headers as Record<string, unknown> | undefined) : undefined
    const retryAfterMs = retryAfterMsOf(headers, Date.now())
    if (retryAfterMs > this.#retry.maxRetryAfterMs) throw venueError(kind, { venue: this.venue, ...ctx, attempts: attempt + 1 }, failure)
    const waitMs = retryDelayMs(attempt, this.#retry, this.#random(), retryAfterMs)
    this.counters.retries++
    this.#log.debug({ ...ctx, kind, attempt, waitMs }, 'venue call retried')
    await this.#sleep(waitMs)
  }

  /** An answer the adapter could not map is as uncertain as one ccxt could not parse; other own errors pass. */
  #kindOf(err: unknown): FailureKind {
    if (isWavesError(err, 'ERR_VENUE_MALFORMED')) return 'malformed'
    if (isWavesError(err)) throw err
    return this.#count(failureKindOf(err))
  }

  #count(kind: FailureKind): FailureKind {
    if (kind === 'timeout') this.counters.timeouts++
    else if (kind === 'rate_limited') this.counters.rateLimited++
    else if (kind === 'unavailable') this.counters.unavailable++
    else if (kind === 'malformed') this.counters.malformed++
    return kind
  }

  /** Maps an answer, checks the lifecycle move and remembers the order's venue id. */
  #report(order: CcxtOrderLike, instrumentId: number, ctx: { venue: string; call: string; clientOrderId?: string }): OrderReport {
    const { precision } = this.#instrument(instrumentId, ctx.call)
    const report = this.#mapped(ctx, () => reportOf(order, instrumentId, precision, this.#clock.nowNs()))
    this.#clientIdByVenueId.set(report.venueOrderId, report.clientOrderId)
    const before = this.#status.get(report.clientOrderId) ?? OrderStatus.New
    try {
      this.#status.set(report.clientOrderId, advance(before, report.status))
    } catch (err) {
      if (!isWavesError(err, 'ERR_ORDER_TRANSITION')) throw err
      // The venue is the truth about its orders: keep its status, count the surprise.
      this.counters.illegalTransitions++
      this.#status.set(report.clientOrderId, report.status)
      this.#log.warn({ err, clientOrderId: report.clientOrderId }, 'venue reported an order move the lifecycle does not list')
    }
    return report
  }

  #mapped<T>(ctx: { venue: string; call: string; clientOrderId?: string }, map: () => T): T {
    try {
      return map()
    } catch (err) {
      this.counters.malformed++
      throw venueError('malformed', ctx, err)
    }
  }

  #instrument(instrumentId: number, call: string): { symbol: string; precision: InstrumentPrecision } {
    const instrument = this.#instruments[instrumentId]
    if (instrument === undefined) throw new WavesError('ERR_VENUE_CONFIG', `${this.venue} ${call}: instrument ${instrumentId} is not configured`, { venue: this.venue, call, instrumentId })
    return instrument
  }
}

/** A ccxt amount as plain decimal text ('0.0000001', never '1e-7'). */
function decimalText(value: number): string {
  const d = parseDecimal(value)
  return formatDecimal(d.units, d.scale)
}
