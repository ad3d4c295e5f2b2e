/**
 * Both ends of every contender in the ring suite, in one worker script: the
 * role comes in workerData. Every contender moves the same messages: W
 * float64 words, word 0 the sequence number and word w = sequence + w, and
 * every consumer checks the first and last word of each one.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { RingBuffer as RingbufJs } from 'ringbuf.js'
import {
  AsyncParkWaitStrategy,
  BusySpinWaitStrategy,
  RingBuffer,
  RingConsumer,
  SingleProducerSequencer,
  SpinThenParkWaitStrategy,
  type WaitStrategy,
} from '../../src/ring/index.js'
import { comlinkEndpoint } from '../../src/runtime/comlink-endpoint.js'
import { sleepMs } from '../harness/sleep-ms.js'
import { StartLine } from '../harness/worker-run.js'

export type Contender = 'waves' | 'ringbuf.js' | 'postMessage' | 'comlink'
export type WakeStrategy = 'spin' | 'park' | 'async'

export interface ThroughputJob {
  kind: 'throughput'
  side: 'produce' | 'consume'
  contender: Contender
  count: number
  /** Messages before the timed stretch: the consumer marks when it has checked this many. */
  warmup: number
  batch: number
  words: number
  go: SharedArrayBuffer
  sab?: SharedArrayBuffer
  port?: MessagePort
  /** postMessage flow control: [consumed] */
  flow?: SharedArrayBuffer
}

export interface LatencyJob {
  kind: 'latency'
  side: 'produce' | 'consume'
  contender: Contender
  strategy: WakeStrategy
  samples: number
  intervalMs: number
  go: SharedArrayBuffer
  sab?: SharedArrayBuffer
  port?: MessagePort
}

/** A producer's answer once it has published everything: the timing is the consumer's. */
export type ProducerResult = 'sent'
export interface ConsumerResult {
  /** When the consumer had checked `markedAt` messages, the first at least `warmup`. */
  markMs: number
  markedAt: number
  endMs: number
  received: number
  bad: number
}
export interface LatencyResult {
  samplesNs: Float64Array
  bad: number
}

const job = workerData as ThroughputJob | LatencyJob
// `writeMessage` writes eight words a turn: a size it cannot fill exactly would spill into the next message.
if (job.kind === 'throughput' && job.words % 8 !== 0) throw new Error(`ring bench messages are multiples of 64 bytes, got ${job.words * 8}`)
const post = (message: unknown): void => parentPort!.postMessage(message)

function waitStrategy(name: WakeStrategy): WaitStrategy {
  return name === 'spin' ? new BusySpinWaitStrategy() : new SpinThenParkWaitStrategy()
}


// ---------------------------------------------------------------- throughput

/**
 * Writes message `sequence` (word w = sequence + w) at `base` of `target`:
 * every producer writes its messages with this, into the ring or into what
 * it sends. Eight words a turn (the sizes here are 64 and 256 bytes): a loop
 * turn per word cost more than the ring itself (~11 ns a 64-byte message
 * against ~4), which pressed every contender's figure toward the same.
 */
function writeMessage(target: Float64Array, base: number, sequence: number, words: number): void {
  writeEightWords(target, base, sequence)
  if (words > 8) writeWordsAfterEight(target, base, sequence, words)
}

/**
 * The words past the first eight, apart: with this loop in `writeMessage`
 * itself, even never entered, the waves 64-byte batch row moved 207–219
 * M/s, against 232–240 with it here, in runs taken in turns.
 */
function writeWordsAfterEight(target: Float64Array, base: number, sequence: number, words: number): void {
  for (let w = 8; w < words; w += 8) writeEightWords(target, base + w, sequence + w)
}

function writeEightWords(target: Float64Array, at: number, value: number): void {
  target[at] = value
  target[at + 1] = value + 1
  target[at + 2] = value + 2
  target[at + 3] = value + 3
  target[at + 4] = value + 4
  target[at + 5] = value + 5
  target[at + 6] = value + 6
  target[at + 7] = value + 7
}

/**
 * Where a uniform ring's payloads lie, in f64 words: slot after slot from
 * `first`, `stride` apart, back to `first` at `wrapAt`. The waves ends step
 * through a batch with these, as the other contenders step through theirs.
 */
