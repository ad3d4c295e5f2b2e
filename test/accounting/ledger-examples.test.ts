import { describe, expect, it } from 'vitest'
import { cash, formatTotals, netPnl } from '../../src/accounting/account-totals.js'
import { formatAmount } from '../../src/accounting/amount.js'
import { feeQuoteUnits } from '../../src/accounting/fee.js'
import { Ledger } from '../../src/accounting/ledger.js'
import { averageEntryPrice, averageEntryTicks, tickLotsAmount } from '../../src/accounting/position.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity, Side } from '../../src/schemas/index.js'

const specs = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'AAPL'].map((s) => new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS[s]!))
const ETH = 1
const AAPL = 3
const VENUE = 1

/** A fill as a venue would report it, from decimal text, with its fee at `bps` computed as the venue does. */
function fill(strategyId: number, instrumentId: number, side: Side, size: string, price: string, bps = 0, liquidity = Liquidity.Taker) {
  const precision = specs[instrumentId]!
  const priceTicks = precision.priceToTicks(price)
  const sizeLots = precision.sizeToLots(size)
  const fee = feeQuoteUnits(precision.notional(priceTicks, sizeLots), bps, precision.spec.quoteDecimals)
  return { strategyId, venueId: VENUE, instrumentId, side, liquidity, priceTicks, sizeLots, feeQuoteUnits: fee }
}

