import { fileURLToPath } from 'node:url'
import { cellIndex, LEVEL_FIELD, readLobsterBookRows, readLobsterMessages } from '../../src/market/lobster/index.js'
import { Side } from '../../src/schemas/index.js'

/**
 * The LOBSTER sample (AAPL 2012-06-21, ten levels, the first 999 messages)
 * as the sim venue's tests replay it: row i of the order-book file is the
 * book after message i, so each step's L2 changes are the difference of two
 * rows, and a visible execution is a trade printed just before them. Prices
 * are USD × 10^4: ticks of a 0.0001 tick as they stand.
 */
const dir = fileURLToPath(new URL('../../../shared/data/lobster/', import.meta.url))
const stem = 'AAPL_2012-06-21_34200000_57600000'

export interface LobsterMessage {
  tsNs: number
  type: number
  orderId: number
  sizeLots: number
  priceTicks: number
  /** The resting order's side (an execution of a sell order is a buyer-initiated trade). */
  side: Side
}

export type Levels = Map<number, number>

export interface LevelChange {
  side: Side
  priceTicks: number
  /** 0: the level is gone (or left the ten levels shown). */
  sizeLots: number
}

const parsed = readLobsterMessages(`${dir}${stem}_message_10.csv`)
export const messages: LobsterMessage[] = Array.from({ length: parsed.count }, (_, i) => ({
  tsNs: parsed.timeNs[i]!,
  type: parsed.eventType[i]!,
  orderId: parsed.orderId[i]!,
  sizeLots: parsed.sizeLots[i]!,
  priceTicks: parsed.priceTicks[i]!,
  side: parsed.direction[i] === 1 ? Side.Buy : Side.Sell,
}))

const rows = readLobsterBookRows(`${dir}${stem}_orderbook_10.csv`)
export const books: { bids: Levels; asks: Levels }[] = Array.from({ length: rows.count }, (_, r) => {
  const asks: Levels = new Map()
  const bids: Levels = new Map()
  for (let l = 0; l < rows.levels; l++) {
    const at = (field: number) => rows.cells[cellIndex(rows, r, l, field)]!
    if (at(LEVEL_FIELD.askSize) > 0) asks.set(at(LEVEL_FIELD.askPrice), at(LEVEL_FIELD.askSize))
    if (at(LEVEL_FIELD.bidSize) > 0) bids.set(at(LEVEL_FIELD.bidPrice), at(LEVEL_FIELD.bidSize))
  }
  return { bids, asks }
})

/** The L2 changes that take the book from row `i - 1` to row `i` (from nothing for row 0). */
export function levelChanges(i: number): LevelChange[] {
  const empty = { bids: new Map<number, number>(), asks: new Map<number, number>() }
  const before = i === 0 ? empty : books[i - 1]!
  const after = books[i]!
  const out: LevelChange[] = []
  for (const [side, b, a] of [
    [Side.Sell, before.asks, after.asks],
    [Side.Buy, before.bids, after.bids],
  ] as const) {
    for (const [priceTicks, sizeLots] of a) if (b.get(priceTicks) !== sizeLots) out.push({ side, priceTicks, sizeLots })
    for (const priceTicks of b.keys()) if (!a.has(priceTicks)) out.push({ side, priceTicks, sizeLots: 0 })
  }
  return out
}

/** The trade message `i` printed, if it is a visible execution. */
export function tradeOf(i: number): { aggressor: Side; priceTicks: number; sizeLots: number } | undefined {
  const m = messages[i]!
  if (m.type !== 4) return undefined
  return { aggressor: m.side === Side.Sell ? Side.Buy : Side.Sell, priceTicks: m.priceTicks, sizeLots: m.sizeLots }
}
