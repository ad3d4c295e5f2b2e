import type { Clock } from '../../clock/clock.js'
import { isWavesError, WavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus } from '../../schemas/index.js'
import { binanceUrlsOf } from '../../venues/ccxt/binance-urls.js'
import { CcxtVenue, createBinanceClient } from '../../venues/ccxt/index.js'
import { VenueDownReason, venueFailureReasonOf } from '../../venues/health/index.js'
import type { Execution, OrderReport } from '../../venues/sim/venue-messages.js'
import type { FillRingWriter } from './fill-ring-writer.js'
import { REASON_NO_VENUE, REASON_VENUE_DOWN } from './reason-codes.js'
import type { VenueOrder } from './sim-sessions.js'
import type { VenueHealthKeeper } from './venue-health-keeper.js'

/** Where the keys of a ccxt binance venue come from: the environment, never the config file. */
export const BINANCE_KEY_VARIABLES = ['WAVES_BINANCE_API_KEY', 'WAVES_BINANCE_SECRET'] as const

/** How far the venue's clock may run behind ours and still take a request (Binance refuses one more than 1 s ahead of it). */
const CLOCK_ALLOWANCE_MS = 1_000

export interface CcxtSessionsOptions {
  instruments: readonly InstrumentSpec[]
  /** Venue names in venue-id order (ids from 1); each is a session on the exchange. */
  venues: readonly string[]
  /** Spot REST base of a Binance-shaped server; absent: the real exchange. */
  restUrl?: string
  /** Spot REST base of particular venues, by name, in place of `restUrl`: a backup session on another endpoint. */
  venueRestUrls?: Readonly<Record<string, string>>
  timeoutMs: number
  /**
   * The receive window every signed request carries, ms: the venue refuses
   * a request signed longer ago. So an order whose last attempt is older
   * than this and that the venue does not know was never placed.
   */
  recvWindowMs: number
  env: Record<string, string | undefined>
  clock: Clock
  logger: Logger
  /** Breakers and the venue health board: which venues take orders. */
  health: VenueHealthKeeper
  /** Rung after answers were written, so readers of the fill ring wake. */
  onAnswers: () => void
}

/** What the sessions did, for the agent's counters. */
export interface CcxtSessionCounters {
  submitted: number
  unknownVenue: number
  rejected: number
  /** Orders whose create failed with the outcome unknown. */
  timeouts: number
  /** Orders whose answer was lost and that the venue found by client id, or that polling caught up on. */
  recovered: number
  /** Orders whose create failed and that the venue, asked after its receive window, does not know: never placed. */
  notPlaced: number
  pollFailures: number
}

interface LiveOrder {
  venueId: number
  instrumentId: number
  strategyId: number
  sizeLots: number
  status: OrderStatus
  /** Filled as the last report said. */
  filledLots: number
  /** Filled as the fills written so far add up: the order is forgotten once they reach filledLots after it ended. */
  filledSeenLots: number
  /** Venue trade ids written: a fill listed again by polling is not a second fill. */
  trades: Set<number>
  /** Its create failed with the outcome unknown: a lookup that finds it is a recovery. */
  uncertain: boolean
  /** When that create failed, clock ns: after the receive window, a venue that does not know the order never will. */
  failedAtNs: number
}

/**
 * One ccxt venue session per configured venue: the `SimSessions` role for a
 * real exchange. Each order from the rings is sent without waiting; its
 * report goes onto the fill ring when it arrives. `poll` (on the monitor
 * timer) looks up every live order and lists fills, so an answer that was
 * lost, or a fill that happened later, still reaches the ring, once.
 *
 * Every call's outcome feeds the venue's breaker (`VenueHealthKeeper`): a
 * call that times out or meets a 5xx, a 429/418, a broken answer or a
 * dropped connection (after the adapter's own retries) is a failure; an
 * order entry that gets any answer, or a probe that does, is a success. A
 * poll that is answered proves reads work, not order entry, so it resets
 * nothing. While a venue's breaker is open its orders are answered Rejected
 * (REASON_VENUE_DOWN) unsent, and it is not polled; after the cooldown one
 * probe (a signed read of open orders) decides whether it is up again.
 */
