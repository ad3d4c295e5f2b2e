import type { InstrumentPrecision } from '../../market/instrument-spec.js'
import { Side } from '../../schemas/index.js'

export interface PreTradeLimits {
  /** Largest price × size of one order, in the quote currency. */
  maxOrderNotional: number
  /** Largest absolute position per instrument, in base units, counting approved orders as filled. */
  maxPosition: number
  maxOrdersPerSecond: number
}

/**
 * What one tick × one lot and one lot are worth, per instrument: the tick
 * size × lot size in quote currency, and the lot size in base units. Limits
 * are in money and units; orders are in ticks and lots. A limit check may
 * use doubles (a bound, not a balance): accounting stays exact elsewhere.
 */
export interface InstrumentScale {
  quotePerTickLot: number
  basePerLot: number
}

export interface IntentToCheck {
  instrumentId: number
  side: Side
  priceTicks: number
  sizeLots: number
}

/** What a tick × lot and a lot are worth, from the instrument's precision. */
export function instrumentScaleOf(p: InstrumentPrecision): InstrumentScale {
  return { quotePerTickLot: Number(p.spec.tickSize) * Number(p.spec.lotSize), basePerLot: Number(p.spec.lotSize) }
}

/** What a snapshot keeps of the checks: the counted positions and the rate budget. */
export interface PreTradeState {
  positions: Array<[number, number]>
  tokens: number
  lastRefillNs: number | undefined
}

export type PreTradeRejection = 'unknown_instrument' | 'bad_size' | 'bad_price' | 'notional' | 'position' | 'rate'

/**
 * The pre-trade checks risk applies to every intent, in order: sane size and
 * price, order notional, the position it would leave, and the order rate
 * (a token bucket refilled per second). Approving an order counts it against
 * position and rate at once, so a burst cannot slip through between checks.
 */
export class PreTradeCheck {
  readonly limits: PreTradeLimits
  readonly scales: readonly InstrumentScale[]
  readonly #position = new Map<number, number>()
  #tokens: number
  #lastRefillNs: number | undefined

  constructor(limits: PreTradeLimits, scales: readonly InstrumentScale[]) {
    this.limits = limits
    this.scales = scales
    this.#tokens = limits.maxOrdersPerSecond
  }

  /** Undefined when the intent may go out (and is now counted), else why not. */
  check(intent: IntentToCheck, nowNs: number): PreTradeRejection | undefined {
    const scale = this.scales[intent.instrumentId]
    if (scale === undefined) return 'unknown_instrument'
    if (!(Number.isInteger(intent.sizeLots) && intent.sizeLots > 0)) return 'bad_size'
    if (!(Number.isInteger(intent.priceTicks) && intent.priceTicks > 0)) return 'bad_price'
    if (intent.priceTicks * intent.sizeLots * scale.quotePerTickLot > this.limits.maxOrderNotional) return 'notional'
    const signed = intent.side === Side.Buy ? intent.sizeLots : -intent.sizeLots
    const projected = (this.#position.get(intent.instrumentId) ?? 0) + signed
    if (Math.abs(projected) * scale.basePerLot > this.limits.maxPosition) return 'position'
    this.#refill(nowNs)
    if (this.#tokens < 1) return 'rate'
    this.#tokens -= 1
    this.#position.set(intent.instrumentId, projected)
    return undefined
  }

  /** Lots an approved order did not send after all (no liquidity, no room on the ring): no longer counted in the position. */
  release(intent: Pick<IntentToCheck, 'instrumentId' | 'side' | 'sizeLots'>): void {
    const signed = intent.side === Side.Buy ? intent.sizeLots : -intent.sizeLots
    this.#position.set(intent.instrumentId, (this.#position.get(intent.instrumentId) ?? 0) - signed)
  }

  /** An order approved before (replayed after a restart): counted against position and rate as it was then. */
  countApproved(intent: Pick<IntentToCheck, 'instrumentId' | 'side' | 'sizeLots'>): void {
    const signed = intent.side === Side.Buy ? intent.sizeLots : -intent.sizeLots
    this.#position.set(intent.instrumentId, (this.#position.get(intent.instrumentId) ?? 0) + signed)
    this.#tokens = Math.max(0, this.#tokens - 1)
  }

  state(): PreTradeState {
    return { positions: [...this.#position], tokens: this.#tokens, lastRefillNs: this.#lastRefillNs }
  }

  /** The checks as a snapshot left them, under `limits` (which may have changed since). */
  static fromState(limits: PreTradeLimits, scales: readonly InstrumentScale[], state: PreTradeState): PreTradeCheck {
    const check = new PreTradeCheck(limits, scales)
    for (const [instrument, position] of state.positions) check.#position.set(instrument, position)
    check.#tokens = Math.min(state.tokens, limits.maxOrdersPerSecond)
    check.#lastRefillNs = state.lastRefillNs
    return check
  }

  /** The same positions and rate budget under new limits. */
  withLimits(limits: PreTradeLimits): PreTradeCheck {
    const next = new PreTradeCheck(limits, this.scales)
    for (const [instrument, position] of this.#position) next.#position.set(instrument, position)
    next.#tokens = Math.min(this.#tokens, limits.maxOrdersPerSecond)
    next.#lastRefillNs = this.#lastRefillNs
    return next
  }

  /** Net position in lots, approved orders counted as filled. */
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
