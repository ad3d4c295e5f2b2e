import type { WavesConfig } from '../config/index.js'
import { parseDecimal } from '../market/decimal.js'
import { VenueFeeTiers, type FeeSchedule } from './fee-schedule.js'
import { flatFeeSchedule, PUBLISHED_FEE_SCHEDULES } from './published-fee-schedules.js'
import { VenueFeeAccount } from './venue-fee-account.js'

/** Each configured venue's fee schedule, in venue-id order: its own table, a published one, or flat at the default rates. */
export function venueFeeSchedulesOf(engineConfig: Readonly<Record<string, unknown>>): FeeSchedule[] {
  const config = engineConfig as unknown as WavesConfig
  const fees = config.fees_monitor
  return config.data_feeds.venues.map((venue) => {
    const own = fees.venueFees[venue]
    if (own === undefined) return flatFeeSchedule(venue, fees.makerFeeBps, fees.takerFeeBps)
    if (own.tiers !== undefined) return { venue, volumeCurrency: own.volumeCurrency, tiers: own.tiers }
    return { ...PUBLISHED_FEE_SCHEDULES[own.schedule!]!, venue }
  })
}

/**
 * A fee account per configured venue, in venue-id order, each holding the
 * 30-day volume the config says the account had already traded there,
 * counted on the day of `startNs`; or, restoring, the days a snapshot kept.
 */
export function venueFeeAccountsOf(
  engineConfig: Readonly<Record<string, unknown>>,
  startNs: number,
  restoredDays?: ReadonlyArray<ReadonlyArray<readonly [number, string]>>,
): VenueFeeAccount[] {
  const config = engineConfig as unknown as WavesConfig
  return venueFeeSchedulesOf(engineConfig).map((schedule, k) => {
    const account = new VenueFeeAccount(new VenueFeeTiers(schedule))
    const days = restoredDays?.[k]
    if (days !== undefined) {
      account.volume.restore(days)
      return account
    }
    const already = parseDecimal(config.fees_monitor.venueFees[schedule.venue]?.volume30d ?? '0')
    if (already.units > 0n) account.volume.add(startNs, already)
    return account
  })
}
