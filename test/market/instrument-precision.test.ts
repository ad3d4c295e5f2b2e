import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatDecimal, parseDecimal, stepsOf } from '../../src/market/decimal.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'

describe('decimal', () => {
  it('parses text and numbers exactly', () => {
    expect(parseDecimal('87648.21000000')).toEqual({ units: 8764821000000n, scale: 8 })
    expect(parseDecimal('-0.5')).toEqual({ units: -5n, scale: 1 })
    expect(parseDecimal('1e-8')).toEqual({ units: 1n, scale: 8 })
    expect(parseDecimal('2.5E3')).toEqual({ units: 2500n, scale: 0 })
    expect(parseDecimal(0.1)).toEqual({ units: 1n, scale: 1 })
    expect(parseDecimal('.25')).toEqual({ units: 25n, scale: 2 })
  })

  it('rejects what is not a decimal, naming it', () => {
    expect(() => parseDecimal('1.2.3')).toThrow('not a decimal number: "1.2.3"')
    expect(() => parseDecimal('')).toThrow('not a decimal number: ""')
    expect(() => parseDecimal(Number.NaN)).toThrow('not a finite number: NaN')
    expect(() => parseDecimal('87648.21e9999999')).toThrow('decimal number out of range: "87648.21e9999999"')
    expect(() => parseDecimal('1'.repeat(101))).toThrow('decimal number out of range')
  })

  it('prop_format_then_parse_is_identity', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }), (units, scale) => {
        expect(parseDecimal(formatDecimal(units, scale))).toEqual({ units, scale })
      }),
    )
  })

  it('counts steps only on the grid', () => {
    expect(stepsOf(parseDecimal('1.25'), parseDecimal('0.05'))).toBe(25n)
    expect(stepsOf(parseDecimal('1.26'), parseDecimal('0.05'))).toBeUndefined()
  })
})

describe('InstrumentPrecision', () => {
  const btc = new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!)

  it('converts prices and sizes to ticks and lots and back exactly', () => {
    expect(btc.priceToTicks('87648.21')).toBe(8764821)
    expect(btc.priceToTicks(87648.21)).toBe(8764821)
    expect(btc.ticksToPrice(8764821)).toBe('87648.21')
    expect(btc.sizeToLots('0.08185000')).toBe(8185)
    expect(btc.lotsToSize(8185)).toBe('0.08185')
    expect(btc.notional(8764821, 8185)).toEqual({ units: 8764821n * 8185n, scale: 7 })
  })

  it('refuses a price off the tick grid instead of rounding it', () => {
    expect(() => btc.priceToTicks('87648.215')).toThrow('BTC-USDT price 87648.215 is not a whole number of ticks of 0.01')
    expect(() => btc.sizeToLots('0.000001')).toThrow('BTC-USDT size 0.000001 is not a whole number of lots of 0.00001')
  })

  it('refuses a spec without a positive tick', () => {
    expect(() => new InstrumentPrecision({ ...DEFAULT_INSTRUMENT_SPECS['AAPL']!, tickSize: '0' })).toThrow(
      'instrument AAPL needs a positive tick and lot and whole quote decimals',
    )
  })
})
