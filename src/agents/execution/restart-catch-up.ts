import { replayConsumed, writtenSince, type RingBuffer, type RingConsumer, type SingleProducerSequencer } from '../../ring/index.js'
import { MessageType, Order, OrderCancel, OrderType, TimeInForce } from '../../schemas/index.js'
import type { ChildOrders } from './child-orders.js'
import { parentTermsOf, type ParentOrders, type ParentTerms } from './parent-orders.js'

export interface CatchUpParts {
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

export interface CatchUp {
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
export function catchUp(parts: CatchUpParts): CatchUp {
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
