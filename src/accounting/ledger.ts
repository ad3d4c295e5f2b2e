import { WavesError } from '../errors/index.js'
import type { InstrumentPrecision } from '../market/instrument-spec.js'
import { Liquidity, Side } from '../schemas/index.js'
import type { AccountFill } from './account-fill.js'
import { accumulateTotals, positionTotals, type CurrencyTotals } from './account-totals.js'
import { positionFromSnapshot, positionToSnapshot, type LedgerSnapshot } from './ledger-snapshot.js'
import { bookFill, openPosition, type PositionState } from './position.js'

export interface LedgerOptions {
  /** Precision of each instrument by instrument id: the ticks and lots fills are counted in. */
  instruments: readonly InstrumentPrecision[]
  /** A venue whose ticks or lots differ for an instrument: venue id → precisions by instrument id. */
  venueInstruments?: Readonly<Record<number, readonly (InstrumentPrecision | undefined)[]>>
}

/** Venue ids are ushort and instrument ids uint on the rings: together they fit a double exactly. */
const venueInstrumentKey = (venueId: number, instrumentId: number): number => venueId * 2 ** 32 + instrumentId

/**
 * Every fill booked into positions per (strategy, venue, instrument), with
 * roll-ups per strategy and in total, one per quote currency. All arithmetic
 * is bigint in the units `PositionState` states; decimal text only comes out
 * of `formatTotals` and `averageEntryPrice`.
 *
 * # Errors
 * `ERR_ACCOUNTING_INPUT` for a fill of an unknown instrument or with a size,
 * price, side or fee that is not what a venue reports, and for totals asked
 * of an open position with no mark price.
 */
export class Ledger {
  readonly #instruments: readonly InstrumentPrecision[]
  readonly #venueInstruments: Readonly<Record<number, readonly (InstrumentPrecision | undefined)[]>>
  readonly #byStrategy = new Map<number, Map<number, PositionState>>()
  /** Marks in half ticks: twice the price in ticks, so a mid is exact. */
  readonly #marksHalfTicks = new Map<number, number>()

  constructor(options: LedgerOptions) {
    this.#instruments = options.instruments
    this.#venueInstruments = options.venueInstruments ?? {}
  }

  /** A ledger holding what `snapshot()` held, booking on from there. */
  static fromSnapshot(options: LedgerOptions, snapshot: LedgerSnapshot): Ledger {
    const ledger = new Ledger(options)
    for (const s of snapshot.positions) {
      ledger.#positionsOf(s.strategyId).set(venueInstrumentKey(s.venueId, s.instrumentId), positionFromSnapshot(s, ledger.precisionOf(s.venueId, s.instrumentId)))
    }
    for (const [venueId, instrumentId, halfTicks] of snapshot.marksHalfTicks) ledger.#marksHalfTicks.set(venueInstrumentKey(venueId, instrumentId), halfTicks)
    return ledger
  }

