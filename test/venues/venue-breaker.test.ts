import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/clock/clock.js'
import { isWavesError, WavesError } from '../../src/errors/index.js'
import { venueError } from '../../src/venues/ccxt/venue-errors.js'
import { VenueBreaker, VenueDownReason, venueFailureReasonOf, VenueState } from '../../src/venues/health/index.js'

const MS = 1e6

function breaker(failures = 3, cooldownMs = 1_000) {
  const clock = new ManualClock(5_000 * MS)
  return { clock, b: new VenueBreaker({ failures, cooldownMs }, clock) }
}

describe('venue breaker', () => {
  it('opens on the Nth consecutive failure, and an answer in between starts the count again', () => {
    const { clock, b } = breaker(3)
    expect(b.failure(VenueDownReason.Timeout)).toBeUndefined()
    expect(b.failure(VenueDownReason.Timeout)).toBeUndefined()
    b.success()
    expect(b.consecutiveFailures).toBe(0)
    expect(b.reason).toBe(VenueDownReason.None)
    expect(b.failure(VenueDownReason.Unavailable)).toBeUndefined()
    expect(b.failure(VenueDownReason.RateLimited)).toBeUndefined()
    expect(b.closed).toBe(true)
    clock.advanceNs(7 * MS)
    expect(b.failure(VenueDownReason.Malformed)).toEqual({ from: VenueState.Up, to: VenueState.Down, reason: VenueDownReason.Malformed, consecutiveFailures: 3 })
    expect(b.state).toBe(VenueState.Down)
    expect(b.closed).toBe(false)
    expect(b.sinceNs).toBe(5_007 * MS)
    expect(b.changes).toBe(1)
  })

  it('lets one probe through only once the cooldown is over, and the probe alone closes it', () => {
    const { clock, b } = breaker(1, 1_000)
    b.failure(VenueDownReason.Timeout)
    clock.advanceNs(999 * MS)
    expect(b.tryProbe()).toBeUndefined()
    // An answer to a call made before it opened says nothing about the venue now.
    expect(b.success()).toBeUndefined()
    expect(b.state).toBe(VenueState.Down)
    clock.advanceNs(1 * MS)
    expect(b.tryProbe()).toEqual({ from: VenueState.Down, to: VenueState.HalfOpen, reason: VenueDownReason.Timeout, consecutiveFailures: 1 })
    // One probe at a time: a second asker gets none while the first is out.
    expect(b.tryProbe()).toBeUndefined()
    expect(b.closed).toBe(false)
    // Late outcomes of other calls move nothing while the probe decides.
    expect(b.failure(VenueDownReason.Unavailable)).toBeUndefined()
    expect(b.success()).toBeUndefined()
    expect(b.state).toBe(VenueState.HalfOpen)
    expect(b.probeSucceeded()).toEqual({ from: VenueState.HalfOpen, to: VenueState.Up, reason: VenueDownReason.None, consecutiveFailures: 0 })
    expect(b.closed).toBe(true)
    expect(b.consecutiveFailures).toBe(0)
    expect(b.changes).toBe(3)
  })

  it('opens again for a whole cooldown when the probe fails', () => {
    const { clock, b } = breaker(2, 500)
    b.failure(VenueDownReason.Unavailable)
    b.failure(VenueDownReason.Unavailable)
    clock.advanceNs(500 * MS)
    expect(b.tryProbe()?.to).toBe(VenueState.HalfOpen)
    clock.advanceNs(40 * MS)
    expect(b.probeFailed(VenueDownReason.RateLimited)).toEqual({ from: VenueState.HalfOpen, to: VenueState.Down, reason: VenueDownReason.RateLimited, consecutiveFailures: 3 })
    expect(b.sinceNs).toBe(5_540 * MS)
    clock.advanceNs(499 * MS)
    expect(b.tryProbe()).toBeUndefined()
    clock.advanceNs(1 * MS)
    expect(b.tryProbe()?.to).toBe(VenueState.HalfOpen)
    // A probe outcome when no probe is out is ignored.
    expect(breaker().b.probeSucceeded()).toBeUndefined()
    expect(breaker().b.probeFailed(VenueDownReason.Timeout)).toBeUndefined()
  })

  it('takes new thresholds from the next outcome on, and refuses thresholds that cannot work', () => {
    const { b } = breaker(5)
    b.failure(VenueDownReason.Timeout)
    b.configure({ failures: 2, cooldownMs: 0 })
    expect(b.failure(VenueDownReason.Timeout)?.to).toBe(VenueState.Down)
    expect(b.tryProbe()?.to).toBe(VenueState.HalfOpen)
    for (const bad of [{ failures: 0, cooldownMs: 1 }, { failures: 1.5, cooldownMs: 1 }, { failures: 1, cooldownMs: -1 }]) {
      let thrown: unknown
      try {
        new VenueBreaker(bad, new ManualClock())
      } catch (err) {
        thrown = err
      }
      expect(isWavesError(thrown, 'ERR_VENUE_CONFIG'), JSON.stringify(bad)).toBe(true)
    }
  })
})

describe('venue failure reasons', () => {
  it('count a venue that did not answer as it should, never one that answered no or a fault of ours', () => {
    const ctx = { venue: 'binance', call: 'createOrder' }
    expect(venueFailureReasonOf(venueError('timeout', ctx, new Error('x')))).toBe(VenueDownReason.Timeout)
    expect(venueFailureReasonOf(venueError('unavailable', ctx, new Error('x')))).toBe(VenueDownReason.Unavailable)
    expect(venueFailureReasonOf(venueError('rate_limited', ctx, new Error('x')))).toBe(VenueDownReason.RateLimited)
    expect(venueFailureReasonOf(venueError('malformed', ctx, new Error('x')))).toBe(VenueDownReason.Malformed)
    expect(venueFailureReasonOf(venueError('rejected', ctx, new Error('x')))).toBeUndefined()
    expect(venueFailureReasonOf(venueError('not_found', ctx, new Error('x')))).toBeUndefined()
    expect(venueFailureReasonOf(new WavesError('ERR_VENUE_CONFIG', 'no such instrument'))).toBeUndefined()
    expect(venueFailureReasonOf(new Error('anything else'))).toBeUndefined()
  })
})
