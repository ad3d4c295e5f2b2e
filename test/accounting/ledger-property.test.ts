import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { addTotals, netPnl, type CurrencyTotals } from '../../src/accounting/account-totals.js'
import type { AccountFill } from '../../src/accounting/account-fill.js'
import { addAmounts, amountsEqual, formatAmount, ZERO_AMOUNT } from '../../src/accounting/amount.js'
import { feeQuoteUnits } from '../../src/accounting/fee.js'
import { Ledger } from '../../src/accounting/ledger.js'
import { parseDecimal, type ScaledDecimal } from '../../src/market/decimal.js'
import { DEFAULT_INSTRUMENT_SPECS, InstrumentPrecision } from '../../src/market/instrument-spec.js'
import { Liquidity, Side } from '../../src/schemas/index.js'

const defaults = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'AAPL'].map((s) => new InstrumentPrecision(DEFAULT_INSTRUMENT_SPECS[s]!))
// venue 2 lists the same instruments with other ticks and lots (and USDT in 6 decimals)
const venue2 = [
  new InstrumentPrecision({ symbol: 'BTC-USDT', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.0001', quoteDecimals: 6 }),
  new InstrumentPrecision({ symbol: 'ETH-USDT', base: 'ETH', quote: 'USDT', tickSize: '0.05', lotSize: '0.001', quoteDecimals: 6 }),
  new InstrumentPrecision({ symbol: 'SOL-USDT', base: 'SOL', quote: 'USDT', tickSize: '0.001', lotSize: '0.01', quoteDecimals: 6 }),
  new InstrumentPrecision({ symbol: 'AAPL', base: 'AAPL', quote: 'USD', tickSize: '0.01', lotSize: '0.1', quoteDecimals: 2 }),
]
const precisionOf = (venueId: number, instrumentId: number) => (venueId === 2 ? venue2 : defaults)[instrumentId]!
const FEE_BPS = [-2.5, 0, 1, 2.25, 7.5, 10]

const fillArb = fc
  .record({
    strategyId: fc.integer({ min: 1, max: 3 }),
    venueId: fc.integer({ min: 1, max: 2 }),
    instrumentId: fc.integer({ min: 0, max: 3 }),
    side: fc.constantFrom(Side.Buy, Side.Sell),
    liquidity: fc.constantFrom(Liquidity.Maker, Liquidity.Taker),
    priceTicks: fc.integer({ min: 1, max: 10_000_000 }),
    // mostly small sizes, so positions often go flat and flip
    sizeLots: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100_000 })),
    bpsIndex: fc.integer({ min: 0, max: FEE_BPS.length - 1 }),
    // a random walk of sizes seldom lands on exactly flat: one fill in ten closes its position instead
    closesOut: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map(({ bpsIndex, ...f }) => ({ ...f, bps: FEE_BPS[bpsIndex]! }))

type GeneratedFill = typeof fillArb extends fc.Arbitrary<infer T> ? T : never

/** The venue's fills for the generated ones: a closing fill takes its position's whole size, then every fee is charged as a venue does. */
function venueFills(generated: readonly GeneratedFill[]): AccountFill[] {
  const lots = new Map<string, number>()
  return generated.map(({ closesOut, bps, ...f }) => {
    const net = lots.get(keyOf(f)) ?? 0
    const fill = closesOut && net !== 0 ? { ...f, side: net > 0 ? Side.Sell : Side.Buy, sizeLots: Math.abs(net) } : f
    lots.set(keyOf(f), net + (fill.side === Side.Buy ? fill.sizeLots : -fill.sizeLots))
    const precision = precisionOf(f.venueId, f.instrumentId)
    return { ...fill, feeQuoteUnits: feeQuoteUnits(precision.notional(fill.priceTicks, fill.sizeLots), bps, precision.spec.quoteDecimals) }
  })
}
// Shrinking thousands of fills takes minutes: a failure reports its seed and
// the fills as generated, which replay it (fc.assert's seed and path options).
const PROPERTY_RUNS = { numRuns: 8, endOnFailure: true }
const marksArb = fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 8, maxLength: 8 })

