import type { Logger } from '../../log/logger.js'
import type { EwmaState } from '../../market/ewma.js'
import type { SlippageTracker } from '../../native/index.js'
import { replayConsumed, writtenSince, type MessageHandler, type RingBuffer, type RingConsumer, type SingleProducerSequencer } from '../../ring/index.js'
import { MessageType, Order, OrderCancel, OrderType, TimeInForce } from '../../schemas/index.js'
import type { ChildOrders, ChildSnapshot } from './child-orders.js'
import { parentTermsOf, type ParentOrders, type ParentOrdersState, type ParentTerms } from './parent-orders.js'
import type { Posting, PostingState } from './posting.js'

/**
 * What a restarted execution goes on from: its open children (so what rests
 * is still cancelled when due), the parents they belong to (so their lots
 * are still worked: re-routed, posted again, taken), the lots waiting for a
 * step, and what it has measured: the venues' round trips, posting, and
 * slippage (the tracker's open parents and windows, and which parents it
 * measures).
 */
export interface ExecutionSnapshot {
  parents: ParentOrdersState
  slippage: Float64Array
  measured: number[]
  children: ChildSnapshot[]
  refusedBetweenSteps: number[]
  posting: PostingState
  venueRoundTripMs: EwmaState[]
  /** The next answer to read: what was read after the snapshot is read again on restart. */
  answersMark: number
  /** The next parent to read and the next request to write: what was done after the snapshot is read back (`catchUp`). */
  ordersMark: number
  venueMark: number
}

export interface TakeUpParts {
  orders: RingConsumer
  venueRing: SingleProducerSequencer
  answers: RingConsumer
  /** Execution's own handler of the fill ring. */
  onAnswer: MessageHandler
  parents: ParentOrders
  children: ChildOrders
  posting: Posting
  slippage: SlippageTracker
  /** Parents with an arrival price in the tracker. */
  measured: Set<number>
  nowNs: number
  counters: Record<string, number>
  logger: Logger
}

/**
 * A restarted execution takes up its snapshot (its parents and children
 * already restored from it): what it did and read since, from the rings
 * (`catchUp`, then the answers it had read), its posting measures and its
 * slippage tracker. Each part that cannot be taken up is counted and logged.
 */
export function takeUp(restored: ExecutionSnapshot, parts: TakeUpParts): void {
  const { counters, logger } = parts
  const bump = (name: string, by = 1): void => {
    counters[name] = (counters[name] ?? 0) + by
  }
  const caught = catchUp({ orders: parts.orders, ordersMark: restored.ordersMark, venueRing: parts.venueRing, venueMark: restored.venueMark, parents: parts.parents, children: parts.children, nowNs: parts.nowNs })
  counters['restart_parents_caught_up'] = caught.parents
  counters['restart_children_caught_up'] = caught.children
  if (caught.orphans > 0) counters['restart_children_orphaned'] = caught.orphans
  if (caught.lost.length > 0) {
    bump('restart_journal_lost', caught.lost.length)
    logger.error({ rings: caught.lost }, 'execution restarted: a ring came round past the snapshot; what was done since is not all known')
  }
  parts.posting.restore(restored.posting)
  try {
    parts.slippage.importState(restored.slippage)
    for (const parent of restored.measured) parts.measured.add(parent)
  } catch (err) {
    // A tracker of another window size (the config changed): its parents complete unmeasured.
    bump('slippage_state_refused')
    logger.warn({ err }, 'execution restarted: the slippage state was refused; its open parents complete unmeasured')
  }
  // The answers read after the snapshot, about the children known now: taken again, once.
  const replayed = replayConsumed(parts.answers, restored.answersMark, parts.onAnswer)
  if (replayed === undefined) {
    bump('restart_journal_lost')
    logger.error({ mark: restored.answersMark, next: parts.answers.next }, 'execution restarted: the fill ring moved on past the snapshot; answers read since are not known')
  } else counters['restart_answers_replayed'] = replayed
  logger.info({ parents: parts.parents.openParents, children: parts.children.openCount }, 'execution restarted: its parents and children taken up from its snapshot')
}

