import { Board, BoardReader } from '../boards/index.js'
import { epochNsOf } from '../clock/clock.js'
import { AccountState } from '../schemas/index.js'
import type { FeeTierMatch } from './fee-schedule.js'
import { venueFeeAccountsOf } from './venue-fee-accounts.js'

/** What the tiers are copied into: the router's venue costs (`RouterInput`). */
export interface VenueFeeRatesTarget {
  /** Venue index from 0; an index the target does not have is its to ignore. */
  setFees(venue: number, makerBps: number, takerBps: number): void
}

/**
 * Follows the venue fee tiers fees_monitor publishes on the account state
 * board (once a cycle, at the monitor step), so the router prices each
 * venue's lots at the tier the account is in rather than at entry rates.
 * Before the first publish, each venue's tier is the one its configured
 * 30-day volume puts it in.
 */
export class VenueFeeFollower {
  readonly #reader: BoardReader
  #starting: FeeTierMatch[] | undefined
  #version = -1
  /** Publishes whose tiers were applied. */
  applied = 0

  /** `clockNs`: the engine clock now, for the configured volume's day. */
  constructor(accountState: SharedArrayBuffer, engineConfig: Readonly<Record<string, unknown>>, clockNs: number) {
    this.#reader = new BoardReader(Board.attach(accountState))
    const epochNs = epochNsOf(clockNs)
    this.#starting = venueFeeAccountsOf(engineConfig, epochNs).map((account) => account.currentTier(epochNs))
  }

  /** Copies the latest publish's tiers into `target` if it is new (the starting tiers, the first time); returns whether it was. */
  applyTo(target: VenueFeeRatesTarget): boolean {
    if (this.#starting !== undefined) {
      this.#starting.forEach((tier, venue) => target.setFees(venue, tier.makerBps, tier.takerBps))
      this.#starting = undefined
    }
    if (!this.#reader.changedSince(this.#version)) return false
    const applied = this.#reader.readWith((bb, version) => {
      const state = AccountState.getRootAsAccountState(bb)
      for (let i = 0; i < state.venueFeesLength(); i++) {
        const standing = state.venueFees(i)!
        target.setFees(standing.venueId() - 1, standing.makerBps(), standing.takerBps())
      }
      this.#version = version
      return true
    })
    if (applied !== true) return false
    this.applied++
    return true
  }
}
