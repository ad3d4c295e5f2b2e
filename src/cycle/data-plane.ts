import { BookResync } from '../feeds/book-resync.js'
import { RingBuffer } from '../ring/index.js'
import { VenueHealthBoard } from '../venues/health/index.js'
import type { DataPlane } from './coordinator.js'
import { RING_NAMES, TOPOLOGY, ringPayloadBytes, ringsOf } from './topology.js'

/**
 * Creates the rings of the topology and the venue health board of `venues`
 * venues, and bundles them with the boards: the shared memory every agent
 * thread attaches to.
 */
export function createDataPlane(boards: Record<string, SharedArrayBuffer>, venues: number): DataPlane {
  const rings: Record<string, SharedArrayBuffer> = {}
  for (const name of RING_NAMES) {
    const spec = TOPOLOGY[name]
    // A ring of one message type needs no slot headers.
    const uniformType = spec.messages.length === 1 ? spec.messages[0]! : 0
    rings[name] = RingBuffer.create({ capacity: spec.capacity, maxPayloadBytes: ringPayloadBytes(name), consumers: spec.consumers.length, uniformType }).sab
  }
  return {
    rings,
    boards,
    venueHealth: VenueHealthBoard.create(venues).sab,
    bookResync: BookResync.create().sab,
    ringsOf: (agent) => {
      const { rings: names, consumerIds } = ringsOf(agent)
      return { rings: names, consumerIds: consumerIds as Record<string, number> }
    },
  }
}
