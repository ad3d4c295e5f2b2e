import { describe, expect, it } from 'vitest'
import { feeQuoteUnits } from '../../src/accounting/fee.js'
import { Ledger } from '../../src/accounting/ledger.js'
import { strategyProfitability } from '../../src/accounting/profitability.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity, Side } from '../../src/schemas/index.js'

const specs = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'AAPL'].map((s) => new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS[s]!))

function fill(strategyId: number, instrumentId: number, side: Side, size: string, price: string, bps: number, liquidity: Liquidity) {
  const precision = specs[instrumentId]!
  const priceTicks = precision.priceToTicks(price)
  const sizeLots = precision.sizeToLots(size)
  const fee = feeQuoteUnits(precision.notional(priceTicks, sizeLots), bps, precision.spec.quoteDecimals)
  return { strategyId, venueId: 1, instrumentId, side, liquidity, priceTicks, sizeLots, feeQuoteUnits: fee }
}

describe('strategyProfitability', () => {
  it('reports each strategy net of fees, per quote currency, with fees and edge in bps of volume', () => {
    const ledger = new Ledger({ instruments: specs })
    // strategy 1 makes 9.00 on AAPL gross, resting half its volume at −1 bps and taking the rest at 10 bps
    ledger.apply(fill(1, 3, Side.Buy, '100', '10.0000', -1, Liquidity.Maker)) // rebate −0.10
    ledger.apply(fill(1, 3, Side.Sell, '100', '10.0900', 10, Liquidity.Taker)) // fee 1.009 → 1.01
    // strategy 2 scalps SOL for 0.1 bps of edge and pays 10 bps each way
    ledger.apply(fill(2, 2, Side.Buy, '50', '200.00', 10, Liquidity.Taker)) // 10 000 USDT: fee 10
    ledger.apply(fill(2, 2, Side.Sell, '50', '200.01', 10, Liquidity.Taker)) // realizes 0.50; fee 10.0005
    expect(strategyProfitability(ledger)).toEqual([
      {
        strategyId: 1,
        quote: 'USD',
        grossPnl: '9.00',
        fees: '0.91',
        netPnl: '8.09',
        cash: '8.09',
        volume: '2009.00',
        feesBpsOfVolume: '4.53', // 0.91 / 2009
        netBpsOfVolume: '40.27',
        makerVolumePct: '49.78', // 1000 / 2009
        fills: 2,
        profitableNetOfFees: true,
      },
      {
        strategyId: 2,
        quote: 'USDT',
        grossPnl: '0.50000000',
        fees: '20.00050000',
        netPnl: '-19.50050000',
        cash: '-19.50050000',
        volume: '20000.50000000',
        feesBpsOfVolume: '10.00',
        netBpsOfVolume: '-9.75',
        makerVolumePct: '0.00',
        fills: 2,
        profitableNetOfFees: false,
      },
    ])
  })
})
