import type { Clock } from '../../clock/clock.js'
import { isWavesError } from '../../errors/index.js'
import type { Logger } from '../../log/logger.js'
import {
  VenueBreaker,
  VenueDownReason,
  venueFailureReasonOf,
  venueDownReasonName,
  VenueState,
  venueStateName,
  type VenueBreakerSettings,
  type VenueHealth,
  type VenueHealthWriter,
} from '../../venues/health/index.js'
import type { Counters } from '../agent.js'

export interface VenueHealthKeeperOptions {
  /** Venue names in venue-id order (ids from 1). */
  venues: readonly string[]
  breaker: VenueBreakerSettings
  /** Names of venues an operator has taken down. */
  venuesDown: readonly string[]
  writer: VenueHealthWriter
  clock: Clock
  logger: Logger
  counters: Counters
}

/** What one venue's sessions did, for health. */
interface VenueTally {
  orders: number
  refused: number
  fills: number
  failures: number
}

/**
 * The adapters' view of each venue's health: a breaker per venue fed by the
 * outcome of every venue call, an operator's list of venues taken down, and
 * the venue health board other agents route by. A venue takes orders only
 * when its breaker is closed and no operator took it down. Every change of a
 * venue's state is published, logged and counted once.
 */
export class VenueHealthKeeper {
  readonly #venues: readonly string[]
  readonly #breakers: VenueBreaker[]
  readonly #operatorDown: boolean[]
  readonly #tallies: VenueTally[]
  /** The group last published per venue: a change of state is what gets logged and counted. */
  readonly #published: VenueHealth[]
  readonly #writer: VenueHealthWriter
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #counters: Counters

