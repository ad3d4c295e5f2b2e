/**
 * Where a resting order stands in its price level's queue, from L2 data that
 * shows only each level's total size. An order joins the back of its level:
 * the market size ahead of it is the level's visible size when it arrived.
 * Trades at the level eat the queue from the front; a level shrinking without
 * a trade is cancels, and L2 cannot say where in the queue they were, so that
 * is a model:
 *
 * - `back`: cancels come from behind the order first (pessimistic: the order
 *   advances only by trades, or when the level shrinks below the size ahead);
 * - `front`: cancels come from ahead of the order first (optimistic);
 * - `proportional`: cancels come from ahead and behind in proportion to the
 *   size on each side (the ahead share rounded down).
 */
export type QueueCancelModel = 'back' | 'front' | 'proportional'

export const QUEUE_CANCEL_MODELS: readonly QueueCancelModel[] = ['back', 'front', 'proportional']

/**
 * The market size ahead of an order after `cancelledLots` left a level that
 * held `levelLots` of market size (trades at the level already taken out).
 */
export function aheadAfterCancels(aheadLots: number, levelLots: number, cancelledLots: number, model: QueueCancelModel): number {
  if (cancelledLots <= 0 || aheadLots <= 0) return Math.max(0, aheadLots)
  const ahead = Math.min(aheadLots, levelLots)
  switch (model) {
    case 'front':
      return Math.max(0, ahead - cancelledLots)
    case 'back': {
      const behindLots = levelLots - ahead
      return Math.max(0, ahead - Math.max(0, cancelledLots - behindLots))
    }
    case 'proportional':
      return levelLots === 0 ? 0 : Math.max(0, ahead - Math.floor((cancelledLots * ahead) / levelLots))
  }
}

/** One own order's place in a level's queue, as a sweep sees it. */
export interface QueuedOrder {
  /** Market size (not own orders) ahead of this order. */
  aheadLots: number
  remainingLots: number
}

/** What `volumeLots` sweeping a level from the front took. */
export interface QueueSweep {
  /** Market size taken, in queue order. */
  marketLots: number
  /** Lots each own order filled, in the level's time order. */
  ownFillLots: number[]
  /** Volume the level could not absorb. */
  leftoverLots: number
}

/**
 * Sweeps `volumeLots` through a level's queue from the front: the market size
 * ahead of the first own order, that order, the market size between it and
 * the next, and so on, then the market size behind the last. `marketCapLots`
 * is how much market size the level has to give (a taker sweep takes only
 * visible size; a trade printed by the market is not capped). Own orders are
 * in time order, so each one's ahead is at least its predecessor's.
 */
export function sweepQueue(orders: readonly QueuedOrder[], volumeLots: number, marketCapLots: number): QueueSweep {
  let left = volumeLots
  let marketLots = 0
  const ownFillLots = orders.map(() => 0)
  for (let i = 0; i < orders.length && left > 0; i++) {
    const order = orders[i]!
    const gap = Math.max(0, Math.min(order.aheadLots, marketCapLots) - marketLots)
    const market = Math.min(left, gap)
    marketLots += market
    left -= market
    const own = Math.min(left, order.remainingLots)
    ownFillLots[i] = own
    left -= own
  }
  const tail = Math.min(left, Math.max(0, marketCapLots - marketLots))
  marketLots += tail
  left -= tail
  return { marketLots, ownFillLots, leftoverLots: left }
}
