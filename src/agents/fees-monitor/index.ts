import { RingConsumer, type RingBuffer } from '../../ring/index.js'
import { Fill, Liquidity, MessageType } from '../../schemas/index.js'
import type { Agent } from '../agent.js'

/**
 * fees_monitor: totals fees from every fill on the fill ring, by maker and
 * taker, as integer quote units (no float drift). Fee tiers and profit per
 * strategy net of fees come with the execution capability.
 */
export default function createFeesMonitor(): Agent {
  let fills: RingConsumer
  const fill = new Fill()
  let counters: Record<string, number> = {}
  let feesMaker = 0n
  let feesTaker = 0n

  const onMessage = (ring: RingBuffer, _s: number, type: number, offset: number): void => {
    if (type !== MessageType.Fill) return
    fill.__init(offset, ring.byteBuffer)
    const fee = BigInt(fill.feeQuoteUnits())
    if (fill.liquidity() === Liquidity.Maker) feesMaker += fee
    else feesTaker += fee
    counters['fills'] = (counters['fills'] ?? 0) + 1
  }

  return {
    init(ctx, restored: { feesMaker: string; feesTaker: string } | undefined) {
      fills = new RingConsumer(ctx.rings.fills!, ctx.consumerIds.fills!)
      counters = ctx.counters
      if (restored) {
        feesMaker = BigInt(restored.feesMaker)
        feesTaker = BigInt(restored.feesTaker)
      }
    },
    step() {
      fills.drain(onMessage)
    },
    health: () => ({ feesMakerQuoteUnits: feesMaker.toString(), feesTakerQuoteUnits: feesTaker.toString() }),
    snapshot: () => ({ feesMaker: feesMaker.toString(), feesTaker: feesTaker.toString() }),
  }
}