interface PayloadWalk {
  readonly first: number
  readonly stride: number
  readonly wrapAt: number
}

function payloadWalk(ring: RingBuffer): PayloadWalk {
  const first = ring.payloadOffset(0) >> 3
  const stride = ring.slotBytes >> 3
  return { first, stride, wrapAt: first + ring.capacity * stride }
}

/**
 * Claims a batch of `n` slots, writes messages `sent`… in place, publishes.
 *
 * Each end's work per batch is a function of its own, called once a batch,
 * and steps slot by slot in small integers, back to the first at the ring's
 * end. V8 compiles a long loop's body in place (on-stack replacement) less
 * well than a function it sees called often, and a bound computed by a
 * division is a double, which makes the loop's counters doubles. Stepping
 * up to the ring's end by such a bound, inline in one long loop, the
 * 64-byte batch row moved 180–209 M/s; as here, 232–240 M/s, in the
 * machine's fast state.
 */
function wavesBatch(producer: SingleProducerSequencer, f64: Float64Array, walk: PayloadWalk, sent: number, n: number, words: number): void {
  const { first: firstBase, stride, wrapAt } = walk
  const first = producer.claim(n)
  let base = producer.ring.payloadOffset(first) >> 3
  // Message numbers counted as the other producers count theirs: the
  // ring's sequences are doubles (53 bits), and a loop stepping a double
  // costs ~3 ns a message more in V8 than one stepping a small integer.
  for (let m = 0; m < n; m++) {
    writeMessage(f64, base, sent + m, words)
    base += stride
    if (base === wrapAt) base = firstBase
  }
  producer.publish(first + n - 1)
}

/**
 * Publishes every message on its own, as a producer with one message at a
 * time does: claim a slot, write it, publish it. `wavesBatch` called with a
 * batch of one, as this row was measured before, added its own per-call
 * work (the walk, a loop of one turn): 50–52 M/s in the machine's fast state
 * and ~10 in its slow one, against 61–66 and ~14 this way, in runs in turns.
 */
function wavesSingles(producer: SingleProducerSequencer, count: number, words: number): void {
  const ring = producer.ring
  const f64 = ring.f64
  for (let sent = 0; sent < count; sent++) {
    const sequence = producer.claim(1)
    writeMessage(f64, ring.payloadOffset(sequence) >> 3, sent, words)
    producer.publish(sequence)
  }
}

function wavesProduce(j: ThroughputJob): ProducerResult {
  const { words, batch, count } = j
  const ring = RingBuffer.attach(j.sab!)
  // Busy on both sides, as ringbuf.js is: this row measures the ring, not wake-ups.
  const producer = new SingleProducerSequencer(ring, new BusySpinWaitStrategy())
  // Every message is the ring's one type at its one size, checked once:
  // a uniform ring's slots have no header to write.
  ring.assertAccepts(words * 8, 1)
  const walk = payloadWalk(ring)
  post('ready')
  StartLine.wait(j.go)
  if (batch === 1) wavesSingles(producer, count, words)
  else for (let sent = 0; sent < count; sent += batch) wavesBatch(producer, ring.f64, walk, sent, Math.min(batch, count - sent), words)
  return 'sent'
}

/** What a consumer has checked so far. */
interface Checked {
  expected: number
  bad: number
}

/** Waits for what is published, checks it in place, slot by slot as the producer writes, and releases it. */
function wavesTake(consumer: RingConsumer, strategy: WaitStrategy, f64: Float64Array, walk: PayloadWalk, last: number, checked: Checked): void {
  const { first: firstBase, stride, wrapAt } = walk
  // The loop form of drain: no callback.
  const published = consumer.waitFor(strategy)
  let base = consumer.ring.payloadOffset(consumer.next) >> 3
  const received = published - consumer.next + 1
  let expected = checked.expected
  let bad = 0
  for (let m = 0; m < received; m++) {
    if (f64[base] !== expected || f64[base + last] !== expected + last) bad++
    expected++
    base += stride
    if (base === wrapAt) base = firstBase
  }
  checked.expected = expected
  checked.bad += bad
  consumer.release(published)
}

