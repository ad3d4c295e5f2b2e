import { isWavesError } from '../../errors/index.js'
import { VenueDownReason } from './venue-health-layout.js'

/**
 * What a failed venue call says about the venue's health: a reason when the
 * venue did not answer as it should (after the adapter's own retries), or
 * undefined when it answered, a refusal included, or the fault was ours.
 */
export function venueFailureReasonOf(err: unknown): VenueDownReason | undefined {
  if (isWavesError(err, 'ERR_VENUE_TIMEOUT')) return VenueDownReason.Timeout
  if (isWavesError(err, 'ERR_VENUE_UNAVAILABLE')) return VenueDownReason.Unavailable
  if (isWavesError(err, 'ERR_VENUE_RATE_LIMITED')) return VenueDownReason.RateLimited
  if (isWavesError(err, 'ERR_VENUE_MALFORMED')) return VenueDownReason.Malformed
  return undefined
}
