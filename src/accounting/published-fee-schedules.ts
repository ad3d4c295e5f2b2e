import type { FeeSchedule } from './fee-schedule.js'

/**
 * Spot fee tables in the shape venues publish them, as they stood in 2024.
 * Venues change these (and add conditions this table leaves out, such as
 * Binance's BNB balance per VIP level or its fee discount for paying in
 * BNB): a run trading for real configures its venue's current table; these
 * are defaults for the sim and for tests.
 */
export const PUBLISHED_FEE_SCHEDULES: Readonly<Record<string, FeeSchedule>> = Object.freeze({
  'binance-spot': {
    venue: 'binance-spot',
    volumeCurrency: 'USD',
    tiers: [
      { minVolume30d: '0', makerBps: 10, takerBps: 10 },
      { minVolume30d: '1000000', makerBps: 9, takerBps: 10 },
      { minVolume30d: '5000000', makerBps: 8, takerBps: 10 },
      { minVolume30d: '20000000', makerBps: 4.2, takerBps: 6 },
      { minVolume30d: '100000000', makerBps: 4.2, takerBps: 5.4 },
      { minVolume30d: '150000000', makerBps: 3.6, takerBps: 4.8 },
      { minVolume30d: '400000000', makerBps: 3, takerBps: 4.2 },
      { minVolume30d: '800000000', makerBps: 2.4, takerBps: 3.6 },
      { minVolume30d: '2000000000', makerBps: 1.8, takerBps: 3 },
      { minVolume30d: '4000000000', makerBps: 1.2, takerBps: 2.4 },
    ],
  },
  'kraken-pro': {
    venue: 'kraken-pro',
    volumeCurrency: 'USD',
    tiers: [
      { minVolume30d: '0', makerBps: 25, takerBps: 40 },
      { minVolume30d: '10000', makerBps: 20, takerBps: 35 },
      { minVolume30d: '50000', makerBps: 14, takerBps: 24 },
      { minVolume30d: '100000', makerBps: 12, takerBps: 22 },
      { minVolume30d: '250000', makerBps: 10, takerBps: 20 },
      { minVolume30d: '500000', makerBps: 8, takerBps: 18 },
      { minVolume30d: '1000000', makerBps: 6, takerBps: 16 },
      { minVolume30d: '2500000', makerBps: 4, takerBps: 14 },
      { minVolume30d: '5000000', makerBps: 2, takerBps: 12 },
      { minVolume30d: '10000000', makerBps: 0, takerBps: 10 },
    ],
  },
})

/** A one-tier schedule: the same maker and taker rate whatever the volume (the sim venue's flat fees). */
export function flatFeeSchedule(venue: string, makerBps: number, takerBps: number, volumeCurrency = 'USD'): FeeSchedule {
  return { venue, volumeCurrency, tiers: [{ minVolume30d: '0', makerBps, takerBps }] }
}
