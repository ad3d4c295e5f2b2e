import { WavesError } from '../../errors/index.js'
import {
  F_CHANGES,
  F_FAILURES,
  F_REASON,
  F_SEQ,
  F_SINCE_HI,
  F_SINCE_LO,
  F_STATE,
  groupOffset,
  H_MAGIC,
  H_VENUES,
  H_VERSION,
  VENUE_HEALTH_LAYOUT_VERSION,
  VENUE_HEALTH_MAGIC,
  venueHealthBytes,
  VenueState,
  type VenueDownReason,
} from './venue-health-layout.js'

/** One venue's group as read whole. */
export interface VenueHealth {
  state: VenueState
  reason: VenueDownReason
  consecutiveFailures: number
  changes: number
  sinceNs: number
}

/**
 * How long one odd sequence word may stay unchanged before its writer is
 * taken for dead. A live writer holds a group for a few stores, but the OS
 * may preempt it in between for a scheduling quantum or more: time, not a
 * count of spins, tells the two apart.
 */
const STUCK_MS = 500
/** Spins between looks at the clock. */
const SPINS_PER_LOOK = 1024

/**
 * Whether each venue can take orders, in shared memory (layout in
 * `venue-health-layout.ts`). Any thread attaches to it and reads without a
 * lock; `VenueHealthWriter` is the one writer.
 */
export class VenueHealthBoard {
  readonly sab: SharedArrayBuffer
  readonly words: Int32Array
  readonly venues: number

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab
    this.words = new Int32Array(sab)
    this.venues = this.words[H_VENUES]!
  }

  /** A board of `venues` venues, every one up. */
  static create(venues: number): VenueHealthBoard {
    if (!(Number.isInteger(venues) && venues >= 0)) throw new WavesError('ERR_VENUE_HEALTH_LAYOUT', `a venue health board needs a whole number of venues, got ${venues}`, { venues })
    const words = new Int32Array(new SharedArrayBuffer(venueHealthBytes(venues)))
    words[H_MAGIC] = VENUE_HEALTH_MAGIC
    words[H_VERSION] = VENUE_HEALTH_LAYOUT_VERSION
    words[H_VENUES] = venues
    return new VenueHealthBoard(words.buffer as SharedArrayBuffer)
  }

  /** This thread's view of a board made by `create`, its layout checked. */
  static attach(sab: SharedArrayBuffer): VenueHealthBoard {
    const words = sab instanceof SharedArrayBuffer && sab.byteLength >= venueHealthBytes(0) ? new Int32Array(sab) : undefined
    if (words === undefined || words[H_MAGIC] !== VENUE_HEALTH_MAGIC || words[H_VERSION] !== VENUE_HEALTH_LAYOUT_VERSION || sab.byteLength !== venueHealthBytes(words[H_VENUES]!)) {
      throw new WavesError('ERR_VENUE_HEALTH_LAYOUT', 'not a venue health board of this layout version', {
        bytes: sab instanceof SharedArrayBuffer ? sab.byteLength : undefined,
        magic: words?.[H_MAGIC],
        version: words?.[H_VERSION],
      })
    }
    return new VenueHealthBoard(sab)
  }

  /** Orders may be routed to `venueId` (from 1): one atomic load, no lock, no allocation. */
  routable(venueId: number): boolean {
    return Atomics.load(this.words, groupOffset(venueId) + F_STATE) === VenueState.Up
  }

  state(venueId: number): VenueState {
    return Atomics.load(this.words, groupOffset(venueId) + F_STATE) as VenueState
  }

  /** The venue's whole group, never torn: a sequence-locked read, retried while the writer is inside it. */
  read(venueId: number, into: VenueHealth = { state: VenueState.Up, reason: 0, consecutiveFailures: 0, changes: 0, sinceNs: 0 }): VenueHealth {
    this.#check(venueId)
    const w = this.words
    const at = groupOffset(venueId)
    // A sequence that keeps moving is a live writer: retry. One that stays odd is a writer that died inside the group.
    let spins = 0
    let last = Number.NaN
    let stuckSinceMs = 0
    for (;;) {
      const before = Atomics.load(w, at + F_SEQ)
      if ((before & 1) !== 0) {
        if (before !== last) {
          last = before
          spins = 0
          stuckSinceMs = 0
        } else if (++spins % SPINS_PER_LOOK === 0) {
          const nowMs = performance.now()
          if (stuckSinceMs === 0) stuckSinceMs = nowMs
          else if (nowMs - stuckSinceMs > STUCK_MS) break
        }
        continue
      }
      into.state = Atomics.load(w, at + F_STATE) as VenueState
      into.reason = Atomics.load(w, at + F_REASON) as VenueDownReason
      into.consecutiveFailures = Atomics.load(w, at + F_FAILURES)
      into.changes = Atomics.load(w, at + F_CHANGES)
      into.sinceNs = Atomics.load(w, at + F_SINCE_HI) * 2 ** 32 + (Atomics.load(w, at + F_SINCE_LO) >>> 0)
      if (Atomics.load(w, at + F_SEQ) === before) return into
    }
    throw new WavesError('ERR_VENUE_HEALTH_LAYOUT', `venue ${venueId}'s health group stayed mid-write: its writer stopped inside it`, { venueId })
  }

  #check(venueId: number): void {
    if (!(Number.isInteger(venueId) && venueId >= 1 && venueId <= this.venues)) {
      throw new WavesError('ERR_VENUE_HEALTH_LAYOUT', `the venue health board has venues 1 to ${this.venues}, got ${venueId}`, { venueId, venues: this.venues })
    }
  }
}