export class CcxtSessions {
  readonly counters: CcxtSessionCounters = { submitted: 0, unknownVenue: 0, rejected: 0, timeouts: 0, recovered: 0, notPlaced: 0, pollFailures: 0 }
  readonly #venues: CcxtVenue[]
  readonly #writer: FillRingWriter
  readonly #options: CcxtSessionsOptions
  readonly #health: VenueHealthKeeper
  /** Orders sent and not yet settled, by client id; everything known of an order goes with it when it is forgotten. */
  readonly #live = new Map<number, LiveOrder>()
  /** Each venue's markets, loading or loaded; a load that failed is dropped, and the next call loads again. */
  readonly #markets: (Promise<void> | undefined)[]
  readonly #polling: boolean[]

  constructor(options: CcxtSessionsOptions, writer: FillRingWriter) {
    const apiKey = options.env[BINANCE_KEY_VARIABLES[0]]
    const secret = options.env[BINANCE_KEY_VARIABLES[1]]
    if (!apiKey || !secret) {
      throw new WavesError('ERR_VENUE_CONFIG', `execution.venue 'ccxt:binance' needs its keys in ${BINANCE_KEY_VARIABLES.join(' and ')}, and one is not set`, {
        variables: BINANCE_KEY_VARIABLES,
      })
    }
    this.#options = options
    this.#writer = writer
    this.#health = options.health
    this.#venues = options.venues.map((venue) => {
      const urls = binanceUrlsOf(options.venueRestUrls?.[venue] ?? options.restUrl)
      const exchange = createBinanceClient({ apiKey, secret, timeoutMs: options.timeoutMs, ...(urls !== undefined && { urls }) })
      // The window settling orders of unknown outcome is the one the venue enforces: set it, not assume it.
      exchange.options['recvWindow'] = options.recvWindowMs
      return new CcxtVenue({ exchange, venue, instruments: options.instruments, clock: options.clock, logger: options.logger.child({ venue }) })
    })
    this.#markets = this.#venues.map(() => undefined)
    this.#polling = this.#venues.map(() => false)
    // Markets load at start; every order waits for its venue's rather than fail on an unloaded client.
    this.#venues.forEach((_, k) => this.#marketsOf(k).catch(() => {}))
  }

  /** `order` is the caller's to reuse once this returns: what the answers need is copied out of it first. */
  submit(order: VenueOrder): void {
    const { venueId, clientOrderId, sizeLots } = order
    const venue = this.#venues[venueId - 1]
    if (venue === undefined) {
      this.counters.unknownVenue++
      this.#reject(clientOrderId, venueId, sizeLots, REASON_NO_VENUE)
      return
    }
    if (!this.#health.accepts(venueId)) {
      this.#refuse(clientOrderId, venueId, sizeLots)
      return
    }
    this.#health.sent(venueId)
    this.counters.submitted++
    this.#live.set(clientOrderId, {
      venueId,
      instrumentId: order.instrumentId,
      strategyId: order.strategyId,
      sizeLots,
      status: OrderStatus.New,
      filledLots: 0,
      filledSeenLots: 0,
      trades: new Set(),
      uncertain: false,
      failedAtNs: 0,
    })
    const sent = { clientOrderId: String(clientOrderId), instrumentId: order.instrumentId, side: order.side, orderType: order.orderType, timeInForce: order.timeInForce, priceTicks: order.priceTicks, sizeLots }
    this.#marketsOf(venueId - 1)
      .then(
        () =>
          venue.submit(sent).then(
            (report) => {
              this.#health.success(venueId)
              this.#report(venueId, report)
            },
            (err: unknown) => this.#createFailed(clientOrderId, venueId, err),
          ),
        (err: unknown) => {
          // The venue's markets would not load, so nothing was sent: the order is free to go elsewhere.
          this.#live.delete(clientOrderId)
          this.counters.notPlaced++
          this.#health.failure(venueId, venueFailureReasonOf(err) ?? VenueDownReason.Unavailable)
          this.#reject(clientOrderId, venueId, sizeLots, REASON_VENUE_DOWN)
        },
      )
      .finally(() => this.#flush())
  }

  /**
   * The monitor's turn: a probe to each venue whose breaker has cooled off,
   * and for each venue that is reachable, its live orders looked up and its
   * fills listed. Venues are polled apart, so one that hangs holds up no
   * other's answers; one round per venue at a time.
   */
  poll(): void {
    for (let k = 0; k < this.#venues.length; k++) {
      const venueId = k + 1
      if (this.#health.probeDue(venueId)) {
        this.#probe(k)
        continue
      }
      if (this.#polling[k] || !this.#health.reachable(venueId) || !this.#hasLive(venueId)) continue
      this.#polling[k] = true
      this.#pollVenue(k)
        .catch((err: unknown) => {
          this.counters.pollFailures++
          const reason = venueFailureReasonOf(err)
          if (reason !== undefined) this.#health.failure(venueId, reason)
          this.#options.logger.warn({ err, venue: this.#options.venues[k] }, 'ccxt venue poll failed')
        })
        .finally(() => {
          this.#polling[k] = false
          this.#flush()
        })
    }
  }

  /** Orders each venue has live, as this side knows them, for health. */
  openOrders(): Record<string, number> {
    const open: Record<string, number> = {}
    this.#options.venues.forEach((name, k) => (open[name] = [...this.#live.values()].filter((o) => o.venueId === k + 1).length))
    return open
  }

  /** Venue round trips and retries, per venue, for health. */
  venueCounters(): Record<string, CcxtVenue['counters']> {
    return Object.fromEntries(this.#venues.map((v, k) => [this.#options.venues[k]!, { ...v.counters }]))
  }

  #marketsOf(k: number): Promise<void> {
    const loaded = this.#markets[k]
    if (loaded !== undefined) return loaded
    const loading = this.#venues[k]!.loadMarkets()
    this.#markets[k] = loading
    loading.catch((err: unknown) => {
      if (this.#markets[k] === loading) this.#markets[k] = undefined
      this.#options.logger.error({ err, venue: this.#options.venues[k] }, 'ccxt venue markets did not load; the next call tries again')
    })
    return loading
  }

  #createFailed(clientOrderId: number, venueId: number, err: unknown): void {
    const reason = venueFailureReasonOf(err)
    const live = this.#live.get(clientOrderId)
    if (reason !== undefined) {
      this.#health.failure(venueId, reason)
      // The order may exist: polling settles it, by finding it or, after the receive window, by not.
      this.counters.timeouts++
      if (live !== undefined) {
        live.uncertain = true
        live.failedAtNs = this.#options.clock.nowNs()
      }
      this.#options.logger.warn({ err, clientOrderId }, 'order outcome unknown; polling will settle it')
      return
    }
    // The venue refused the order: it answered, so it is there.
    if (isWavesError(err, 'ERR_VENUE_REJECTED')) this.#health.success(venueId)
    this.counters.rejected++
    this.#live.delete(clientOrderId)
    this.#reject(clientOrderId, venueId, live?.sizeLots ?? 0, 0)
  }

  #probe(k: number): void {
    const venueId = k + 1
    this.#marketsOf(k)
      .then(() => this.#venues[k]!.openOrders(0))
      .then(
        () => this.#health.probeSucceeded(venueId),
        (err: unknown) => {
          const reason = venueFailureReasonOf(err)
          // A refusal is an answer: the venue is there.
          if (reason === undefined) this.#health.probeSucceeded(venueId)
          else this.#health.probeFailed(venueId, reason)
        },
      )
  }

  #hasLive(venueId: number): boolean {
    for (const live of this.#live.values()) if (live.venueId === venueId) return true
    return false
  }

  async #pollVenue(k: number): Promise<void> {
    const venueId = k + 1
    const venue = this.#venues[k]!
    await this.#marketsOf(k)
    const instruments = new Set<number>()
    for (const live of this.#live.values()) if (live.venueId === venueId) instruments.add(live.instrumentId)
    for (const instrumentId of instruments) for (const x of await venue.fills(instrumentId)) this.#execution(venueId, x)
    const settleAfterNs = (this.#options.recvWindowMs + CLOCK_ALLOWANCE_MS) * 1e6
    for (const [clientOrderId, live] of [...this.#live]) {
      if (live.venueId !== venueId) continue
      const report = await venue.order(String(clientOrderId), live.instrumentId)
      if (report === undefined) {
        if (live.uncertain && this.#options.clock.nowNs() - live.failedAtNs >= settleAfterNs) this.#notPlaced(clientOrderId, live)
        continue
      }
      if (live.uncertain) {
        live.uncertain = false
        this.counters.recovered++
      }
      this.#report(venueId, report)
    }
  }

  /** Every attempt to place it is past the receive window and the venue does not know it: it never will. */
  #notPlaced(clientOrderId: number, live: LiveOrder): void {
    this.#live.delete(clientOrderId)
    this.counters.notPlaced++
    this.#options.logger.warn({ clientOrderId, venue: this.#options.venues[live.venueId - 1] }, 'order was never placed; answered Rejected so its lots can go elsewhere')
    this.#reject(clientOrderId, live.venueId, live.sizeLots, REASON_VENUE_DOWN)
  }

  #flush(): void {
    const written = this.#writer.written
    this.#writer.flush()
    if (this.#writer.written !== written) this.#options.onAnswers()
  }

  /** A report is written when it changes what the ring last said about the order. */
  #report(venueId: number, r: OrderReport): void {
    const id = Number(r.clientOrderId)
    const live = this.#live.get(id)
    if (live === undefined) return
    if (live.status === r.status && live.filledLots === r.filledLots) return
    live.status = r.status
    live.filledLots = r.filledLots
    if (r.status === OrderStatus.Rejected) this.counters.rejected++
    this.#writer.report(venueId, r, this.#options.clock.nowNs())
    // Kept until its fills are listed: the next poll's fills come before the order is forgotten.
    this.#forgetWhenSettled(id, live)
  }

  #forgetWhenSettled(id: number, live: LiveOrder): void {
    if (isTerminal(live.status) && live.filledSeenLots >= live.filledLots) this.#live.delete(id)
  }

  #execution(venueId: number, x: Execution): void {
    const id = Number(x.clientOrderId)
    const live = this.#live.get(id)
    // Fills of orders this engine did not send (another session on the account), or already written, are not news.
    if (live === undefined || live.venueId !== venueId || live.trades.has(x.tradeId)) return
    live.trades.add(x.tradeId)
    live.filledSeenLots += x.sizeLots
    this.#health.filled(venueId)
    this.#writer.execution(venueId, x, this.#options.clock.nowNs(), live.strategyId)
    this.#forgetWhenSettled(id, live)
  }

  #refuse(clientOrderId: number, venueId: number, sizeLots: number): void {
    this.#health.refused(venueId)
    this.#reject(clientOrderId, venueId, sizeLots, REASON_VENUE_DOWN)
  }

  #reject(clientOrderId: number, venueId: number, sizeLots: number, reasonCode: number): void {
    this.#writer.event({ tsNs: this.#options.clock.nowNs(), clientOrderId, venueId, status: OrderStatus.Rejected, reasonCode, filledLots: 0, remainingLots: sizeLots })
  }
}