function wavesConsume(j: ThroughputJob): ConsumerResult {
  const { words, count, warmup } = j
  const ring = RingBuffer.attach(j.sab!)
  const consumer = new RingConsumer(ring, 0)
  const strategy = new BusySpinWaitStrategy()
  const walk = payloadWalk(ring)
  const checked: Checked = { expected: 0, bad: 0 }
  let [markMs, markedAt] = [0, 0]
  post('ready')
  while (checked.expected < count) {
    wavesTake(consumer, strategy, ring.f64, walk, words - 1, checked)
    if (markedAt === 0 && checked.expected >= warmup) [markMs, markedAt] = [performance.now(), checked.expected]
  }
  return { markMs, markedAt, endMs: performance.now(), received: checked.expected, bad: checked.bad }
}

/** Writes a batch of `n` messages from `sent` into `staging` and pushes it whole (a function a batch, as the waves ends are). */
function ringbufBatch(rb: RingbufJs, staging: Float64Array, sent: number, n: number, words: number): void {
  for (let m = 0; m < n; m++) writeMessage(staging, m * words, sent + m, words)
  const length = n * words
  while (rb.available_write() < length) {
    // ringbuf.js has no wait strategy: spin
  }
  rb.push(staging, length)
}

/** Pushes every message on its own, the same way: write it, wait for room, push it. */
function ringbufSingles(rb: RingbufJs, message: Float64Array, count: number, words: number): void {
  for (let sent = 0; sent < count; sent++) {
    writeMessage(message, 0, sent, words)
    while (rb.available_write() < words) {
      // ringbuf.js has no wait strategy: spin
    }
    rb.push(message, words)
  }
}

function ringbufProduce(j: ThroughputJob): ProducerResult {
  const { words, batch, count } = j
  const rb = new RingbufJs(j.sab!, Float64Array)
  const staging = new Float64Array(words * batch)
  post('ready')
  StartLine.wait(j.go)
  if (batch === 1) ringbufSingles(rb, staging, count, words)
  else for (let sent = 0; sent < count; sent += batch) ringbufBatch(rb, staging, sent, Math.min(batch, count - sent), words)
  return 'sent'
}

/** Pops every whole message readable into `buffer` and checks them. */
function ringbufTake(rb: RingbufJs, buffer: Float64Array, words: number, last: number, checked: Checked): void {
  const readable = rb.available_read()
  const whole = readable - (readable % words)
  if (whole === 0) return
  const n = rb.pop(buffer, whole)
  let expected = checked.expected
  let bad = 0
  for (let base = 0; base < n; base += words) {
    if (buffer[base] !== expected || buffer[base + last] !== expected + last) bad++
    expected++
  }
  checked.expected = expected
  checked.bad += bad
}

function ringbufConsume(j: ThroughputJob): ConsumerResult {
  const { words, count, warmup } = j
  const rb = new RingbufJs(j.sab!, Float64Array)
  const buffer = new Float64Array(rb.capacity())
  const checked: Checked = { expected: 0, bad: 0 }
  let [markMs, markedAt] = [0, 0]
  post('ready')
  while (checked.expected < count) {
    ringbufTake(rb, buffer, words, words - 1, checked)
    if (markedAt === 0 && checked.expected >= warmup) [markMs, markedAt] = [performance.now(), checked.expected]
  }
  return { markMs, markedAt, endMs: performance.now(), received: checked.expected, bad: checked.bad }
}

const POST_WINDOW = 8192

function postProduce(j: ThroughputJob): ProducerResult {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, batch, count } = j
  const port = j.port!
  const flow = new Int32Array(j.flow!)
  const message = new Float64Array(words * batch)
  post('ready')
  StartLine.wait(j.go)
  for (let sent = 0; sent < count; ) {
    const n = Math.min(batch, count - sent)
    for (let m = 0; m < n; m++) writeMessage(message, m * words, sent + m, words)
    // Bounded in flight, as a real pipeline must be: wait while the consumer is a window behind.
    for (let consumed = Atomics.load(flow, 0); sent - consumed >= POST_WINDOW; consumed = Atomics.load(flow, 0)) {
      Atomics.wait(flow, 0, consumed, 5)
    }
    port.postMessage(n === batch ? message : message.subarray(0, n * words))
    sent += n
  }
  return 'sent'
}

