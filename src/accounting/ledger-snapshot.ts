import { WavesError } from '../errors/index.js'
import type { InstrumentPrecision } from '../market/instrument-spec.js'
import type { PositionState } from './position.js'

/** The bigint fields of a position, carried as decimal text in a snapshot (JSON has no bigint). */
const BIGINT_FIELDS = [
  'netLots',
  'costBasisTickLots',
  'realizedTickLots',
  'tradingCashTickLots',
  'feesQuoteUnits',
  'makerFeesQuoteUnits',
  'volumeTickLots',
  'makerVolumeTickLots',
] as const

type BigintField = (typeof BIGINT_FIELDS)[number]

/** A position as plain JSON: ids, fill counts, and every exact amount as integer text. */
export type PositionSnapshot = { strategyId: number; venueId: number; instrumentId: number; fills: number; makerFills: number } & Record<BigintField, string>

/** What an agent's `snapshot()` returns and its `init` restores: every position and every mark. */
export interface LedgerSnapshot {
  positions: PositionSnapshot[]
  /** [venueId, instrumentId, mark in half ticks] */
  marksHalfTicks: [number, number, number][]
}

export function positionToSnapshot(p: PositionState): PositionSnapshot {
  const amounts = Object.fromEntries(BIGINT_FIELDS.map((field) => [field, p[field].toString()])) as Record<BigintField, string>
  return { strategyId: p.strategyId, venueId: p.venueId, instrumentId: p.instrumentId, fills: p.fills, makerFills: p.makerFills, ...amounts }
}

/** # Errors: `ERR_ACCOUNTING_INPUT` when an amount is not integer text. */
export function positionFromSnapshot(s: PositionSnapshot, precision: InstrumentPrecision): PositionState {
  const amounts = {} as Record<BigintField, bigint>
  for (const field of BIGINT_FIELDS) {
    const text = s[field]
    if (typeof text !== 'string' || !/^-?\d+$/.test(text)) {
      throw new WavesError('ERR_ACCOUNTING_INPUT', `snapshot of strategy ${s.strategyId} venue ${s.venueId} instrument ${s.instrumentId}: ${field} must be integer text, got ${JSON.stringify(text)}`, { field, value: text })
    }
    amounts[field] = BigInt(text)
  }
  return { strategyId: s.strategyId, venueId: s.venueId, instrumentId: s.instrumentId, precision, fills: s.fills, makerFills: s.makerFills, ...amounts }
}