  /** Every position and mark as plain JSON, exact amounts as integer text. */
  snapshot(): LedgerSnapshot {
    const marksHalfTicks = [...this.#marksHalfTicks].map(([key, halfTicks]): [number, number, number] => [Math.floor(key / 2 ** 32), key % 2 ** 32, halfTicks])
    return { positions: [...this.positions()].map(positionToSnapshot), marksHalfTicks }
  }

  /** Books one fill; returns the position it changed. */
  apply(fill: AccountFill): PositionState {
    const { strategyId, venueId, instrumentId, side, liquidity, priceTicks, sizeLots, feeQuoteUnits } = fill
    const wellFormed =
      Number.isSafeInteger(sizeLots) &&
      sizeLots > 0 &&
      Number.isSafeInteger(priceTicks) &&
      priceTicks >= 0 &&
      (side === Side.Buy || side === Side.Sell) &&
      (liquidity === Liquidity.Maker || liquidity === Liquidity.Taker) &&
      typeof feeQuoteUnits === 'bigint'
    if (!wellFormed) {
      throw new WavesError('ERR_ACCOUNTING_INPUT', `fill of strategy ${strategyId} on venue ${venueId} instrument ${instrumentId} needs positive whole lots, whole non-negative ticks, a side, a liquidity and a bigint fee`, { strategyId, venueId, instrumentId, side, liquidity, priceTicks, sizeLots, feeQuoteUnits: String(feeQuoteUnits) })
    }
    const key = venueInstrumentKey(venueId, instrumentId)
    let p = this.#byStrategy.get(strategyId)?.get(key)
    if (p === undefined) {
      // the precision first: a refused fill leaves no trace, not even an empty strategy
      p = openPosition(strategyId, venueId, instrumentId, this.precisionOf(venueId, instrumentId))
      this.#positionsOf(strategyId).set(key, p)
    }
    bookFill(p, side, liquidity, priceTicks, sizeLots, feeQuoteUnits)
    return p
  }

  /** The precision fills of this instrument on this venue are counted in. */
  precisionOf(venueId: number, instrumentId: number): InstrumentPrecision {
    const precision = this.#venueInstruments[venueId]?.[instrumentId] ?? this.#instruments[instrumentId]
    if (precision === undefined) {
      throw new WavesError('ERR_ACCOUNTING_INPUT', `no precision for instrument ${instrumentId} on venue ${venueId}`, { venueId, instrumentId })
    }
    return precision
  }

  /** Marks unrealized PnL at a price in the venue's ticks (a last trade, or one side of the book). */
  mark(venueId: number, instrumentId: number, priceTicks: number): void {
    this.#setMark(venueId, instrumentId, 2 * priceTicks)
  }

  /** Marks unrealized PnL at the mid of a bid and ask in the venue's ticks, exactly, half a tick included. */
  markMid(venueId: number, instrumentId: number, bidTicks: number, askTicks: number): void {
    this.#setMark(venueId, instrumentId, bidTicks + askTicks)
  }

  #setMark(venueId: number, instrumentId: number, halfTicks: number): void {
    if (!Number.isSafeInteger(halfTicks) || halfTicks < 0) {
      throw new WavesError('ERR_ACCOUNTING_INPUT', `mark of venue ${venueId} instrument ${instrumentId} must be whole non-negative ticks, got ${halfTicks / 2}`, { venueId, instrumentId, priceTicks: halfTicks / 2 })
    }
    this.#marksHalfTicks.set(venueInstrumentKey(venueId, instrumentId), halfTicks)
  }

  position(strategyId: number, venueId: number, instrumentId: number): PositionState | undefined {
    return this.#byStrategy.get(strategyId)?.get(venueInstrumentKey(venueId, instrumentId))
  }

  *positions(): IterableIterator<PositionState> {
    for (const positions of this.#byStrategy.values()) yield* positions.values()
  }

  strategyIds(): number[] {
    return [...this.#byStrategy.keys()].sort((a, b) => a - b)
  }

  /** One strategy's totals, one entry per quote currency. */
  strategyTotals(strategyId: number): Map<string, CurrencyTotals> {
    return this.#sum(this.#byStrategy.get(strategyId)?.values() ?? [])
  }

  /** Every strategy's totals together, one entry per quote currency. */
  totals(): Map<string, CurrencyTotals> {
    return this.#sum(this.positions())
  }

  /** One position's totals at its mark. */
  positionTotals(p: PositionState): CurrencyTotals {
    const markHalfTicks = this.#marksHalfTicks.get(venueInstrumentKey(p.venueId, p.instrumentId))
    if (markHalfTicks === undefined && p.netLots !== 0n) {
      throw new WavesError('ERR_ACCOUNTING_INPUT', `no mark price for venue ${p.venueId} instrument ${p.instrumentId}, where strategy ${p.strategyId} holds ${p.precision.lotsToSize(Number(p.netLots))}`, { strategyId: p.strategyId, venueId: p.venueId, instrumentId: p.instrumentId })
    }
    return positionTotals(p, markHalfTicks)
  }

  #positionsOf(strategyId: number): Map<number, PositionState> {
    let positions = this.#byStrategy.get(strategyId)
    if (positions === undefined) {
      positions = new Map()
      this.#byStrategy.set(strategyId, positions)
    }
    return positions
  }

  #sum(positions: Iterable<PositionState>): Map<string, CurrencyTotals> {
    const sums = new Map<string, CurrencyTotals>()
    for (const p of positions) accumulateTotals(sums, this.positionTotals(p))
    return sums
  }
}
