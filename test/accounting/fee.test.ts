import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { feeQuoteUnits } from '../../src/accounting/fee.js'
import { formatDecimal } from '../../src/market/decimal.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'

const btc = new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!)
const aapl = new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS.AAPL!)

function feeText(precision: InstrumentPrecision, price: string, size: string, bps: number): string {
  const notional = precision.notional(precision.priceToTicks(price), precision.sizeToLots(size))
  const decimals = precision.spec.quoteDecimals
  return formatDecimal(feeQuoteUnits(notional, bps, decimals), decimals)
}

describe('feeQuoteUnits', () => {
  it('charges whole and fractional basis points exactly', () => {
    // 50 000 × 0.01 = 500 USDT: 10 bps = 0.5, 7.5 bps = 0.375, 2.25 bps = 0.1125
    expect(feeText(btc, '50000.00', '0.01', 10)).toBe('0.50000000')
    expect(feeText(btc, '50000.00', '0.01', 7.5)).toBe('0.37500000')
    expect(feeText(btc, '50000.00', '0.01', 2.25)).toBe('0.11250000')
    // 87 648.21 × 0.00037 = 32.4298377 USDT; 1 bp of it = 0.00324298377 → rounded up at 8 decimals
    expect(feeText(btc, '87648.21', '0.00037', 1)).toBe('0.00324299')
  })

  it('rounds a fee up to the next cent and a rebate toward zero', () => {
    // 187.1234 × 3 = 561.3702 USD; 7.5 bps = 0.42102765 → 0.43
    expect(feeText(aapl, '187.1234', '3', 7.5)).toBe('0.43')
    // a -2.5 bps maker rebate = -0.14034255 → -0.14: never pays out more than earned
    expect(feeText(aapl, '187.1234', '3', -2.5)).toBe('-0.14')
    // on the cent grid already: no rounding
    expect(feeText(aapl, '100.0000', '100', 10)).toBe('10.00')
    expect(feeText(aapl, '100.0000', '100', 0)).toBe('0.00')
  })

  it('does not let binary floating point reach the fee: 0.1 + 0.2 bps is read as written', () => {
    // 10^20 at 0.3 bps is exactly 3·10^15; at 0.1 + 0.2 = 0.30000000000000004 bps it is
    // 3 000 000 000 000 000.4, rounded up: the rate is taken as its shortest text says
    expect(feeQuoteUnits({ units: 10n ** 20n, scale: 0 }, 0.3, 0)).toBe(3000000000000000n)
    expect(feeQuoteUnits({ units: 10n ** 20n, scale: 0 }, 0.1 + 0.2, 0)).toBe(3000000000000001n)
  })

  it('prop_fee_is_the_least_quote_unit_not_below_the_exact_fee', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: -5000, max: 10000 }),
        fc.integer({ min: 0, max: 10 }),
        (units, scale, bpsHundredths, quoteDecimals) => {
          const fee = feeQuoteUnits({ units, scale }, bpsHundredths / 100, quoteDecimals)
          // exact fee in quote units = units × bpsHundredths / 10^(scale + 6 - quoteDecimals)
          const numerator = units * BigInt(bpsHundredths) * 10n ** BigInt(quoteDecimals)
          const denominator = 10n ** BigInt(scale + 6)
          expect(fee * denominator >= numerator).toBe(true)
          expect((fee - 1n) * denominator < numerator).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('rejects a rate that is not finite and quote decimals that are not whole, naming them', () => {
    const notional = { units: 1n, scale: 0 }
    expect(() => feeQuoteUnits(notional, Number.NaN, 2)).toThrow('fee rate must be a finite number of basis points, got NaN')
    expect(() => feeQuoteUnits(notional, Number.POSITIVE_INFINITY, 2)).toThrow('fee rate must be a finite number of basis points, got Infinity')
    expect(() => feeQuoteUnits(notional, 1, -1)).toThrow('quote decimals must be a non-negative integer, got -1')
    expect(() => feeQuoteUnits(notional, 1, 1.5)).toThrow('quote decimals must be a non-negative integer, got 1.5')
  })
})