const multiply = (a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal => ({ units: a.units * b.units, scale: a.scale + b.scale })
const keyOf = (f: { strategyId: number; venueId: number; instrumentId: number }) => `${f.strategyId}/${f.venueId}/${f.instrumentId}`

/**
 * The money of the fills computed apart from the ledger: from each fill's
 * price and size as the venue's decimal text, per quote currency,
 * cash (sells − buys − fees) plus what the remaining lots are worth at the marks.
 */
function cashPlusMarkValue(fills: readonly AccountFill[], marks: readonly number[]): Map<string, ScaledDecimal> {
  const sums = new Map<string, ScaledDecimal>()
  const lots = new Map<string, bigint>()
  const add = (quote: string, amount: ScaledDecimal) => sums.set(quote, addAmounts(sums.get(quote) ?? ZERO_AMOUNT, amount))
  for (const f of fills) {
    const precision = precisionOf(f.venueId, f.instrumentId)
    const value = multiply(parseDecimal(precision.ticksToPrice(f.priceTicks)), parseDecimal(precision.lotsToSize(f.sizeLots)))
    add(precision.spec.quote, f.side === Side.Sell ? value : { units: -value.units, scale: value.scale })
    add(precision.spec.quote, { units: -f.feeQuoteUnits, scale: precision.spec.quoteDecimals })
    lots.set(keyOf(f), (lots.get(keyOf(f)) ?? 0n) + (f.side === Side.Buy ? 1n : -1n) * BigInt(f.sizeLots))
  }
  for (const [key, net] of lots) {
    const [, venueId, instrumentId] = key.split('/').map(Number) as [number, number, number]
    const precision = precisionOf(venueId, instrumentId)
    // venue 1 is marked at a price, venue 2 at the mid of that price and one tick above
    const markTicks = marks[(venueId - 1) * 4 + instrumentId]!
    const size = parseDecimal(precision.lotsToSize(Number(net)))
    const twiceMark = venueId === 2 ? addAmounts(parseDecimal(precision.ticksToPrice(markTicks)), parseDecimal(precision.ticksToPrice(markTicks + 1))) : multiply(parseDecimal(precision.ticksToPrice(markTicks)), { units: 2n, scale: 0 })
    add(precision.spec.quote, multiply(multiply(twiceMark, size), { units: 5n, scale: 1 }))
  }
  return sums
}

/** Exact average-cost realized PnL per position as a fraction, and how many partial closes since it was last flat. */
function exactRealized(fills: readonly AccountFill[], seen: { partials: number; flats: number; flips: number }) {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b))
  type Fraction = { n: bigint; d: bigint }
  const reduce = ({ n, d }: Fraction): Fraction => {
    const g = gcd(n, d) || 1n
    return { n: n / g, d: d / g }
  }
  const state = new Map<string, { lots: bigint; basis: Fraction; realized: Fraction; partials: number }>()
  for (const f of fills) {
    const s = state.get(keyOf(f)) ?? { lots: 0n, basis: { n: 0n, d: 1n }, realized: { n: 0n, d: 1n }, partials: 0 }
    state.set(keyOf(f), s)
    const price = BigInt(f.priceTicks)
    const signed = (f.side === Side.Buy ? 1n : -1n) * BigInt(f.sizeLots)
    if (s.lots === 0n || s.lots > 0n === signed > 0n) {
      s.basis = reduce({ n: s.basis.n + signed * price * s.basis.d, d: s.basis.d })
      s.lots += signed
      continue
    }
    const open = s.lots < 0n ? -s.lots : s.lots
    const closing = BigInt(f.sizeLots) < open ? BigInt(f.sizeLots) : open
    const closingSigned = s.lots > 0n ? -closing : closing
    const removed = reduce({ n: s.basis.n * closing, d: s.basis.d * open })
    // realized += −closingSigned × price − removed
    s.realized = reduce({ n: s.realized.n * removed.d + (-closingSigned * price * removed.d - removed.n) * s.realized.d, d: s.realized.d * removed.d })
    s.basis = reduce({ n: s.basis.n * removed.d - removed.n * s.basis.d, d: s.basis.d * removed.d })
    s.lots += closingSigned
    s.partials = s.lots === 0n ? 0 : s.partials + 1
    seen[s.lots === 0n ? 'flats' : 'partials']++
    const opening = signed - closingSigned
    if (opening !== 0n) {
      seen.flips++
      s.basis = { n: opening * price, d: 1n }
      s.lots = opening
    }
  }
  return state
}

