/**
 * The ring suite: one producer thread to one consumer thread.
 *
 * ```
 *   producer worker ──[ waves ring | ringbuf.js | postMessage | comlink ]──▶ consumer worker
 * ```
 *
 * Throughput: 64- and 256-byte messages, published one at a time (`single`)
 * or 64 per publish (`batch`), busy consumer, timed after a warm-up of half
 * as many messages again; the contenders run side by side, `--runs`
 * rounds, each row its median run and each ratio the median of the rounds'
 * own ratios. Latency: one message every
 * 200 µs, so the consumer goes idle between them, and the one-way time from
 * the producer's stamp to the consumer's read, per wait strategy.
 * Every consumer checks every message; a wrong one fails the run.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { RingBuffer as RingbufJs } from 'ringbuf.js'
import { RingBuffer } from '../../src/ring/index.js'
import { probeLineRoundTrip } from '../harness/line-round-trip.js'
import { failIfNot, latencyPercentiles, median, pairedRatio, ratio, wants, type BenchDocument, type BenchOptions, type BenchRow } from '../harness/report.js'
import { StartLine, startBenchWorker } from '../harness/worker-run.js'
import type { ConsumerResult, Contender, LatencyJob, LatencyResult, ProducerResult, ThroughputJob, WakeStrategy } from './ring-contender-worker.js'

const WORKER = 'bench/ring/ring-contender-worker'
const SLOTS = 4096
const BATCH = 64
const CONTENDERS: readonly Contender[] = ['waves', 'ringbuf.js', 'postMessage', 'comlink']
const MODES = [['single', 1], ['batch', BATCH]] as const

/**
 * Messages per run: a few tenths of a second or more for the rings (at 8 M,
 * as before, a batch run lasted 50–100 ms, of which the first few ran before
 * V8 had compiled the loops, which weighs most on the fastest contender),
 * far fewer for the slow ones. Publishing every message, the rings take a
 * quarter of the batch count: at 40 M a ring's single run lasted up to 6 s
 * in the machine's slow state, long enough for the state to change under
 * it, against well under a second for postMessage's run beside it.
 */
function messageCount(contender: Contender, bytes: number, batch: number, quick: boolean): number {
  const ring = (bytes === 64 ? 40_000_000 : 16_000_000) / (batch > 1 ? 1 : 4)
  const full = {
    waves: ring,
    'ringbuf.js': ring,
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

/** Each row's rate in every round, in the order of the rounds. */
type RoundRates = Map<string, number[]>

/**
 * One round of every wanted throughput row at one size: the contenders side
 * by side in each mode, so that each pair of runs the ratios compare lies
 * seconds apart, and in the other order every other round, so that neither
 * of a pair always runs second.
 */
async function throughputRound(options: BenchOptions, bytes: number, round: number, rates: RoundRates): Promise<void> {
  const order = round % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse()
  for (const [mode, batch] of MODES) {
    for (const contender of order) {
      const name = `${contender} ${bytes}B ${mode}`
      if (!wants(options, name)) continue
      const rate = await throughputRun(contender, bytes, batch, options.quick)
      rates.set(name, [...(rates.get(name) ?? []), rate])
    }
  }
}

/** Each round's best publish mode of a contender: the faster of its single and batch runs that round. */
function bestByRound(rates: RoundRates, contender: Contender, bytes: number): number[] | undefined {
  const single = rates.get(`${contender} ${bytes}B single`)
  const batched = rates.get(`${contender} ${bytes}B batch`)
  return single === undefined || batched === undefined ? undefined : single.map((s, i) => Math.max(s, batched[i]!))
}

/** Round `r`'s own ratios, for the log. */
function describeRound(rates: RoundRates, bytes: number, r: number): string {
  const round: RoundRates = new Map([...rates].map(([name, runs]) => [name, [runs[r]!]]))
  const ratios = Object.entries(throughputRatios(round, bytes)).filter(([, v]) => v !== undefined)
  return ratios.length === 0 ? 'no ratio among the rows run' : ratios.map(([name, v]) => `${name} ${v}×`).join(', ')
}

function throughputRatios(rates: RoundRates, bytes: number): Record<string, number | undefined> {
  const waves = bestByRound(rates, 'waves', bytes)
  const postSingle = rates.get(`postMessage ${bytes}B single`)
  return {
    [`waves/ringbuf.js ${bytes}B best`]: pairedRatio(waves, bestByRound(rates, 'ringbuf.js', bytes)),
    [`waves/comlink ${bytes}B best`]: pairedRatio(waves, bestByRound(rates, 'comlink', bytes)),
    // postMessage's unit is one message per post; its batch row is reported beside it.
    [`waves best/postMessage ${bytes}B single`]: pairedRatio(waves, postSingle),
    [`waves/postMessage ${bytes}B best`]: pairedRatio(waves, bestByRound(rates, 'postMessage', bytes)),
    [`waves/postMessage ${bytes}B single`]: pairedRatio(rates.get(`waves ${bytes}B single`), postSingle),
  }
}

export async function ringSuite(options: BenchOptions): Promise<BenchDocument> {
  const rows: BenchRow[] = []
  const candidates: Record<string, number | undefined> = {}
  // A discarded first run: the first seconds of a process on this kind of
  // machine are measurably slower (cores and caches waking up), and the
  // first row would pay for it.
  await throughputRun('waves', 64, 1, true)
  for (const bytes of [64, 256]) {
    if (!CONTENDERS.some((contender) => MODES.some(([mode]) => wants(options, `${contender} ${bytes}B ${mode}`)))) continue
    // `runs` rounds, each row its median run, each ratio the median of the
    // rounds' own ratios: the machine flips between a fast and a slow state
    // within seconds (see `line-round-trip.ts`), and a row's median run and
    // another's could come from different states.
    const rates: RoundRates = new Map()
    for (let r = 0; r < options.runs; r++) {
      const before = await probeLineRoundTrip()
      await throughputRound(options, bytes, r, rates)
      const after = await probeLineRoundTrip()
      process.stderr.write(`ring ${bytes}B round ${r + 1}: a line's round trip ${before.ns} ns before, ${after.ns} after; ${describeRound(rates, bytes, r)}\n`)
    }
    for (const [name, runs] of rates) rows.push(throughputRow(name, median(runs)))
    Object.assign(candidates, throughputRatios(rates, bytes))
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

  candidates['postMessage/waves park-wake p50'] = ratio(p50.get('postMessage wake'), p50.get('waves park-wake'))
  candidates['comlink/waves park-wake p50'] = ratio(p50.get('comlink wake'), p50.get('waves park-wake'))
  const ratios: Record<string, number> = {}
  for (const [k, v] of Object.entries(candidates)) if (v !== undefined) ratios[k] = v
  return { suite: 'ring', rows, ratios }
}