interface CatchUpParts {
  /** The orders ring as execution reads it, and where its snapshot stood on it. */
  orders: RingConsumer
  ordersMark: number
  /** The venue ring as execution writes it, and where its snapshot stood on it. */
  venueRing: SingleProducerSequencer
  venueMark: number
  parents: ParentOrders
  children: ChildOrders
  nowNs: number
}

interface CatchUp {
  /** Parents read after the snapshot that became children, and those children. */
  parents: number
  children: number
  /** Cancels sent after the snapshot, of children known again. */
  cancels: number
  /** Children after the snapshot whose parent is not known (its intent was read before the snapshot and ended): left to end at the venue. */
  orphans: number
  /** Rings that came round past the snapshot. */
  lost: Array<'orders' | 'venue'>
}

/**
 * What a restarted execution did after its snapshot, read back from the
 * rings: the parents it read off the orders ring, and the children and
 * cancels it wrote on the venue ring (its own, so they are all there unless
 * the ring came round). A child names its parent's intent, so each child
 * finds its parent again, under its own id; a child posted post-only is a
 * post again. The child id counter goes on past every child sent, so no id
 * is handed out twice. Parents read since that left no child (blocked, no
 * liquidity) are done with. Their arrival prices died with the tracker, so
 * they complete unmeasured.
 */
function catchUp(parts: CatchUpParts): CatchUp {
  const out: CatchUp = { parents: 0, children: 0, cancels: 0, orphans: 0, lost: [] }
  const order = new Order()
  const read = new Map<number, { parentId: number; terms: ParentTerms }>()
  const consumed = replayConsumed(parts.orders, parts.ordersMark, (ring: RingBuffer, _s, type, offset) => {
    if (type !== MessageType.Order) return
    order.__init(offset, ring.byteBuffer)
    read.set(order.intentId(), { parentId: order.clientOrderId(), terms: parentTermsOf(order) })
  })
  if (consumed === undefined) out.lost.push('orders')
  const written = writtenSince(parts.venueRing, parts.venueMark)
  if (written === undefined) {
    out.lost.push('venue')
    return out
  }
  const ring = parts.venueRing.ring
  const cancel = new OrderCancel()
  const adopted = new Set<number>()
  for (const s of written) {
    const type = ring.messageType(s)
    const offset = ring.payloadOffset(s)
    if (type === MessageType.OrderCancel) {
      const id = cancel.__init(offset, ring.byteBuffer).clientOrderId()
      if (parts.children.get(id) === undefined) continue
      parts.children.cancelSent(id, parts.nowNs)
      out.cancels++
      continue
    }
    if (type !== MessageType.Order) continue
    order.__init(offset, ring.byteBuffer)
    const childId = order.clientOrderId()
    const since = read.get(order.intentId())
    let parentId = parts.parents.parentOfIntent(order.intentId())
    if (parentId === undefined && since !== undefined) {
      parentId = since.parentId
      parts.parents.addParent(parentId, since.terms)
    }
    if (parentId === undefined) {
      parts.parents.passChildId(childId)
      out.orphans++
      continue
    }
    if (since !== undefined && !adopted.has(parentId)) {
      adopted.add(parentId)
      out.parents++
    }
    parts.parents.restoreChild(childId, parentId, order.orderType() === OrderType.LimitMaker ? 'post' : 'routed')
    parts.children.sent(childId, {
      venueId: order.venueId(),
      instrumentId: order.instrumentId(),
      side: order.side(),
      sizeLots: order.sizeLots(),
      priceTicks: order.priceTicks(),
      rests: order.timeInForce() !== TimeInForce.ImmediateOrCancel,
      sentNs: order.tsNs(),
    })
    out.children++
  }
  return out
}
