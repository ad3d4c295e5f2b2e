import type { Clock } from '../../clock/clock.js'
import { WavesError } from '../../errors/index.js'
import type { VenueHealth } from './venue-health-board.js'
import { VenueDownReason, VenueState } from './venue-health-layout.js'

export interface VenueBreakerSettings {
  /** Consecutive failed calls that open the breaker: at least 1. */
  failures: number
  /** How long it stays open before one probe is let through, ms. */
  cooldownMs: number
}

/** A state change, for the caller to publish, log and count. */
export interface VenueBreakerChange {
  from: VenueState
  to: VenueState
  /** The failure that moved it, or None when a probe closed it. */
  reason: VenueDownReason
  consecutiveFailures: number
}

/**
 * A circuit breaker over one venue's calls. Closed (up): calls go out, and
 * `failures` consecutive failures open it. Open (down): nothing goes out
 * until `cooldownMs` has passed; then `tryProbe` half-opens it and the
 * caller makes one probe call, whose outcome alone decides: success closes
 * it, failure opens it for another cooldown. Outcomes of calls made before
 * it opened arrive late and prove nothing about the venue now: while open
 * or half-open they are counted but move nothing.
 */
export class VenueBreaker {
  #settings: VenueBreakerSettings
  readonly #clock: Clock
  #state: VenueState = VenueState.Up
  #reason: VenueDownReason = VenueDownReason.None
  #failures = 0
  #sinceNs: number
  #changes = 0

  constructor(settings: VenueBreakerSettings, clock: Clock) {
    this.#settings = checked(settings)
    this.#clock = clock
    this.#sinceNs = clock.nowNs()
  }

  get state(): VenueState {
    return this.#state
  }

  /** Calls may go out. */
  get closed(): boolean {
    return this.#state === VenueState.Up
  }

  get reason(): VenueDownReason {
    return this.#reason
  }

  get consecutiveFailures(): number {
    return this.#failures
  }

  /** When the state last changed, clock ns. */
  get sinceNs(): number {
    return this.#sinceNs
  }

  /** State changes so far. */
  get changes(): number {
    return this.#changes
  }

  /**
   * Takes up where the breaker of a thread that ended left off, as the
   * venue health board shows it: a venue that was down stays down for the
   * rest of its cooldown, counted from when it went down, and one that had
   * failures keeps their count. Half-open comes back down: its probe ended
   * with the thread. Returns whether anything was taken up.
   */
  resume(from: Readonly<VenueHealth>): boolean {
    if (from.state === VenueState.Up && from.consecutiveFailures === 0) return false
    this.#failures = from.consecutiveFailures
    this.#reason = from.reason
    this.#changes = from.changes
    if (from.state !== VenueState.Up) {
      this.#state = VenueState.Down
      this.#sinceNs = from.sinceNs
    }
    return true
  }

  /** New thresholds apply from the next outcome; an open breaker keeps the time it opened. */
  configure(settings: VenueBreakerSettings): void {
    this.#settings = checked(settings)
  }

  /** A call answered (a refusal of the order included: the venue is there). */
  success(): VenueBreakerChange | undefined {
    if (this.#state !== VenueState.Up) return undefined
    this.#failures = 0
    this.#reason = VenueDownReason.None
    return undefined
  }

  /** A call failed for `reason`. */
  failure(reason: VenueDownReason): VenueBreakerChange | undefined {
    this.#failures++
    if (this.#state !== VenueState.Up) return undefined
    this.#reason = reason
    return this.#failures >= this.#settings.failures ? this.#move(VenueState.Down, reason) : undefined
  }

  /** Open and cooled off: half-opens and returns the change; the caller sends one probe now. */
  tryProbe(): VenueBreakerChange | undefined {
    if (this.#state !== VenueState.Down || this.#clock.nowNs() - this.#sinceNs < this.#settings.cooldownMs * 1e6) return undefined
    return this.#move(VenueState.HalfOpen, this.#reason)
  }

  probeSucceeded(): VenueBreakerChange | undefined {
    if (this.#state !== VenueState.HalfOpen) return undefined
    this.#failures = 0
    this.#reason = VenueDownReason.None
    return this.#move(VenueState.Up, VenueDownReason.None)
  }

  probeFailed(reason: VenueDownReason): VenueBreakerChange | undefined {
    if (this.#state !== VenueState.HalfOpen) return undefined
    this.#failures++
    this.#reason = reason
    return this.#move(VenueState.Down, reason)
  }

  #move(to: VenueState, reason: VenueDownReason): VenueBreakerChange {
    const change = { from: this.#state, to, reason, consecutiveFailures: this.#failures }
    this.#state = to
    this.#sinceNs = this.#clock.nowNs()
    this.#changes++
    return change
  }
}

function checked(settings: VenueBreakerSettings): VenueBreakerSettings {
  if (!(Number.isInteger(settings.failures) && settings.failures >= 1)) {
    throw new WavesError('ERR_VENUE_CONFIG', `a venue breaker opens after a whole number of failures, at least 1; got ${settings.failures}`, { ...settings })
  }
  if (!(settings.cooldownMs >= 0)) throw new WavesError('ERR_VENUE_CONFIG', `a venue breaker's cooldown must not be negative, got ${settings.cooldownMs} ms`, { ...settings })
  return { ...settings }
}
