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
  readonly priceTicks: number
  marketLots = 0
  consumedLots = 0
  tradedSinceUpdateLots = 0
  readonly orders: SimOrder[] = []

  constructor(priceTicks: number) {
    this.priceTicks = priceTicks
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
 * The levels of one side of one instrument's book, kept with their prices
 * sorted best first (bids high to low, asks low to high) so the best price
 * and a walk through the book need no sort.
 */
export class BookSide {
  readonly side: Side
  readonly #levels = new Map<number, PriceLevel>()
  /** Best first. */
  readonly #prices: number[] = []
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
    const level = this.#levels.get(sim.priceTicks)
    const index = level === undefined ? -1 : level.orders.indexOf(sim)
    if (index < 0 || next.priceTicks !== sim.priceTicks) return false
    next.aheadLots = sim.aheadLots
    level!.orders[index] = next
    return true
  }

  /** An own order leaves its level (filled, cancelled, expired). */
  unrest(sim: SimOrder): void {
    const level = this.#levels.get(sim.priceTicks)
    const index = level === undefined ? -1 : level.orders.indexOf(sim)
    if (index < 0) return
    level!.orders.splice(index, 1)
    this.#restingOrderCount--
    this.dropIfEmpty(level!)
  }

  level(priceTicks: number): PriceLevel | undefined {
    return this.#levels.get(priceTicks)
  }

  levelOrCreate(priceTicks: number): PriceLevel {
    let level = this.#levels.get(priceTicks)
    if (level === undefined) {
      level = new PriceLevel(priceTicks)
      this.#levels.set(priceTicks, level)
      this.#prices.splice(this.#insertionIndex(priceTicks), 0, priceTicks)
    }
    return level
  }

  /** Drops a level that holds neither market size nor own orders. */
  dropIfEmpty(level: PriceLevel): void {
    if (level.marketLots > 0 || level.orders.length > 0) return
    this.#levels.delete(level.priceTicks)
    const index = this.#insertionIndex(level.priceTicks)
    if (this.#prices[index] === level.priceTicks) this.#prices.splice(index, 1)
  }

  /** The best price the book shows on this side. */
  best(): number | undefined {
    for (const price of this.#prices) {
      if (this.#levels.get(price)!.isShown) return price
    }
    return undefined
  }

  /** Levels best first, up to and including `limitTicks` (all when undefined). A copy: callers may drop levels while walking. */
  levelsThrough(limitTicks: number | undefined): PriceLevel[] {
    const out: PriceLevel[] = []
    for (const price of this.#prices) {
      if (limitTicks !== undefined && this.isWorse(price, limitTicks)) break
      out.push(this.#levels.get(price)!)
    }
    return out
  }

  /** What a taker could take right now up to `limitTicks` (all levels when undefined), counting up to `enoughLots`. */
  fillableLots(limitTicks: number | undefined, enoughLots: number): number {
    let lots = 0
    for (const level of this.levelsThrough(limitTicks)) {
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
    return this.#prices.map((price) => this.#levels.get(price)!)
  }

  #insertionIndex(priceTicks: number): number {
    let lo = 0
    let hi = this.#prices.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.isWorse(this.#prices[mid]!, priceTicks)) hi = mid
      else if (this.#prices[mid] === priceTicks) return mid
      else lo = mid + 1
    }
    return lo
  }
}