function postConsume(j: ThroughputJob): Promise<ConsumerResult> {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, count, warmup } = j
  const flow = new Int32Array(j.flow!)
  const last = words - 1
  let expected = 0
  let bad = 0
  let [markMs, markedAt] = [0, 0]
  return new Promise((resolve) => {
    j.port!.on('message', (message: Float64Array) => {
      for (let base = 0; base < message.length; base += words) {
        if (message[base] !== expected || message[base + last] !== expected + last) bad++
        expected++
      }
      if (markedAt === 0 && expected >= warmup) [markMs, markedAt] = [performance.now(), expected]
      Atomics.store(flow, 0, expected)
      Atomics.notify(flow, 0)
      if (expected >= count) {
        j.port!.close()
        resolve({ markMs, markedAt, endMs: performance.now(), received: expected, bad })
      }
    })
    post('ready')
  })
}

interface Sink {
  push(message: Float64Array): void
}

async function comlinkProduce(j: ThroughputJob): Promise<ProducerResult> {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, batch, count } = j
  const sink = Comlink.wrap<Sink>(comlinkEndpoint(j.port!))
  const message = new Float64Array(words * batch)
  post('ready')
  StartLine.wait(j.go)
  const inFlight: Promise<void>[] = []
  for (let sent = 0; sent < count; ) {
    const n = Math.min(batch, count - sent)
    for (let m = 0; m < n; m++) writeMessage(message, m * words, sent + m, words)
    inFlight.push(sink.push(n === batch ? message : message.subarray(0, n * words)))
    sent += n
    if (inFlight.length === 256) await Promise.all(inFlight.splice(0))
  }
  await Promise.all(inFlight)
  sink[Comlink.releaseProxy]()
  return 'sent'
}

function comlinkConsume(j: ThroughputJob): Promise<ConsumerResult> {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, count, warmup } = j
  const last = words - 1
  let expected = 0
  let bad = 0
  let [markMs, markedAt] = [0, 0]
  return new Promise((resolve) => {
    const sink: Sink = {
      push(message) {
        for (let base = 0; base < message.length; base += words) {
          if (message[base] !== expected || message[base + last] !== expected + last) bad++
          expected++
        }
        if (markedAt === 0 && expected >= warmup) [markMs, markedAt] = [performance.now(), expected]
        if (expected >= count) {
          resolve({ markMs, markedAt, endMs: performance.now(), received: expected, bad })
          setImmediate(() => j.port!.close())
        }
      },
    }
    Comlink.expose(sink, comlinkEndpoint(j.port!))
    post('ready')
  })
}

// ---------------------------------------------------------------- latency

function wavesWakeProduce(j: LatencyJob): ProducerResult {
  const ring = RingBuffer.attach(j.sab!)
  const producer = new SingleProducerSequencer(ring)
  post('ready')
  StartLine.wait(j.go)
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    const s = producer.claim(1)
    producer.setHeader(s, 16, 1)
    const base = ring.payloadOffset(s) >> 3
    ring.f64[base] = i
    ring.f64[base + 1] = performance.now()
    producer.publish(s)
  }
  return 'sent'
}

async function wavesWakeConsume(j: LatencyJob): Promise<LatencyResult> {
  const ring = RingBuffer.attach(j.sab!)
  const consumer = new RingConsumer(ring, 0)
  const samplesNs = new Float64Array(j.samples)
  let received = 0
  let bad = 0
  const record = (_r: RingBuffer, _s: number, _t: number, offset: number): void => {
    const now = performance.now()
    const base = offset >> 3
    if (ring.f64[base] !== received) bad++
    samplesNs[received++] = (now - ring.f64[base + 1]!) * 1e6
  }
  post('ready')
  if (j.strategy === 'async') {
    const strategy = new AsyncParkWaitStrategy()
    while (received < j.samples) {
      await consumer.waitForAsync(strategy)
      consumer.drain(record)
    }
  } else {
    const strategy = waitStrategy(j.strategy)
    while (received < j.samples) consumer.waitAndDrain(strategy, record)
  }
  return { samplesNs, bad }
}