  constructor(options: VenueHealthKeeperOptions) {
    this.#venues = options.venues
    this.#writer = options.writer
    this.#clock = options.clock
    this.#logger = options.logger
    this.#counters = options.counters
    this.#breakers = options.venues.map(() => new VenueBreaker(options.breaker, options.clock))
    this.#operatorDown = options.venues.map((name) => options.venuesDown.includes(name))
    this.#tallies = options.venues.map(() => ({ orders: 0, refused: 0, fills: 0, failures: 0 }))
    const nowNs = options.clock.nowNs()
    // The board outlives an adapters thread: a restarted one takes up each venue's breaker
    // from it, so a venue that was failing is not sent orders again as if nothing had happened.
    this.#published = options.venues.map((name, k) => {
      const last = options.writer.lastPublished(k + 1)
      // Down for the operator says nothing of the breaker beneath: the config says again who is down.
      if (last.reason !== VenueDownReason.Operator && this.#breakers[k]!.resume(last)) {
        this.#bump('venue_breakers_resumed')
        options.logger.warn(
          { venue: name, state: venueStateName(last.state), reason: venueDownReasonName(last.reason), consecutiveFailures: last.consecutiveFailures },
          `venue ${name}: its breaker taken up from the health board after the adapters restarted`,
        )
      }
      // A group never written reads as up since now.
      return last.changes === 0 && last.state === VenueState.Up ? { ...last, sinceNs: nowNs } : last
    })
    for (let v = 1; v <= options.venues.length; v++) this.#publish(v, 'as configured', true)
  }

  /** New orders may go to `venueId`. */
  accepts(venueId: number): boolean {
    const k = venueId - 1
    return this.#operatorDown[k] === false && this.#breakers[k]!.closed
  }

  /** Calls may go to `venueId` (its breaker is closed), to settle the orders it has even if an operator took it down. */
  reachable(venueId: number): boolean {
    return this.#breakers[venueId - 1]!.closed
  }

  /** An order for a venue that is down was answered Rejected without being sent. */
  refused(venueId: number): void {
    this.#tallies[venueId - 1]!.refused++
    this.#bump('orders_refused_venue_down')
  }

  /** An order went to the venue. */
  sent(venueId: number): void {
    this.#tallies[venueId - 1]!.orders++
  }

  /** A fill of the venue's was written. */
  filled(venueId: number): void {
    this.#tallies[venueId - 1]!.fills++
  }

  /** A call to the venue was answered. */
  success(venueId: number): void {
    const breaker = this.#breakers[venueId - 1]!
    const before = breaker.consecutiveFailures
    breaker.success()
    if (before !== breaker.consecutiveFailures) this.#publish(venueId, 'answered')
  }

  /** A call to the venue failed for `reason`, after the adapter's own retries. */
  failure(venueId: number, reason: VenueDownReason): void {
    this.#tallies[venueId - 1]!.failures++
    this.#bump('venue_call_failures')
    this.#breakers[venueId - 1]!.failure(reason)
    this.#publish(venueId, `${this.#breakers[venueId - 1]!.consecutiveFailures} calls failed in a row`)
  }

  /**
   * An order-entry call (a create, cancel or amend) threw `err`: a failure
   * when the venue did not answer as it should, a success when it answered
   * with a refusal (an order refused, or one it does not know), since either
   * way order entry works. Returns the failure's reason, undefined when the
   * venue answered or the fault was ours.
   */
  orderCallFailed(venueId: number, err: unknown): VenueDownReason | undefined {
    const reason = venueFailureReasonOf(err)
    if (reason !== undefined) this.failure(venueId, reason)
    else if (isWavesError(err, 'ERR_VENUE_REJECTED') || isWavesError(err, 'ERR_VENUE_UNKNOWN_ORDER')) this.success(venueId)
    return reason
  }

  /** The venue's breaker has cooled off: true once, when the caller should send its one probe now. */
  probeDue(venueId: number): boolean {
    const change = this.#breakers[venueId - 1]!.tryProbe()
    if (change === undefined) return false
    this.#bump('venue_probes')
    this.#publish(venueId, 'cooled off: one probe call')
    return true
  }

  probeSucceeded(venueId: number): void {
    this.#breakers[venueId - 1]!.probeSucceeded()
    this.#publish(venueId, 'the probe was answered')
  }

  probeFailed(venueId: number, reason: VenueDownReason): void {
    this.#tallies[venueId - 1]!.failures++
    this.#bump('venue_call_failures')
    this.#breakers[venueId - 1]!.probeFailed(reason)
    this.#publish(venueId, 'the probe failed')
  }

  /** New breaker thresholds and the operator's list of venues down, from a config change. */
  configure(breaker: VenueBreakerSettings, venuesDown: readonly string[]): void {
    for (const b of this.#breakers) b.configure(breaker)
    this.#venues.forEach((name, k) => {
      const down = venuesDown.includes(name)
      if (down === this.#operatorDown[k]) return
      this.#operatorDown[k] = down
      this.#bump(down ? 'venue_taken_down' : 'venue_put_back')
      const why = down ? 'taken down by an operator' : 'put back by an operator'
      // Its breaker may hold it down anyway: the operator's move is logged even when the state does not change.
      if (!this.#publish(k + 1, why)) this.#logger.warn({ venue: name, state: venueStateName(this.#published[k]!.state) }, `venue ${name} ${why}`)
    })
  }

  /** Per venue: state, reason, failures and what its sessions did. */
  detail(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(
      this.#venues.map((name, k) => {
        const p = this.#published[k]!
        return [name, { state: venueStateName(p.state), reason: venueDownReasonName(p.reason), consecutiveFailures: p.consecutiveFailures, sinceNs: p.sinceNs, ...this.#tallies[k]! }]
      }),
    )
  }

  /**
   * Writes the venue's group when anything in it changed (a failure that
   * leaves the breaker closed still moves the count readers see); a change
   * of state is logged, with `why`, and counted.
   */
  #publish(venueId: number, why: string, always = false): boolean {
    const k = venueId - 1
    const breaker = this.#breakers[k]!
    const operator = this.#operatorDown[k]!
    const state = operator ? VenueState.Down : breaker.state
    const reason = operator ? VenueDownReason.Operator : breaker.reason
    const last = this.#published[k]!
    const moved = state !== last.state
    if (!moved && !always && reason === last.reason && breaker.consecutiveFailures === last.consecutiveFailures) return false
    const next: VenueHealth = {
      state,
      reason,
      consecutiveFailures: breaker.consecutiveFailures,
      changes: last.changes + (moved ? 1 : 0),
      sinceNs: moved ? this.#clock.nowNs() : last.sinceNs,
    }
    this.#published[k] = next
    this.#writer.publish(venueId, next)
    if (!moved) return false
    const venue = this.#venues[k]
    const fields = { venue, from: venueStateName(last.state), to: venueStateName(state), reason: venueDownReasonName(reason), consecutiveFailures: breaker.consecutiveFailures }
    if (state === VenueState.Down) {
      this.#bump('venue_down')
      this.#logger.warn(fields, `venue ${venue} is down (${why}): orders go to the other venues`)
    } else if (state === VenueState.HalfOpen) {
      this.#bump('venue_half_open')
      this.#logger.info(fields, `venue ${venue} is half-open (${why})`)
    } else {
      this.#bump('venue_up')
      this.#logger.info(fields, `venue ${venue} is up again (${why})`)
    }
    return true
  }

  #bump(name: string): void {
    this.#counters[name] = (this.#counters[name] ?? 0) + 1
  }
}
