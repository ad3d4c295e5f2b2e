import type { Clock } from '../../clock/clock.js'
import { isWavesError, WavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import type { InstrumentSpec } from '../../market/instrument-spec.js'
import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus } from '../../schemas/index.js'
import { binanceUrlsOf } from '../../venues/ccxt/binance-urls.js'
import { CcxtVenue, createBinanceClient } from '../../venues/ccxt/index.js'
import type { Execution, OrderReport } from '../../venues/sim/venue-messages.js'
import type { FillRingWriter } from './fill-ring-writer.js'
import { REASON_NO_VENUE, type VenueOrder } from './sim-sessions.js'

/** Where the keys of a ccxt binance venue come from: the environment, never the config file. */
export const BINANCE_KEY_VARIABLES = ['WAVES_BINANCE_API_KEY', 'WAVES_BINANCE_SECRET'] as const

export interface CcxtSessionsOptions {
  instruments: readonly InstrumentSpec[]
  /** Venue names in venue-id order (ids from 1); each is a session on the exchange. */
  venues: readonly string[]
  /** Spot REST base of a Binance-shaped server; absent: the real exchange. */
  restUrl?: string
  timeoutMs: number
  env: Record<string, string | undefined>
  clock: Clock
  logger: Logger
  /** Rung after answers were written, so readers of the fill ring wake. */
  onAnswers: () => void
}

/** What the sessions did, for the agent's counters. */
export interface CcxtSessionCounters {
  submitted: number
  unknownVenue: number
  rejected: number
  timeouts: number
  /** Orders whose answer was lost and that the venue found by client id, or that polling caught up on. */
  recovered: number
  pollFailures: number
}

interface LiveOrder {
  venueId: number
  instrumentId: number
  strategyId: number
  status: OrderStatus
  /** Filled as the last report said. */
  filledLots: number
  /** Filled as the fills written so far add up: the order is forgotten once they reach filledLots after it ended. */
  filledSeenLots: number
  /** Venue trade ids written: a fill listed again by polling is not a second fill. */
  trades: Set<number>
  /** Its create failed with the outcome unknown: a lookup that finds it is a recovery. */
  uncertain: boolean
}

/**
 * One ccxt venue session per configured venue: the `SimSessions` role for a
 * real exchange. Each order from the rings is sent without waiting; its
 * report goes onto the fill ring when it arrives. `poll` (the monitor step)
 * looks up every live order and lists fills, so an answer that was lost, or
 * a fill that happened later, still reaches the ring, once.
 */
export class CcxtSessions {
  readonly counters: CcxtSessionCounters = { submitted: 0, unknownVenue: 0, rejected: 0, timeouts: 0, recovered: 0, pollFailures: 0 }
  readonly #venues: CcxtVenue[]
  readonly #writer: FillRingWriter
  readonly #options: CcxtSessionsOptions
  /** Orders sent and not yet settled, by client id; everything known of an order goes with it when it is forgotten. */
  readonly #live = new Map<number, LiveOrder>()
  readonly #ready: Promise<void>
  #polling = false

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
    const urls = binanceUrlsOf(options.restUrl)
    this.#venues = options.venues.map((venue) => {
      const exchange = createBinanceClient({ apiKey, secret, timeoutMs: options.timeoutMs, ...(urls !== undefined && { urls }) })
      return new CcxtVenue({ exchange, venue, instruments: options.instruments, clock: options.clock, logger: options.logger.child({ venue }) })
    })
    // Markets load once per session; every order waits for it rather than fail on an unloaded client.
    this.#ready = Promise.all(this.#venues.map((v) => v.loadMarkets())).then(() => undefined)
    this.#ready.catch((err: unknown) => options.logger.error({ err }, 'ccxt venue markets did not load'))
  }

  submit(order: VenueOrder): void {
    const venue = this.#venues[order.venueId - 1]
    if (venue === undefined) {
      this.counters.unknownVenue++
      this.#reject(order.clientOrderId, order.venueId, order.sizeLots, REASON_NO_VENUE)
      return
    }
    this.counters.submitted++
    this.#live.set(order.clientOrderId, { venueId: order.venueId, instrumentId: order.instrumentId, strategyId: order.strategyId, status: OrderStatus.New, filledLots: 0, filledSeenLots: 0, trades: new Set(), uncertain: false })
    const sent = { clientOrderId: String(order.clientOrderId), instrumentId: order.instrumentId, side: order.side, orderType: order.orderType, timeInForce: order.timeInForce, priceTicks: order.priceTicks, sizeLots: order.sizeLots }
    this.#ready
      .then(() => venue.submit(sent))
      .then(
        (report) => this.#report(order.venueId, report),
        (err: unknown) => {
          if (isWavesError(err, 'ERR_VENUE_TIMEOUT') || isWavesError(err, 'ERR_VENUE_UNAVAILABLE') || isWavesError(err, 'ERR_VENUE_MALFORMED')) {
            // The order may exist: the monitor's lookup by client id settles it.
            this.counters.timeouts++
            const live = this.#live.get(order.clientOrderId)
            if (live !== undefined) live.uncertain = true
            this.#options.logger.warn({ err, clientOrderId: order.clientOrderId }, 'order outcome unknown; polling will settle it')
            return
          }
          this.counters.rejected++
          this.#live.delete(order.clientOrderId)
          this.#reject(order.clientOrderId, order.venueId, order.sizeLots, 0)
        },
      )
      .finally(() => this.#flush())
  }

  /** The monitor step: looks up every live order and lists fills of its instruments. One round at a time. */
  poll(): void {
    if (this.#polling || this.#live.size === 0) return
    this.#polling = true
    this.#pollRound()
      .catch((err: unknown) => {
        this.counters.pollFailures++
        this.#options.logger.warn({ err }, 'ccxt venue poll failed')
      })
      .finally(() => {
        this.#polling = false
        this.#flush()
      })
  }

  async #pollRound(): Promise<void> {
    await this.#ready
    const instrumentsByVenue = new Map<number, Set<number>>()
    for (const live of this.#live.values()) {
      const set = instrumentsByVenue.get(live.venueId) ?? new Set<number>()
      set.add(live.instrumentId)
      instrumentsByVenue.set(live.venueId, set)
    }
    for (const [venueId, instruments] of instrumentsByVenue) {
      const venue = this.#venues[venueId - 1]!
      for (const instrumentId of instruments) for (const x of await venue.fills(instrumentId)) this.#execution(venueId, x)
    }
    for (const [clientOrderId, live] of [...this.#live]) {
      const report = await this.#venues[live.venueId - 1]!.order(String(clientOrderId), live.instrumentId)
      if (report === undefined) continue
      if (live.uncertain) {
        live.uncertain = false
        this.counters.recovered++
      }
      this.#report(live.venueId, report)
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
    this.#writer.execution(venueId, x, this.#options.clock.nowNs(), live.strategyId)
    this.#forgetWhenSettled(id, live)
  }

  #reject(clientOrderId: number, venueId: number, sizeLots: number, reasonCode: number): void {
    this.#writer.event({ tsNs: this.#options.clock.nowNs(), clientOrderId, venueId, status: OrderStatus.Rejected, reasonCode, filledLots: 0, remainingLots: sizeLots })
  }
}
