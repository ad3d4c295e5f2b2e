/**
 * The ring suite: one producer thread to one consumer thread.
 *
 * ```
 *   producer worker ──[ waves ring | ringbuf.js | postMessage | comlink ]──▶ consumer worker
 * ```
 *
 * Throughput: 64- and 256-byte messages, published one at a time (`single`)
 * or 64 per publish (`batch`), busy consumer, timed after a warm-up of half
 * as many messages again; the contenders run in turns, `--runs` rounds,
 * each row its median run. Latency: one message every
 * 200 µs, so the consumer goes idle between them, and the one-way time from
 * the producer's stamp to the consumer's read, per wait strategy.
 * Every consumer checks every message; a wrong one fails the run.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { RingBuffer as RingbufJs } from 'ringbuf.js'
import { RingBuffer } from '../../src/ring/index.js'
import { failIfNot, latencyPercentiles, median, ratio, wants, type BenchDocument, type BenchOptions, type BenchRow } from '../harness/report.js'
import { StartLine, startBenchWorker } from '../harness/worker-run.js'
import type { ConsumerResult, Contender, LatencyJob, LatencyResult, ProducerResult, ThroughputJob, WakeStrategy } from './ring-contender-worker.js'

const WORKER = 'bench/ring/ring-contender-worker'
const SLOTS = 4096
const BATCH = 64

/**
 * Messages per run: a few tenths of a second or more for the rings (at 8 M,
 * as before, a batch run lasted 50–100 ms, of which the first few ran before
 * V8 had compiled the loops, which weighs most on the fastest contender),
 * far fewer for the slow ones.
 */
function messageCount(contender: Contender, bytes: number, batch: number, quick: boolean): number {
  const full = {
    waves: bytes === 64 ? 40_000_000 : 16_000_000,
    'ringbuf.js': bytes === 64 ? 40_000_000 : 16_000_000,
    postMessage: batch > 1 ? 2_000_000 : 300_000,
    comlink: batch > 1 ? 1_000_000 : 60_000,
  }[contender]
  return quick ? Math.floor(full / 20) : full
}

function channelFor(contender: Contender, words: number): Pick<ThroughputJob, 'sab'> & { ports?: [MessagePort, MessagePort] } {
  switch (contender) {
    case 'waves':
      // Every message here is one fixed-size type: a uniform ring, no slot headers.
      return { sab: RingBuffer.create({ capacity: SLOTS, maxPayloadBytes: words * 8, uniformType: 1 }).sab }
    case 'ringbuf.js':
      return { sab: RingbufJs.getStorageForCapacity(SLOTS * words, Float64Array) }
    default: {
      const { port1, port2 } = new MessageChannel()
      return { ports: [port1 as never, port2 as never] }
    }
  }
}

async function throughputRun(contender: Contender, bytes: number, batch: number, quick: boolean): Promise<number> {
  const words = bytes / 8
  const timed = messageCount(contender, bytes, batch, quick)
  // Half as many again first, untimed: V8 compiles each end's loops during
  // the first tens of millions of messages of a ring (a waves producer
  // wrote its first 20 M at ~4.5 ns each and the next at ~3.4), and the
  // rows are about the rate a running pipeline keeps.
  const warmup = Math.floor(timed / 2)
  const count = timed + warmup
  const start = new StartLine()
  const channel = channelFor(contender, words)
  const flow = new SharedArrayBuffer(4)
  const base = { kind: 'throughput' as const, contender, count, warmup, batch, words, go: start.sab, flow, ...(channel.sab ? { sab: channel.sab } : {}) }
  const [producerPort, consumerPort] = channel.ports ?? []
  const consumer = startBenchWorker<ConsumerResult>(WORKER, { ...base, side: 'consume', ...(consumerPort ? { port: consumerPort } : {}) }, consumerPort ? [consumerPort as never] : [])
  const producer = startBenchWorker<ProducerResult>(WORKER, { ...base, side: 'produce', ...(producerPort ? { port: producerPort } : {}) }, producerPort ? [producerPort as never] : [])
  await Promise.all([consumer.ready, producer.ready])
  start.go()
  const [, consumed] = await Promise.all([producer.result, consumer.result])
  await Promise.all([producer.worker.terminate(), consumer.worker.terminate()])
  failIfNot(consumed.received === count && consumed.bad === 0, `${contender} ${bytes}B: received ${consumed.received}/${count}, ${consumed.bad} wrong`)
  failIfNot(consumed.markedAt >= warmup && consumed.markedAt < count, `${contender} ${bytes}B: no mark after the warm-up`)
  return (count - consumed.markedAt) / ((consumed.endMs - consumed.markMs) / 1000)
}

