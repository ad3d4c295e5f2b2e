import { RingBuffer } from './ring-buffer.js'
import { RingConsumer, type MessageHandler } from './ring-consumer.js'
import { SingleProducerSequencer } from './single-producer-sequencer.js'

/**
 * A restarted consumer catching up with its snapshot: the messages it took
 * from `mark` up to its cursor, handed to `handler` again, in order. The
 * ring outlives the thread, but those slots were released, so the producer
 * may be writing over them as they are read: each is copied into a private
 * ring first, and the copies are handed over only if the producer had not
 * come round to `mark` by the end of copying. Returns how many were handed
 * over, or undefined when some were written over (what they said is lost).
 */
export function replayConsumed(consumer: RingConsumer, mark: number, handler: MessageHandler): number | undefined {
  const ring = consumer.ring
  const end = consumer.next
  if (end <= mark) return 0
  if (end - mark > ring.capacity) return undefined
  const copy = RingBuffer.create({ capacity: Math.max(2, 2 ** Math.ceil(Math.log2(end - mark))), maxPayloadBytes: ring.maxPayloadBytes, uniformType: ring.uniformType })
  const copier = new SingleProducerSequencer(copy)
  for (let s = mark; s < end; s++) {
    const offset = ring.payloadOffset(s)
    // A length torn by a producer writing the slot is caught below, before anything is handed over.
    const length = Math.min(Math.max(0, ring.payloadLength(s)), ring.maxPayloadBytes)
    const type = ring.messageType(s)
    if (!copier.tryPublishBytes(type, ring.bytes.subarray(offset, offset + length))) return undefined
  }
  if (consumer.published >= mark + ring.capacity) return undefined
  return new RingConsumer(copy, 0).drain(handler)
}
