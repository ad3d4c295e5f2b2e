import { Side } from '../../schemas/index.js'

export interface PreTradeLimits {
  /** Largest price × size of one order, in ticks × lots. */
  maxOrderNotional: number
  /** Largest absolute position per instrument, in lots, counting approved orders as filled. */
  maxPosition: number
  maxOrdersPerSecond: number
}

export interface IntentToCheck {
  instrumentId: number
  side: Side
  priceTicks: number
  sizeLots: number
}

export type PreTradeRejection = 'bad_size' | 'bad_price' | 'notional' | 'position' | 'rate'

/**
 * The pre-trade checks risk applies to every intent, in order: sane size and
 * price, order notional, the position it would leave, and the order rate
 * (a token bucket refilled per second). Approving an order counts it against
 * position and rate at once, so a burst cannot slip through between checks.
 */
export class PreTradeCheck {
  readonly limits: PreTradeLimits
  readonly #position = new Map<number, number>()
  #tokens: number
  #lastRefillNs: number | undefined

  constructor(limits: PreTradeLimits) {
    this.limits = limits
    this.#tokens = limits.maxOrdersPerSecond
  }

  /** Undefined when the intent may go out (and is now counted), else why not. */
  check(intent: IntentToCheck, nowNs: number): PreTradeRejection | undefined {
    if (!(Number.isInteger(intent.sizeLots) && intent.sizeLots > 0)) return 'bad_size'
    if (!(Number.isInteger(intent.priceTicks) && intent.priceTicks > 0)) return 'bad_price'
    if (intent.priceTicks * intent.sizeLots > this.limits.maxOrderNotional) return 'notional'
    const signed = intent.side === Side.Buy ? intent.sizeLots : -intent.sizeLots
    const projected = (this.#position.get(intent.instrumentId) ?? 0) + signed
    if (Math.abs(projected) > this.limits.maxPosition) return 'position'
    this.#refill(nowNs)
    if (this.#tokens < 1) return 'rate'
    this.#tokens -= 1
    this.#position.set(intent.instrumentId, projected)
    return undefined
  }

  /** The same positions and rate budget under new limits. */
  withLimits(limits: PreTradeLimits): PreTradeCheck {
    const next = new PreTradeCheck(limits)
    for (const [instrument, position] of this.#position) next.#position.set(instrument, position)
    next.#tokens = Math.min(this.#tokens, limits.maxOrdersPerSecond)
    next.#lastRefillNs = this.#lastRefillNs
    return next
  }

  position(instrumentId: number): number {
    return this.#position.get(instrumentId) ?? 0
  }

  #refill(nowNs: number): void {
    if (this.#lastRefillNs !== undefined) {
      const refill = ((nowNs - this.#lastRefillNs) / 1e9) * this.limits.maxOrdersPerSecond
      this.#tokens = Math.min(this.limits.maxOrdersPerSecond, this.#tokens + refill)
    }
    this.#lastRefillNs = nowNs
  }
}
