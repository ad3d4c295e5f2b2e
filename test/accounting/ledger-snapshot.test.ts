import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { AccountFill } from '../../src/accounting/account-fill.js'
import { Ledger } from '../../src/accounting/ledger.js'
import type { LedgerSnapshot } from '../../src/accounting/ledger-snapshot.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity, Side } from '../../src/schemas/index.js'

const options = { instruments: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'AAPL'].map((s) => new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS[s]!)) }

const fillArb: fc.Arbitrary<AccountFill> = fc.record({
  strategyId: fc.integer({ min: 1, max: 4 }),
  venueId: fc.integer({ min: 1, max: 2 }),
  instrumentId: fc.integer({ min: 0, max: 3 }),
  side: fc.constantFrom(Side.Buy, Side.Sell),
  liquidity: fc.constantFrom(Liquidity.Maker, Liquidity.Taker),
  priceTicks: fc.integer({ min: 1, max: 10_000_000 }),
  sizeLots: fc.integer({ min: 1, max: 1000 }),
  feeQuoteUnits: fc.bigInt({ min: -(10n ** 6n), max: 10n ** 12n }),
})

describe('Ledger snapshot', () => {
  it('prop_a_ledger_restored_from_json_books_on_exactly_as_the_one_that_never_stopped', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 200, maxLength: 600 }), fc.nat(), (fills, cutAt) => {
        const cut = cutAt % fills.length
        const running = new Ledger(options)
        const before = new Ledger(options)
        for (const [i, f] of fills.entries()) {
          running.apply(f)
          if (i < cut) before.apply(f)
        }
        for (let i = 0; i < 4; i++) for (const v of [1, 2]) [running, before].forEach((l) => l.mark(v, i, 1_000_000 + i))
        const restored = Ledger.fromSnapshot(options, JSON.parse(JSON.stringify(before.snapshot())) as LedgerSnapshot)
        for (const f of fills.slice(cut)) restored.apply(f)
        expect(restored.totals()).toEqual(running.totals())
        expect(restored.snapshot()).toEqual(running.snapshot())
      }),
      { numRuns: 30 },
    )
  })

  it('refuses a snapshot whose amount is not integer text', () => {
    const ledger = new Ledger(options)
    ledger.apply({ strategyId: 1, venueId: 1, instrumentId: 0, side: Side.Buy, liquidity: Liquidity.Taker, priceTicks: 5_000_000, sizeLots: 3, feeQuoteUnits: 11n })
    const snapshot = ledger.snapshot()
    expect(snapshot.positions[0]).toMatchObject({ netLots: '3', costBasisTickLots: '15000000', tradingCashTickLots: '-15000000', feesQuoteUnits: '11' })
    snapshot.positions[0]!.realizedTickLots = '1.5'
    expect(() => Ledger.fromSnapshot(options, snapshot)).toThrow('snapshot of strategy 1 venue 1 instrument 0: realizedTickLots must be integer text, got "1.5"')
  })
})
