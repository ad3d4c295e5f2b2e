/**
 * Feed thread of the ring demo that `waves run` starts until the cycle
 * exists: publishes synthetic quotes as FlatBuffers structs written in place
 * into the market ring, in batches, as fast as the reader takes them.
 */
import { workerData } from 'node:worker_threads'
import { RingBuffer, SingleProducerSequencer, SpinThenParkWaitStrategy } from '../src/ring/index.js'
import { MessageType, Quote } from '../src/schemas/index.js'

const { sab, instruments } = workerData as { sab: SharedArrayBuffer; instruments: number }
const ring = RingBuffer.attach(sab)
const producer = new SingleProducerSequencer(ring, new SpinThenParkWaitStrategy())
const quote = new Quote()
const mid = Array.from({ length: instruments }, (_, i) => 1_000_000 + i * 10_000)
let seed = 12345

try {
  for (;;) {
    const first = producer.claim(32)
    for (let s = first; s < first + 32; s++) {
      const instrument = s % instruments
      seed = (seed * 1103515245 + 12345) >>> 0
      mid[instrument]! += (seed >>> 31) * 2 - 1 // a random walk of one tick
      producer.setHeader(s, Quote.sizeOf(), MessageType.Quote)
      quote.__init(ring.payloadOffset(s), ring.byteBuffer)
      quote.mutate_ts_ns(performance.now() * 1e6)
      quote.mutate_instrument_id(instrument)
      quote.mutate_venue_id(1)
      quote.mutate_bid_price_ticks(mid[instrument]! - 1)
      quote.mutate_ask_price_ticks(mid[instrument]! + 1)
      quote.mutate_bid_size_lots(100)
      quote.mutate_ask_size_lots(100)
      quote.mutate_venue_sequence(s)
    }
    producer.publish(first + 31)
  }
} catch (err) {
  // The reader closes the ring to stop the feed.
  if (!ring.closed) throw err
}