describe('Ledger, hand-checked', () => {
  it('opens, adds, partly closes, flips and closes a position at average cost, to the cent', () => {
    const ledger = new Ledger({ instruments: specs })
    const steps: [Side, string, string, string | undefined, string][] = [
      // side, size, price, average after, realized after
      [Side.Buy, '100', '10.0000', '10.0000', '0.00'],
      [Side.Buy, '50', '10.3000', '10.1000', '0.00'], // (1000 + 515) / 150
      [Side.Sell, '60', '11.0000', '10.1000', '54.00'], // 60 × (11 − 10.1)
      [Side.Buy, '10', '9.7000', '10.0600', '54.00'], // (909 + 97) / 100
      [Side.Sell, '30', '10.0000', '10.0600', '52.20'], // 30 × (10 − 10.06) = −1.80
      [Side.Sell, '100', '10.5000', '10.5000', '83.00'], // closes 70 × 0.44 = 30.80, opens 30 short at 10.5
    ]
    for (const [side, size, price, average, realized] of steps) {
      const p = ledger.apply(fill(1, AAPL, side, size, price, 10))
      expect([averageEntryPrice(p, 4), formatAmount(tickLotsAmount(p, p.realizedTickLots), 2)]).toEqual([average, realized])
    }
    const p = ledger.position(1, VENUE, AAPL)!
    expect(p.netLots).toBe(-30n)
    ledger.mark(VENUE, AAPL, specs[AAPL]!.priceToTicks('10.4000'))
    expect(formatTotals(ledger.positionTotals(p))).toMatchObject({ unrealized: '3.00', realized: '83.00' })

    ledger.apply(fill(1, AAPL, Side.Buy, '30', '10.2000', 10)) // buys back the short: 30 × 0.3 = 9.00
    expect(p.netLots).toBe(0n)
    expect(averageEntryPrice(p, 4)).toBeUndefined()
    // fees at 10 bps, each rounded up to the cent: 1.00 0.52 0.66 0.10 0.30 1.05 0.31
    // buys 1000 + 515 + 97 + 306 = 1918, sells 660 + 300 + 1050 = 2010
    expect(formatTotals(ledger.positionTotals(p))).toEqual({
      quote: 'USD',
      realized: '92.00',
      unrealized: '0.00',
      fees: '3.94',
      makerFees: '0.00',
      netPnl: '88.06',
      cash: '88.06',
      marketValue: '0.00',
      volume: '3928.00',
      fills: 7,
      makerFills: 0,
    })
  })

  it('keeps an off-grid average exactly and rounds only the share a partial close takes out', () => {
    const ledger = new Ledger({ instruments: specs })
    ledger.apply(fill(1, AAPL, Side.Buy, '1', '10.0000'))
    const p = ledger.apply(fill(1, AAPL, Side.Buy, '2', '10.0001'))
    expect(averageEntryTicks(p)).toEqual({ numerator: 300002n, denominator: 3n })
    expect(averageEntryPrice(p, 8)).toBe('10.00006667')
    // a third of the 300 002 tick-lot basis is 100 000.67: 100 001 leaves, 200 001 stays
    ledger.apply(fill(1, AAPL, Side.Sell, '1', '10.0002'))
    expect([p.realizedTickLots, p.costBasisTickLots, averageEntryPrice(p, 5)]).toEqual([1n, 200001n, '10.00005'])
    // closing the rest takes the whole basis: flat, realized equals the trading cash to the last tick-lot
    ledger.apply(fill(1, AAPL, Side.Sell, '2', '10.0002'))
    expect([p.realizedTickLots, p.tradingCashTickLots, p.costBasisTickLots]).toEqual([4n, 4n, 0n])
    expect(formatTotals(ledger.positionTotals(p)).realized).toBe('0.00') // 0.0004 USD, half-even to the cent
  })

  it('books a short, marks it, and keeps each quote currency apart in a strategy roll-up', () => {
    const ledger = new Ledger({ instruments: specs })
    ledger.apply(fill(7, ETH, Side.Sell, '1.5', '3000.00', 7.5, Liquidity.Maker)) // fee 4500 × 7.5 bps = 3.375
    ledger.apply(fill(7, ETH, Side.Buy, '0.5', '2900.00', 10)) // realizes 0.5 × 100 = 50; fee 1.45
    ledger.apply(fill(7, AAPL, Side.Buy, '3', '187.1234', 7.5)) // fee 0.42102765 → 0.43
    ledger.mark(VENUE, ETH, specs[ETH]!.priceToTicks('2950.00'))
    ledger.mark(VENUE, AAPL, specs[AAPL]!.priceToTicks('187.0000'))
    const totals = ledger.strategyTotals(7)
    expect([...totals.keys()]).toEqual(['USDT', 'USD'])
    expect(formatTotals(totals.get('USDT')!)).toEqual({
      quote: 'USDT',
      realized: '50.00000000',
      unrealized: '50.00000000', // 1 ETH short from 3000 marked at 2950
      fees: '4.82500000',
      makerFees: '3.37500000',
      netPnl: '95.17500000',
      cash: '3045.17500000', // 4500 − 1450 − fees
      marketValue: '-2950.00000000',
      volume: '5950.00000000',
      fills: 2,
      makerFills: 1,
    })
    // 3 × (187 − 187.1234) = −0.3702 → −0.37; net −0.3702 − 0.43 = −0.8002 → −0.80
    const usd = totals.get('USD')!
    expect([formatAmount(usd.unrealized, 2), formatAmount(netPnl(usd), 2), formatAmount(cash(usd), 2)]).toEqual(['-0.37', '-0.80', '-561.80'])
    expect(ledger.totals().get('USDT')).toEqual(totals.get('USDT'))
    // at the mid of 2950.00 / 2950.01 the short is worth 3000 − 2950.005 a coin, exactly
    ledger.markMid(VENUE, ETH, specs[ETH]!.priceToTicks('2950.00'), specs[ETH]!.priceToTicks('2950.01'))
    expect(formatTotals(ledger.strategyTotals(7).get('USDT')!)).toMatchObject({ unrealized: '49.99500000', marketValue: '-2950.00500000' })
    // AAPL at the mid of 186.9999 / 187.0000: 3 × (186.99995 − 187.1234) = −0.37035 → −0.37
    ledger.markMid(VENUE, AAPL, specs[AAPL]!.priceToTicks('186.9999'), specs[AAPL]!.priceToTicks('187.0000'))
    expect(formatAmount(ledger.strategyTotals(7).get('USD')!.unrealized, 2)).toBe('-0.37')
    expect(ledger.strategyTotals(7).get('USD')!.unrealized).toEqual({ units: -37035n, scale: 5 })
  })

  it('counts each venue in its own precision', () => {
    const coarse = new InstrumentPrecision({ symbol: 'ETH-USDT', base: 'ETH', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', quoteDecimals: 6 })
    const ledger = new Ledger({ instruments: specs, venueInstruments: { 2: [undefined, coarse] } })
    const p = ledger.apply({ strategyId: 1, venueId: 2, instrumentId: ETH, side: Side.Buy, liquidity: Liquidity.Taker, priceTicks: 30001, sizeLots: 250, feeQuoteUnits: 750025n })
    ledger.mark(2, ETH, 30011)
    // 0.25 ETH at 3000.1, marked at 3001.1: +0.25; fee 0.750025 USDT
    expect(formatTotals(ledger.positionTotals(p))).toMatchObject({ unrealized: '0.250000', fees: '0.750025', cash: '-750.775025', marketValue: '750.275000' })
    expect(averageEntryPrice(p, 1)).toBe('3000.1')
  })

  it('rejects fills a venue would not report and totals of an unmarked open position, with exact text', () => {
    const ledger = new Ledger({ instruments: specs })
    expect(() => ledger.apply({ ...fill(4, ETH, Side.Buy, '1', '3000.00'), instrumentId: 9 })).toThrow('no precision for instrument 9 on venue 1')
    expect(ledger.strategyIds()).toEqual([])
    expect(() => ledger.apply({ ...fill(1, ETH, Side.Buy, '1', '3000.00'), sizeLots: 0 })).toThrow(
      'fill of strategy 1 on venue 1 instrument 1 needs positive whole lots, whole non-negative ticks, a side, a liquidity and a bigint fee',
    )
    expect(() => ledger.apply({ ...fill(1, ETH, Side.Buy, '1', '3000.00'), priceTicks: 1.5 })).toThrow('needs positive whole lots')
    ledger.apply(fill(1, ETH, Side.Buy, '1', '3000.00'))
    expect(() => ledger.totals()).toThrow('no mark price for venue 1 instrument 1, where strategy 1 holds 1.0000')
    expect(() => ledger.markMid(VENUE, ETH, 300000, Number.NaN)).toThrow('mark of venue 1 instrument 1 must be whole non-negative ticks, got NaN')
    expect(() => ledger.mark(VENUE, ETH, -1)).toThrow('mark of venue 1 instrument 1 must be whole non-negative ticks, got -1')
  })
})
