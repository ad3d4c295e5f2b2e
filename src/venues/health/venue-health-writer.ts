import { WavesError } from '../../errors/index.js'
import type { VenueHealth, VenueHealthBoard } from './venue-health-board.js'
import { F_CHANGES, F_FAILURES, F_REASON, F_SEQ, F_SINCE_HI, F_SINCE_LO, F_STATE, groupOffset } from './venue-health-layout.js'

/**
 * The one writer of a venue health board: the adapters agent, which is
 * where venue calls succeed or fail. A group is written inside its sequence
 * lock, so a whole-group read never sees half of it.
 */
export class VenueHealthWriter {
  readonly #board: VenueHealthBoard

  constructor(board: VenueHealthBoard) {
    this.#board = board
  }

  /** What was last published for `venueId`, by this writer or one before it (a thread that was restarted). */
  lastPublished(venueId: number): VenueHealth {
    return this.#board.read(venueId)
  }

  publish(venueId: number, health: Readonly<VenueHealth>): void {
    if (!(Number.isInteger(venueId) && venueId >= 1 && venueId <= this.#board.venues)) {
      throw new WavesError('ERR_VENUE_HEALTH_LAYOUT', `the venue health board has venues 1 to ${this.#board.venues}, got ${venueId}`, { venueId })
    }
    const w = this.#board.words
    const at = groupOffset(venueId)
    // Odd whatever the word holds: a writer that died mid-write left it odd, and this write still locks.
    const locked = (Atomics.load(w, at + F_SEQ) + 1) | 1
    Atomics.store(w, at + F_SEQ, locked)
    const sinceNs = Math.max(0, Math.floor(health.sinceNs))
    Atomics.store(w, at + F_REASON, health.reason)
    Atomics.store(w, at + F_FAILURES, health.consecutiveFailures)
    Atomics.store(w, at + F_CHANGES, health.changes)
    Atomics.store(w, at + F_SINCE_HI, Math.floor(sinceNs / 2 ** 32))
    Atomics.store(w, at + F_SINCE_LO, sinceNs % 2 ** 32)
    // State last: a routing reader, which reads it alone, sees the venue change only once the rest is in.
    Atomics.store(w, at + F_STATE, health.state)
    Atomics.store(w, at + F_SEQ, locked + 1)
  }
}
