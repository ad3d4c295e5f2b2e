import { newestWritten, writtenSince, type SingleProducerSequencer } from '../../ring/index.js'
import { Order } from '../../schemas/index.js'
import type { PreTradeCheck } from './pre-trade-check.js'

/**
 * A restarted sender of approved orders (risk on the orders ring, the fast
 * path on the fast ring) catching up with its snapshot on its own ring: the
 * orders it wrote after `mark` count in `check` again, and client order ids
 * go on past the newest it wrote, which is always still there. `replayed` is
 * undefined when the ring came round past the mark: those orders are not
 * counted, and the caller says so.
 */
export function catchUpOnApprovals(ring: SingleProducerSequencer, mark: number, check: PreTradeCheck, nextId: number): { nextId: number; replayed: number | undefined } {
  const order = new Order()
  const bytes = ring.ring.byteBuffer
  const newest = newestWritten(ring)
  const next = newest === undefined ? nextId : Math.max(nextId, order.__init(newest, bytes).clientOrderId() + 1)
  const since = writtenSince(ring, mark)
  for (const s of since ?? []) {
    order.__init(ring.ring.payloadOffset(s), bytes)
    check.countApproved({ instrumentId: order.instrumentId(), side: order.side(), sizeLots: order.sizeLots() })
  }
  return { nextId: next, replayed: since?.length }
}
