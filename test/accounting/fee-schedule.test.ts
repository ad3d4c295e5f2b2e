import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../src/accounting/amount.js'
import { feeQuoteUnits } from '../../src/accounting/fee.js'
import { VenueFeeTiers } from '../../src/accounting/fee-schedule.js'
import { flatFeeSchedule, PUBLISHED_FEE_SCHEDULES } from '../../src/accounting/published-fee-schedules.js'
import { RollingVolume } from '../../src/accounting/rolling-volume.js'
import { VenueFeeAccount } from '../../src/accounting/venue-fee-account.js'
import { formatDecimal, parseDecimal } from '../../src/market/decimal.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity } from '../../src/schemas/index.js'

const kraken = new VenueFeeTiers(PUBLISHED_FEE_SCHEDULES['kraken-pro']!)
const binance = new VenueFeeTiers(PUBLISHED_FEE_SCHEDULES['binance-spot']!)
const btc = new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!)
const DAY_NS = 86_400e9

describe('VenueFeeTiers', () => {
  it('finds the tier a 30-day volume has reached, a threshold itself included', () => {
    const at = (tiers: VenueFeeTiers, volume: string) => {
      const { tierIndex, makerBps, takerBps } = tiers.tierFor(parseDecimal(volume))
      return [tierIndex, makerBps, takerBps]
    }
    expect(at(kraken, '0')).toEqual([0, 25, 40])
    expect(at(kraken, '9999.99')).toEqual([0, 25, 40])
    expect(at(kraken, '10000')).toEqual([1, 20, 35])
    expect(at(kraken, '10000000')).toEqual([9, 0, 10])
    expect(at(kraken, '1e12')).toEqual([9, 0, 10])
    expect(at(binance, '19999999.99999999')).toEqual([2, 8, 10])
    expect(at(binance, '20000000')).toEqual([3, 4.2, 6])
    expect(binance.bpsFor(Liquidity.Maker, parseDecimal('150000000'))).toBe(3.6)
    expect(binance.bpsFor(Liquidity.Taker, parseDecimal('150000000'))).toBe(4.8)
  })

  it('charges the fractional rates of the upper tiers exactly', () => {
    // 1 BTC at 50 000: VIP 3 maker 4.2 bps = 21 USDT, VIP 4 taker 5.4 bps = 27 USDT
    const notional = btc.notional(btc.priceToTicks('50000.00'), btc.sizeToLots('1'))
    const fee = (bps: number) => formatDecimal(feeQuoteUnits(notional, bps, 8), 8)
    expect(fee(binance.bpsFor(Liquidity.Maker, parseDecimal('20000000')))).toBe('21.00000000')
    expect(fee(binance.bpsFor(Liquidity.Taker, parseDecimal('100000000')))).toBe('27.00000000')
  })

  it('accepts every published schedule and a flat one', () => {
    for (const schedule of Object.values(PUBLISHED_FEE_SCHEDULES)) expect(new VenueFeeTiers(schedule).schedule.tiers.length).toBe(10)
    expect(new VenueFeeTiers(flatFeeSchedule('sim', -0.5, 2.5)).tierFor(parseDecimal('1e15'))).toEqual({ minVolume30d: '0', makerBps: -0.5, takerBps: 2.5, tierIndex: 0 })
  })

  it('rejects a malformed schedule listing every problem', () => {
    expect(() =>
      new VenueFeeTiers({
        venue: 'x',
        volumeCurrency: 'USD',
        tiers: [
          { minVolume30d: '10', makerBps: 1, takerBps: 2 },
          { minVolume30d: '5', makerBps: Number.NaN, takerBps: 20_000 },
          { minVolume30d: 'lots', makerBps: 1, takerBps: 1 },
        ],
      }),
    ).toThrow(
      'fee schedule of x: tiers[0].minVolume30d must be 0 for the entry tier, got 10; tiers[1].minVolume30d must be above the tier before, got 5; ' +
        'tiers[1].makerBps must be a finite number of basis points within ±10000, got NaN; tiers[1].takerBps must be a finite number of basis points within ±10000, got 20000; ' +
        'tiers[2].minVolume30d must be a decimal as text, got "lots"',
    )
    expect(() => new VenueFeeTiers({ venue: 'y', volumeCurrency: 'USD', tiers: [] })).toThrow('fee schedule of y: tiers must list at least one tier')
  })
})

describe('RollingVolume', () => {
  it('counts a fill for 30 whole UTC days from its day, exactly', () => {
    const volume = new RollingVolume()
    volume.add(0.5 * DAY_NS, parseDecimal('600000.12345678'))
    volume.add(29 * DAY_NS + 1, parseDecimal('400000.00000007'))
    expect(formatAmount(volume.total(29 * DAY_NS + 2), 8)).toBe('1000000.12345685')
    expect(formatAmount(volume.total(30 * DAY_NS - 1), 7)).toBe('1000000.1234568') // a tie, half-even
    expect(formatAmount(volume.total(30 * DAY_NS), 8)).toBe('400000.00000007') // day 0 has left the window
    expect(formatAmount(volume.total(59 * DAY_NS), 8)).toBe('0.00000000')
  })

  it('moves a venue up a tier once the month reaches it', () => {
    const volume = new RollingVolume()
    const fill = btc.notional(btc.priceToTicks('40000.00'), btc.sizeToLots('10')) // 400 000 USDT a day
    const tiers: number[] = []
    for (let day = 0; day < 4; day++) {
      tiers.push(binance.tierFor(volume.total(day * DAY_NS)).tierIndex)
      volume.add(day * DAY_NS + 3_600e9, fill)
    }
    expect(tiers).toEqual([0, 0, 0, 1]) // 1.2 M after day 2
  })
})

describe('VenueFeeAccount', () => {
  it('checks each fee against the tier in force when it traded and counts a fee off the schedule', () => {
    const account = new VenueFeeAccount(binance)
    const fill = btc.notional(btc.priceToTicks('50000.00'), btc.sizeToLots('10')) // 500 000 USDT
    const check = (day: number, liquidity: Liquidity, charged: bigint) => {
      const c = account.record(day * DAY_NS, fill, liquidity, 8, charged)
      return [c.tier.tierIndex, c.bps, formatDecimal(c.expectedFeeQuoteUnits, 8)]
    }
    expect(check(0, Liquidity.Maker, 500_00000000n)).toEqual([0, 10, '500.00000000'])
    expect(check(0, Liquidity.Maker, 500_00000000n)).toEqual([0, 10, '500.00000000'])
    // 1 M traded: VIP 1 from the next fill on, maker 9 bps; the venue still charged 10
    expect(check(1, Liquidity.Maker, 500_00000000n)).toEqual([1, 9, '450.00000000'])
    expect(check(1, Liquidity.Taker, 500_00000000n)).toEqual([1, 10, '500.00000000'])
    expect(account.counts).toEqual({ checked: 4, mismatched: 1 })
    // a month later only the day-1 fills still count: 1 M, VIP 1
    expect(account.currentTier(30 * DAY_NS).tierIndex).toBe(1)
    expect(account.currentTier(31 * DAY_NS).tierIndex).toBe(0)
  })
})