function sumByQuote(maps: Iterable<Map<string, CurrencyTotals>>): Map<string, CurrencyTotals> {
  const sums = new Map<string, CurrencyTotals>()
  for (const m of maps) for (const [quote, t] of m) sums.set(quote, sums.has(quote) ? addTotals(sums.get(quote)!, t) : t)
  return sums
}

function ledgerOf(fills: readonly AccountFill[], marks: readonly number[]): Ledger {
  const ledger = new Ledger({ instruments: defaults, venueInstruments: { 2: venue2 } })
  for (const f of fills) ledger.apply(f)
  for (let i = 0; i < 4; i++) {
    ledger.mark(1, i, marks[i]!)
    ledger.markMid(2, i, marks[4 + i]!, marks[4 + i]! + 1)
  }
  return ledger
}

describe('Ledger, reconciled', () => {
  it('prop_net_pnl_equals_cash_plus_mark_value_to_the_exact_cent_over_thousands_of_fills', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 3000, maxLength: 4000 }).map(venueFills), marksArb, (fills, marks) => {
        const ledger = ledgerOf(fills, marks)
        const totals = ledger.totals()
        const independent = cashPlusMarkValue(fills, marks)
        expect([...totals.keys()].sort()).toEqual([...independent.keys()].sort())
        for (const [quote, t] of totals) {
          const expected = independent.get(quote)!
          expect(amountsEqual(netPnl(t), expected)).toBe(true)
          expect(formatAmount(netPnl(t), t.quoteDecimals)).toBe(formatAmount(expected, t.quoteDecimals))
        }
      }),
      PROPERTY_RUNS,
    )
  })

  it('prop_same_totals_whatever_the_grouping_and_interleaving', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 2000, maxLength: 3000 }).map(venueFills), marksArb, (fills, marks) => {
        const ledger = ledgerOf(fills, marks)
        const total = ledger.totals()
        // per strategy, summed
        expect(sumByQuote(ledger.strategyIds().map((s) => ledger.strategyTotals(s)))).toEqual(total)
        // one ledger per strategy, each fed only its own fills
        const separate = ledger.strategyIds().map((s) => ledgerOf(fills.filter((f) => f.strategyId === s), marks).totals())
        expect(sumByQuote(separate)).toEqual(total)
        // the fills of each position kept in order, positions replayed one after another
        const grouped = [...fills].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
        expect(ledgerOf(grouped, marks).totals()).toEqual(total)
      }),
      PROPERTY_RUNS,
    )
  })

  it('prop_realized_is_exact_average_cost_within_half_a_tick_lot_per_partial_close_and_exact_when_flat', () => {
    const seen = { partials: 0, flats: 0, flips: 0 }
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 2000, maxLength: 3000 }).map(venueFills), (fills) => {
        const ledger = ledgerOf(fills, new Array<number>(8).fill(1))
        for (const [key, exact] of exactRealized(fills, seen)) {
          const [strategyId, venueId, instrumentId] = key.split('/').map(Number) as [number, number, number]
          const p = ledger.position(strategyId, venueId, instrumentId)!
          expect(p.netLots).toBe(exact.lots)
          expect(p.realizedTickLots).toBe(p.tradingCashTickLots + p.costBasisTickLots)
          // |ledger − exact| ≤ partials / 2, compared as integers: |2(ledger·d − n)| ≤ partials·d
          const gap = 2n * (p.realizedTickLots * exact.realized.d - exact.realized.n)
          expect((gap < 0n ? -gap : gap) <= BigInt(exact.partials) * exact.realized.d).toBe(true)
          if (exact.lots === 0n) expect([p.realizedTickLots * exact.realized.d, p.costBasisTickLots]).toEqual([exact.realized.n, 0n])
        }
      }),
      PROPERTY_RUNS,
    )
    // the sequences did reduce, close and flip positions, many times each
    expect(Math.min(seen.partials, seen.flats, seen.flips)).toBeGreaterThan(100)
  })
})
