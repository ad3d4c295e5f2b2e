import { Side } from '../../schemas/index.js'
import type { ShownLevel } from '../sim/matching-engine.js'

/** A print on the public tape: market trades and own fills alike. */
export interface TapeTrade {
  tradeId: number
  priceTicks: number
  sizeLots: number
  /** The side that took liquidity. */
  aggressor: Side
  timeMs: number
}

/** A change of shown size at one level, 0 meaning the level is gone. */
export interface LevelChange {
  side: Side
  priceTicks: number
  sizeLots: number
}

const TAPE_LIMIT = 1000

/**
 * What the public sees of one instrument: the book as last published with
 * its update id (depth streams continue from the REST snapshot's
 * `lastUpdateId`), the tape, and the 24-hour figures for the ticker.
 */
export class PublicMarket {
  updateId = 1
  readonly tape: TapeTrade[] = []
  volumeLots = 0
  #nextTradeId = 1
  #shown: [Map<number, number>, Map<number, number>] = [new Map(), new Map()]

  /** Records a print on the tape and returns it. */
  print(priceTicks: number, sizeLots: number, aggressor: Side, timeMs: number): TapeTrade {
    const trade = { tradeId: this.#nextTradeId++, priceTicks, sizeLots, aggressor, timeMs }
    this.tape.push(trade)
    if (this.tape.length > TAPE_LIMIT) this.tape.shift()
    this.volumeLots += sizeLots
    return trade
  }

  /**
   * The levels that differ between what was last published and the book as
   * it is shown now, bids then asks; advances the update id when any did.
   */
  diff(bids: readonly ShownLevel[], asks: readonly ShownLevel[]): LevelChange[] {
    const changes: LevelChange[] = []
    for (const side of [Side.Buy, Side.Sell]) {
      const now = new Map((side === Side.Buy ? bids : asks).map((level) => [level.priceTicks, level.sizeLots]))
      const before = this.#shown[side]
      for (const [priceTicks, sizeLots] of now) if (before.get(priceTicks) !== sizeLots) changes.push({ side, priceTicks, sizeLots })
      for (const priceTicks of before.keys()) if (!now.has(priceTicks)) changes.push({ side, priceTicks, sizeLots: 0 })
      this.#shown[side] = now
    }
    if (changes.length > 0) this.updateId++
    return changes
  }

  lastTrade(): TapeTrade | undefined {
    return this.tape[this.tape.length - 1]
  }
}
