import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { AccountFill } from '../../src/accounting/account-fill.js'
import { netPnl } from '../../src/accounting/account-totals.js'
import { addAmounts, amountsEqual, formatAmount, ZERO_AMOUNT } from '../../src/accounting/amount.js'
import { VenueFeeTiers } from '../../src/accounting/fee-schedule.js'
import { Ledger } from '../../src/accounting/ledger.js'
import { flatFeeSchedule } from '../../src/accounting/published-fee-schedules.js'
import { VenueFeeAccount } from '../../src/accounting/venue-fee-account.js'
import { parseDecimal, type ScaledDecimal } from '../../src/market/decimal.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { MatchingEngine, type Execution } from '../../src/venues/sim/index.js'

const specs = [DEFAULT_INSTRUMENT_SPECS['BTC-USDT']!, DEFAULT_INSTRUMENT_SPECS.AAPL!]
const precisions = specs.map((s) => new InstrumentPrecision(s))
const FEES = { makerBps: -0.25, takerBps: 7.5 }
const START_MID_TICKS = [5_000_000, 1_871_234]

const actionArb = fc.record({
  kind: fc.constantFrom('quote', 'market', 'limit', 'trade'),
  strategyId: fc.integer({ min: 1, max: 3 }),
  instrumentId: fc.integer({ min: 0, max: 1 }),
  side: fc.constantFrom(Side.Buy, Side.Sell),
  sizeLots: fc.integer({ min: 1, max: 400 }),
  moveTicks: fc.integer({ min: -3, max: 3 }),
})

/** The sim venue's executions for a run of quotes, prints and own orders from three strategies, each with the strategy that sent it. */
function runVenue(actions: readonly (typeof actionArb extends fc.Arbitrary<infer T> ? T : never)[]) {
  const engine = new MatchingEngine({ instruments: specs, fees: FEES })
  const mids = [...START_MID_TICKS]
  const fills: AccountFill[] = []
  const collect = (executions: readonly Execution[]) => {
    for (const e of executions) fills.push({ ...e, strategyId: Number(e.clientOrderId.split('-')[0]), venueId: 1 })
  }
  let n = 0
  let tsNs = 1_700_000_000e9
  for (const a of actions) {
    tsNs += 1e6
    const mid = mids[a.instrumentId]!
    if (a.kind === 'quote') {
      mids[a.instrumentId] = mid + a.moveTicks
      collect(engine.applyQuote(a.instrumentId, mid + a.moveTicks, 500, mid + a.moveTicks + 2, 500, tsNs).executions)
    } else if (a.kind === 'trade') {
      collect(engine.applyTrade(a.instrumentId, a.side, a.side === Side.Buy ? mid + 2 : mid, a.sizeLots * 3, tsNs).executions)
    } else {
      const limit = a.kind === 'limit'
      const order = {
        clientOrderId: `${a.strategyId}-${++n}`,
        instrumentId: a.instrumentId,
        side: a.side,
        orderType: limit ? OrderType.Limit : OrderType.Market,
        timeInForce: limit ? TimeInForce.GoodTillCancel : TimeInForce.ImmediateOrCancel,
        priceTicks: limit ? (a.side === Side.Buy ? mid : mid + 2) : 0,
        sizeLots: a.sizeLots,
      }
      collect(engine.submit(order, tsNs).executions)
    }
  }
  return { fills, mids }
}

describe('Ledger over the sim venue', () => {
  it('prop_books_the_sim_venues_executions_to_the_exact_cent_and_finds_every_fee_on_schedule', () => {
    const seen = { maker: 0, taker: 0 }
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 1500, maxLength: 2000 }), (actions) => {
        const { fills, mids } = runVenue(actions)
        const ledger = new Ledger({ instruments: precisions })
        const fees = new VenueFeeAccount(new VenueFeeTiers(flatFeeSchedule('sim', FEES.makerBps, FEES.takerBps)))
        for (const f of fills) {
          ledger.apply(f)
          const precision = precisions[f.instrumentId]!
          fees.record(0, precision.notional(f.priceTicks, f.sizeLots), f.liquidity, precision.spec.quoteDecimals, f.feeQuoteUnits)
          seen[f.liquidity === Liquidity.Maker ? 'maker' : 'taker']++
        }
        mids.forEach((mid, i) => ledger.mark(1, i, mid))
        expect(fees.counts).toEqual({ checked: fills.length, mismatched: 0 })

        // independently: cash from each execution's decimal price and size, plus what is held at the last mid
        const expected = new Map<string, ScaledDecimal>()
        const lots = [0, 0]
        for (const f of fills) {
          const p = precisions[f.instrumentId]!
          const value = parseDecimal(p.ticksToPrice(f.priceTicks)).units * parseDecimal(p.lotsToSize(f.sizeLots)).units
          const scale = parseDecimal(p.ticksToPrice(f.priceTicks)).scale + parseDecimal(p.lotsToSize(f.sizeLots)).scale
          const signed = { units: f.side === Side.Sell ? value : -value, scale }
          const fee = { units: -f.feeQuoteUnits, scale: p.spec.quoteDecimals }
          expected.set(p.spec.quote, addAmounts(addAmounts(expected.get(p.spec.quote) ?? ZERO_AMOUNT, signed), fee))
          lots[f.instrumentId]! += f.side === Side.Buy ? f.sizeLots : -f.sizeLots
        }
        lots.forEach((held, i) => {
          const p = precisions[i]!
          const value = parseDecimal(p.ticksToPrice(mids[i]!)).units * parseDecimal(p.lotsToSize(held)).units
          const scale = parseDecimal(p.ticksToPrice(mids[i]!)).scale + parseDecimal(p.lotsToSize(held)).scale
          expected.set(p.spec.quote, addAmounts(expected.get(p.spec.quote) ?? ZERO_AMOUNT, { units: value, scale }))
        })
        for (const [quote, t] of ledger.totals()) {
          expect(amountsEqual(netPnl(t), expected.get(quote)!)).toBe(true)
          expect(formatAmount(netPnl(t), t.quoteDecimals)).toBe(formatAmount(expected.get(quote)!, t.quoteDecimals))
        }
        const held = [0, 1].map((i) => [1, 2, 3].reduce((sum, s) => sum + Number(ledger.position(s, 1, i)?.netLots ?? 0n), 0))
        expect(held).toEqual(lots)
      }),
      { numRuns: 5, endOnFailure: true },
    )
    expect(Math.min(seen.maker, seen.taker)).toBeGreaterThan(100)
  })
})
