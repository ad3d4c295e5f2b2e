import type { SingleProducerSequencer } from './single-producer-sequencer.js'

/**
 * A restarted producer catching up with its snapshot: the ring outlives the
 * thread and nothing else writes it, so what the last thread published after
 * the snapshot's `mark` is still there, unless the ring has come round over it.
 */

/** The sequence of each message published from `mark` on, oldest first; undefined when the ring has written over the one at `mark`. */
export function writtenSince(producer: SingleProducerSequencer, mark: number): number[] | undefined {
  const end = producer.next
  if (end - mark > producer.ring.capacity) return undefined
  return Array.from({ length: Math.max(0, end - mark) }, (_, k) => mark + k)
}

/** The payload offset of the newest message published, always still there; undefined before the first. */
export function newestWritten(producer: SingleProducerSequencer): number | undefined {
  const last = producer.next - 1
  return last < producer.ring.startSequence ? undefined : producer.ring.payloadOffset(last)
}
