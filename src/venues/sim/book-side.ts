import { Side } from '../../schemas/index.js'
import { aheadAfterCancels, type QueueCancelModel } from './queue-position.js'
import type { SimOrder } from './sim-order.js'

/**
 * One price of one side: the market's size there (from L2 data), how much of
 * it the venue's own takers consumed that market data has not yet caught up
 * with, trade volume printed there since the level's last update, and the
 * venue's own resting orders in time order.
 */
export class PriceLevel {
  /** Set when the level is created; a level is reused for another price only after its side dropped it. */
  priceTicks: number
  marketLots = 0
  consumedLots = 0
  tradedSinceUpdateLots = 0
  readonly orders: SimOrder[] = []

  constructor(priceTicks: number) {
    this.priceTicks = priceTicks
  }

  /** Makes a dropped level new again at another price. */
  reuseAt(priceTicks: number): this {
    this.priceTicks = priceTicks
    this.marketLots = 0
    this.consumedLots = 0
    this.tradedSinceUpdateLots = 0
    this.orders.length = 0
    return this
  }

  /** Market size a taker can still take here. */
  get availableLots(): number {
    return Math.max(0, this.marketLots - this.consumedLots)
  }

  /**
   * Market data says the market has `sizeLots` here now. A decrease up to the
   * volume traded here since the last update is those trades (trades come
   * before the book update that reflects them); the rest is cancels, which
   * move own orders up their queue by `model`. A decrease also absorbs size
   * this venue consumed here first (the market catching up with our trade);
   * an increase is new size joining behind and leaves the consumption
   * standing; a level gone clears it. Returns how much more size a taker can
   * take here than before (fresh size, which may cross own orders opposite).
   */
  applyMarketSize(sizeLots: number, model: QueueCancelModel): number {
    const availableBefore = this.availableLots
    const decreaseLots = this.marketLots - sizeLots
    if (decreaseLots > 0) {
      const tradedLots = Math.min(decreaseLots, this.tradedSinceUpdateLots)
      const levelAfterTradesLots = this.marketLots - tradedLots
      for (const sim of this.orders) sim.aheadLots = aheadAfterCancels(sim.aheadLots, levelAfterTradesLots, decreaseLots - tradedLots, model)
      this.consumedLots = Math.max(0, this.consumedLots - decreaseLots)
    }
    this.tradedSinceUpdateLots = 0
    this.marketLots = sizeLots
    if (sizeLots === 0) this.consumedLots = 0
    // Nothing can stand ahead of an order but size the level still shows.
    for (const sim of this.orders) sim.aheadLots = Math.min(sim.aheadLots, this.availableLots)
    return this.availableLots - availableBefore
  }

  /** Whether the book shows anything at this price. */
  get isShown(): boolean {
    return this.availableLots > 0 || this.orders.length > 0
  }

  /** What the venue shows here: market size left plus own resting size. */
  get shownLots(): number {
    let lots = this.availableLots
    for (const sim of this.orders) lots += sim.sizeLots - sim.filledLots
    return lots
  }
}

/**
 * The levels of one side of one instrument's book, kept sorted best first
 * (bids high to low, asks low to high) so the best price and a walk through
 * the book need no sort. Market data moves the touch on every tick, so
 * levels come and go all the time: they live in one array searched by
 * bisection and shifted in place, and dropped levels are kept for reuse, so
 * a venue thread fed a busy market allocates nothing for it (its young
 * generation's collections were the tail of the tick-to-order latency).
 */
export class BookSide {
  readonly side: Side
  /** Best first. */
  readonly #levels: PriceLevel[] = []
  readonly #spare: PriceLevel[] = []
  #restingOrderCount = 0

  constructor(side: Side) {
    this.side = side
  }

  /** Own orders resting on this side: none means market data cannot fill anything here. */
  get restingOrderCount(): number {
    return this.#restingOrderCount
  }