async function latencyRun(contender: Contender, strategy: WakeStrategy, quick: boolean): Promise<Float64Array> {
  const samples = quick ? 500 : 5000
  const start = new StartLine()
  const channel = channelFor(contender, 2)
  const base: Omit<LatencyJob, 'side'> = { kind: 'latency', contender, strategy, samples, intervalMs: 0.2, go: start.sab, ...(channel.sab ? { sab: channel.sab } : {}) }
  const [producerPort, consumerPort] = channel.ports ?? []
  const consumer = startBenchWorker<LatencyResult>(WORKER, { ...base, side: 'consume', ...(consumerPort ? { port: consumerPort } : {}) }, consumerPort ? [consumerPort as never] : [])
  const producer = startBenchWorker<ProducerResult>(WORKER, { ...base, side: 'produce', ...(producerPort ? { port: producerPort } : {}) }, producerPort ? [producerPort as never] : [])
  await Promise.all([consumer.ready, producer.ready])
  start.go()
  const [, result] = await Promise.all([producer.result, consumer.result])
  await Promise.all([producer.worker.terminate(), consumer.worker.terminate()])
  failIfNot(result.bad === 0 && result.samplesNs.length === samples, `${contender} ${strategy}-wake: ${result.bad} out of order`)
  return result.samplesNs
}

const throughputRow = (name: string, msgsPerSec: number): BenchRow => ({ name, msgsPerSec: Math.round(msgsPerSec), p50us: null, p99us: null, p999us: null })

export async function ringSuite(options: BenchOptions): Promise<BenchDocument> {
  const rows: BenchRow[] = []
  const rate = new Map<string, number>()
  const contenders: Contender[] = ['waves', 'ringbuf.js', 'postMessage', 'comlink']
  // A discarded first run: the first seconds of a process on this kind of
  // machine are measurably slower (cores and caches waking up), and the
  // first row would pay for it.
  await throughputRun('waves', 64, 1, true)
  for (const bytes of [64, 256]) {
    for (const [mode, batch] of [['single', 1], ['batch', BATCH]] as const) {
      // The contenders in turns, `runs` rounds, each row its median run: a change in the machine
      // during the suite (these rows move with where the two virtual cores land) falls on all of them.
      const wanted = contenders.filter((contender) => wants(options, `${contender} ${bytes}B ${mode}`))
      const runs = new Map<Contender, number[]>(wanted.map((contender) => [contender, []]))
      for (let r = 0; r < options.runs; r++) {
        for (const contender of wanted) runs.get(contender)!.push(await throughputRun(contender, bytes, batch, options.quick))
      }
      for (const contender of wanted) {
        const name = `${contender} ${bytes}B ${mode}`
        rate.set(name, median(runs.get(contender)!))
        rows.push(throughputRow(name, median(runs.get(contender)!)))
      }
    }
  }

  const wakes: Array<[Contender, WakeStrategy, string]> = [
    ['waves', 'spin', 'waves spin-wake'],
    ['waves', 'park', 'waves park-wake'],
    ['waves', 'async', 'waves async-wake'],
    ['ringbuf.js', 'spin', 'ringbuf.js spin-wake'],
    ['postMessage', 'park', 'postMessage wake'],
    ['comlink', 'park', 'comlink wake'],
  ]
  const p50 = new Map<string, number>()
  for (const [contender, strategy, name] of wakes) {
    if (!wants(options, name)) continue
    const percentiles = latencyPercentiles(await latencyRun(contender, strategy, options.quick))
    p50.set(name, percentiles.p50us!)
    rows.push({ name, msgsPerSec: null, ...percentiles })
  }

  const best = (contender: Contender, bytes: number): number | undefined => {
    const single = rate.get(`${contender} ${bytes}B single`)
    const batched = rate.get(`${contender} ${bytes}B batch`)
    return single === undefined || batched === undefined ? undefined : Math.max(single, batched)
  }
  const candidates: Record<string, number | undefined> = {}
  for (const bytes of [64, 256]) {
    for (const other of ['ringbuf.js', 'comlink'] as const) candidates[`waves/${other} ${bytes}B best`] = ratio(best('waves', bytes), best(other, bytes))
    // postMessage's unit is one message per post; its batch row is reported beside it.
    candidates[`waves best/postMessage ${bytes}B single`] = ratio(best('waves', bytes), rate.get(`postMessage ${bytes}B single`))
    candidates[`waves/postMessage ${bytes}B best`] = ratio(best('waves', bytes), best('postMessage', bytes))
    candidates[`waves/postMessage ${bytes}B single`] = ratio(rate.get(`waves ${bytes}B single`), rate.get(`postMessage ${bytes}B single`))
  }
  candidates['postMessage/waves park-wake p50'] = ratio(p50.get('postMessage wake'), p50.get('waves park-wake'))
  candidates['comlink/waves park-wake p50'] = ratio(p50.get('comlink wake'), p50.get('waves park-wake'))
  const ratios: Record<string, number> = {}
  for (const [k, v] of Object.entries(candidates)) if (v !== undefined) ratios[k] = v
  return { suite: 'ring', rows, ratios }
}