function ringbufWakeProduce(j: LatencyJob): ProducerResult {
  const rb = new RingbufJs(j.sab!, Float64Array)
  const message = new Float64Array(2)
  post('ready')
  StartLine.wait(j.go)
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    message[0] = i
    message[1] = performance.now()
    rb.push(message, 2)
  }
  return 'sent'
}

function ringbufWakeConsume(j: LatencyJob): LatencyResult {
  const rb = new RingbufJs(j.sab!, Float64Array)
  const message = new Float64Array(2)
  const samplesNs = new Float64Array(j.samples)
  let bad = 0
  post('ready')
  for (let received = 0; received < j.samples; ) {
    if (rb.available_read() < 2) continue // ringbuf.js can only be polled: spin
    rb.pop(message, 2)
    const now = performance.now()
    if (message[0] !== received) bad++
    samplesNs[received++] = (now - message[1]!) * 1e6
  }
  return { samplesNs, bad }
}

function postWakeProduce(j: LatencyJob): ProducerResult {
  const message = new Float64Array(2)
  post('ready')
  StartLine.wait(j.go)
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    message[0] = i
    message[1] = performance.now()
    j.port!.postMessage(message)
  }
  return 'sent'
}

function postWakeConsume(j: LatencyJob): Promise<LatencyResult> {
  const samplesNs = new Float64Array(j.samples)
  let received = 0
  let bad = 0
  return new Promise((resolve) => {
    j.port!.on('message', (message: Float64Array) => {
      const now = performance.now()
      if (message[0] !== received) bad++
      samplesNs[received++] = (now - message[1]!) * 1e6
      if (received === j.samples) {
        j.port!.close()
        resolve({ samplesNs, bad })
      }
    })
    post('ready')
  })
}

async function comlinkWakeProduce(j: LatencyJob): Promise<ProducerResult> {
  const sink = Comlink.wrap<Sink>(comlinkEndpoint(j.port!))
  const message = new Float64Array(2)
  post('ready')
  StartLine.wait(j.go)
  const calls: Promise<void>[] = []
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    message[0] = i
    message[1] = performance.now()
    calls.push(sink.push(message))
    // Let the call go out now rather than when the loop ends.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  await Promise.all(calls)
  sink[Comlink.releaseProxy]()
  return 'sent'
}

function comlinkWakeConsume(j: LatencyJob): Promise<LatencyResult> {
  const samplesNs = new Float64Array(j.samples)
  let received = 0
  let bad = 0
  return new Promise((resolve) => {
    const sink: Sink = {
      push(message) {
        const now = performance.now()
        if (message[0] !== received) bad++
        samplesNs[received++] = (now - message[1]!) * 1e6
        if (received === j.samples) {
          resolve({ samplesNs, bad })
          setImmediate(() => j.port!.close())
        }
      },
    }
    Comlink.expose(sink, comlinkEndpoint(j.port!))
    post('ready')
  })
}

type Role = (j: never) => unknown
const roles: Record<string, Role> = {
  'throughput produce waves': wavesProduce,
  'throughput consume waves': wavesConsume,
  'throughput produce ringbuf.js': ringbufProduce,
  'throughput consume ringbuf.js': ringbufConsume,
  'throughput produce postMessage': postProduce,
  'throughput consume postMessage': postConsume,
  'throughput produce comlink': comlinkProduce,
  'throughput consume comlink': comlinkConsume,
  'latency produce waves': wavesWakeProduce,
  'latency consume waves': wavesWakeConsume,
  'latency produce ringbuf.js': ringbufWakeProduce,
  'latency consume ringbuf.js': ringbufWakeConsume,
  'latency produce postMessage': postWakeProduce,
  'latency consume postMessage': postWakeConsume,
  'latency produce comlink': comlinkWakeProduce,
  'latency consume comlink': comlinkWakeConsume,
}

const role = roles[`${job.kind} ${job.side} ${job.contender}`]
if (!role) throw new Error(`no bench role for ${job.kind} ${job.side} ${job.contender}`)
post(await role(job as never))