  /** An own order joins the back of its level's queue, behind the size the level shows. */
  rest(sim: SimOrder): void {
    const level = this.levelOrCreate(sim.priceTicks)
    sim.aheadLots = level.availableLots
    level.orders.push(sim)
    this.#restingOrderCount++
  }

  /**
   * `next` takes `sim`'s place in its level's queue with the size ahead of
   * it (an amend that keeps priority). False when `sim` is not resting here.
   */
  replace(sim: SimOrder, next: SimOrder): boolean {
    const level = this.level(sim.priceTicks)
    const index = level === undefined ? -1 : level.orders.indexOf(sim)
    if (index < 0 || next.priceTicks !== sim.priceTicks) return false
    next.aheadLots = sim.aheadLots
    level!.orders[index] = next
    return true
  }

  /** An own order leaves its level (filled, cancelled, expired). */
  unrest(sim: SimOrder): void {
    const level = this.level(sim.priceTicks)
    const index = level === undefined ? -1 : level.orders.indexOf(sim)
    if (index < 0) return
    level!.orders.splice(index, 1)
    this.#restingOrderCount--
    this.dropIfEmpty(level!)
  }

  level(priceTicks: number): PriceLevel | undefined {
    const index = this.#indexOf(priceTicks)
    const level = this.#levels[index]
    return level !== undefined && level.priceTicks === priceTicks ? level : undefined
  }

  levelOrCreate(priceTicks: number): PriceLevel {
    const levels = this.#levels
    const index = this.#indexOf(priceTicks)
    const found = levels[index]
    if (found !== undefined && found.priceTicks === priceTicks) return found
    const level = this.#spare.pop()?.reuseAt(priceTicks) ?? new PriceLevel(priceTicks)
    levels.push(level)
    for (let i = levels.length - 1; i > index; i--) levels[i] = levels[i - 1]!
    levels[index] = level
    return level
  }

  /** Drops a level that holds neither market size nor own orders. */
  dropIfEmpty(level: PriceLevel): void {
    if (level.marketLots > 0 || level.orders.length > 0) return
    const levels = this.#levels
    const index = this.#indexOf(level.priceTicks)
    if (levels[index] !== level) return
    for (let i = index; i < levels.length - 1; i++) levels[i] = levels[i + 1]!
    levels.pop()
    this.#spare.push(level)
  }

  /** The best price the book shows on this side. */
  best(): number | undefined {
    for (const level of this.#levels) {
      if (level.isShown) return level.priceTicks
    }
    return undefined
  }

  /** Levels best first, up to and including `limitTicks` (all when undefined). A copy: callers may drop levels while walking. */
  levelsThrough(limitTicks: number | undefined): PriceLevel[] {
    const out: PriceLevel[] = []
    for (const level of this.#levels) {
      if (limitTicks !== undefined && this.isWorse(level.priceTicks, limitTicks)) break
      out.push(level)
    }
    return out
  }

  /** What a taker could take right now up to `limitTicks` (all levels when undefined), counting up to `enoughLots`. */
  fillableLots(limitTicks: number | undefined, enoughLots: number): number {
    let lots = 0
    for (const level of this.#levels) {
      if (limitTicks !== undefined && this.isWorse(level.priceTicks, limitTicks)) break
      lots += level.shownLots
      if (lots >= enoughLots) break
    }
    return lots
  }

  /** Whether `a` is a worse price than `b` for this side's resting orders (lower bid, higher ask). */
  isWorse(a: number, b: number): boolean {
    return this.side === Side.Buy ? a < b : a > b
  }

  /** Every level, best first. */
  levels(): PriceLevel[] {
    return this.#levels.slice()
  }

  /** Where `priceTicks` is, or would go, best first. */
  #indexOf(priceTicks: number): number {
    const levels = this.#levels
    let lo = 0
    let hi = levels.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const price = levels[mid]!.priceTicks
      if (price === priceTicks) return mid
      if (this.isWorse(price, priceTicks)) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}
