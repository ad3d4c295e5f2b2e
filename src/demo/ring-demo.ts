import { Worker } from 'node:worker_threads'
import { AsyncParkWaitStrategy, RingBuffer, RingConsumer } from '../ring/index.js'
import { MessageType, Quote } from '../schemas/index.js'
import { compiledModuleUrl } from '../runtime/package-root.js'

export interface RingDemoOptions {
  /** Stop after this long; otherwise on SIGINT or SIGTERM. */
  seconds?: number
  /** Where the per-second lines go. */
  out?: NodeJS.WritableStream
}

export interface RingDemoResult {
  messages: number
  seconds: number
}

/**
 * A feed thread publishes quotes into a SharedArrayBuffer ring; this thread
 * reads each one in place, checks it, and prints the rate every second.
 */
export async function runRingDemo(options: RingDemoOptions = {}): Promise<RingDemoResult> {
  const out = options.out ?? process.stdout
  const instruments = 8
  const ring = RingBuffer.create({ capacity: 4096, maxPayloadBytes: Quote.sizeOf() })
  const feed = new Worker(compiledModuleUrl('workers/demo-feed'), { workerData: { sab: ring.sab, instruments } })
  const feedExit = new Promise<number>((resolve, reject) => {
    feed.once('error', reject)
    feed.once('exit', resolve)
  })
  const consumer = new RingConsumer(ring, 0)
  const strategy = new AsyncParkWaitStrategy()
  const quote = new Quote()
  let messages = 0
  let crossed = 0
  let lastMid = 0

  let stopping = false
  const stop = (): void => {
    stopping = true
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const timer = options.seconds === undefined ? undefined : setTimeout(stop, options.seconds * 1000)

  const started = performance.now()
  let lastReport = started
  let reported = 0
  out.write('waves: market-data ring demo (feed thread → ring → this thread); Ctrl-C stops\n')
  while (!stopping) {
    await consumer.waitForAsync(strategy)
    consumer.drain((r, _seq, type, offset) => {
      if (type !== MessageType.Quote) throw new Error(`unexpected message type ${type}`)
      quote.__init(offset, r.byteBuffer)
      if (quote.bidPriceTicks() >= quote.askPriceTicks()) crossed++
      lastMid = (quote.bidPriceTicks() + quote.askPriceTicks()) / 2
      messages++
    })
    const now = performance.now()
    if (now - lastReport >= 1000) {
      const rate = ((messages - reported) / (now - lastReport)) * 1000
      out.write(`${(rate / 1e6).toFixed(2)} M quotes/s  total ${messages}  last mid ${lastMid} ticks  crossed ${crossed}\n`)
      reported = messages
      lastReport = now
    }
  }
  if (timer) clearTimeout(timer)
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  ring.close()
  await feedExit
  const seconds = (performance.now() - started) / 1000
  out.write(`stopped after ${seconds.toFixed(1)} s: ${messages} quotes, ${crossed} crossed\n`)
  return { messages, seconds }
}
