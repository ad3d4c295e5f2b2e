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
import { StartLine } from '../harness/worker-run.js'

export type Contender = 'waves' | 'ringbuf.js' | 'postMessage' | 'comlink'
export type WakeStrategy = 'spin' | 'park' | 'async'

export interface ThroughputJob {
  kind: 'throughput'
  side: 'produce' | 'consume'
  contender: Contender
  count: number
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

export interface ProducerResult {
  startMs: number
}
export interface ConsumerResult {
  endMs: number
  received: number
  bad: number
}
export interface LatencyResult {
  samplesNs: Float64Array
  bad: number
}

const job = workerData as ThroughputJob | LatencyJob
const post = (message: unknown): void => parentPort!.postMessage(message)

function waitStrategy(name: WakeStrategy): WaitStrategy {
  return name === 'spin' ? new BusySpinWaitStrategy() : new SpinThenParkWaitStrategy()
}

/** Sleeps without spinning: paces a latency producer so its consumer really goes idle. */
const sleeper = new Int32Array(new SharedArrayBuffer(4))
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms)
}

// ---------------------------------------------------------------- throughput

function wavesProduce(j: ThroughputJob): ProducerResult {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, batch, count } = j
  const ring = RingBuffer.attach(j.sab!)
  // Busy on both sides, as ringbuf.js is: this row measures the ring, not wake-ups.
  const producer = new SingleProducerSequencer(ring, new BusySpinWaitStrategy())
  const f64 = ring.f64
  const bytes = words * 8
  post('ready')
  StartLine.wait(j.go)
  const startMs = performance.now()
  for (let sent = 0; sent < count; ) {
    const n = Math.min(batch, count - sent)
    const first = producer.claim(n)
    for (let s = first; s < first + n; s++) {
      const base = producer.setHeader(s, bytes, 1) >> 3
      for (let w = 0; w < words; w++) f64[base + w] = s + w
    }
    producer.publish(first + n - 1)
    sent += n
  }
  return { startMs }
}

function wavesConsume(j: ThroughputJob): ConsumerResult {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, count } = j
  const ring = RingBuffer.attach(j.sab!)
  const consumer = new RingConsumer(ring, 0)
  const strategy = new BusySpinWaitStrategy()
  const f64 = ring.f64
  const last = words - 1
  let expected = 0
  let bad = 0
  post('ready')
  while (expected < count) {
    // The loop form of drain: no callback, state in locals.
    const published = consumer.waitFor(strategy)
    for (let s = consumer.next; s <= published; s++) {
      const base = ring.payloadOffset(s) >> 3
      if (f64[base] !== expected || f64[base + last] !== expected + last) bad++
      expected++
    }
    consumer.release(published)
  }
  return { endMs: performance.now(), received: expected, bad }
}

function ringbufProduce(j: ThroughputJob): ProducerResult {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, batch, count } = j
  const rb = new RingbufJs(j.sab!, Float64Array)
  const staging = new Float64Array(words * batch)
  post('ready')
  StartLine.wait(j.go)
  const startMs = performance.now()
  for (let sent = 0; sent < count; ) {
    const n = Math.min(batch, count - sent)
    for (let m = 0; m < n; m++) {
      const s = sent + m
      const base = m * words
      for (let w = 0; w < words; w++) staging[base + w] = s + w
    }
    const length = n * words
    while (rb.available_write() < length) {
      // ringbuf.js has no wait strategy: spin
    }
    rb.push(staging, length)
    sent += n
  }
  return { startMs }
}

function ringbufConsume(j: ThroughputJob): ConsumerResult {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, count } = j
  const rb = new RingbufJs(j.sab!, Float64Array)
  const buffer = new Float64Array(rb.capacity())
  const last = words - 1
  let expected = 0
  let bad = 0
  post('ready')
  while (expected < count) {
    const readable = rb.available_read()
    const whole = readable - (readable % words)
    if (whole === 0) continue
    const n = rb.pop(buffer, whole)
    for (let base = 0; base < n; base += words) {
      if (buffer[base] !== expected || buffer[base + last] !== expected + last) bad++
      expected++
    }
  }
  return { endMs: performance.now(), received: expected, bad }
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
  const startMs = performance.now()
  for (let sent = 0; sent < count; ) {
    const n = Math.min(batch, count - sent)
    for (let m = 0; m < n; m++) {
      const base = m * words
      for (let w = 0; w < words; w++) message[base + w] = sent + m + w
    }
    // Bounded in flight, as a real pipeline must be: wait while the consumer is a window behind.
    for (let consumed = Atomics.load(flow, 0); sent - consumed >= POST_WINDOW; consumed = Atomics.load(flow, 0)) {
      Atomics.wait(flow, 0, consumed, 5)
    }
    port.postMessage(n === batch ? message : message.subarray(0, n * words))
    sent += n
  }
  return { startMs }
}

function postConsume(j: ThroughputJob): Promise<ConsumerResult> {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, count } = j
  const flow = new Int32Array(j.flow!)
  const last = words - 1
  let expected = 0
  let bad = 0
  return new Promise((resolve) => {
    j.port!.on('message', (message: Float64Array) => {
      for (let base = 0; base < message.length; base += words) {
        if (message[base] !== expected || message[base + last] !== expected + last) bad++
        expected++
      }
      Atomics.store(flow, 0, expected)
      Atomics.notify(flow, 0)
      if (expected >= count) {
        j.port!.close()
        resolve({ endMs: performance.now(), received: expected, bad })
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
  const startMs = performance.now()
  const inFlight: Promise<void>[] = []
  for (let sent = 0; sent < count; ) {
    const n = Math.min(batch, count - sent)
    for (let m = 0; m < n; m++) {
      const base = m * words
      for (let w = 0; w < words; w++) message[base + w] = sent + m + w
    }
    inFlight.push(sink.push(n === batch ? message : message.subarray(0, n * words)))
    sent += n
    if (inFlight.length === 256) await Promise.all(inFlight.splice(0))
  }
  await Promise.all(inFlight)
  sink[Comlink.releaseProxy]()
  return { startMs }
}

function comlinkConsume(j: ThroughputJob): Promise<ConsumerResult> {
  // Locals, not property loads, in the loops: every contender gets the same treatment.
  const { words, count } = j
  const last = words - 1
  let expected = 0
  let bad = 0
  return new Promise((resolve) => {
    const sink: Sink = {
      push(message) {
        for (let base = 0; base < message.length; base += words) {
          if (message[base] !== expected || message[base + last] !== expected + last) bad++
          expected++
        }
        if (expected >= count) {
          resolve({ endMs: performance.now(), received: expected, bad })
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
  const startMs = performance.now()
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    const s = producer.claim(1)
    producer.setHeader(s, 16, 1)
    const base = ring.payloadOffset(s) >> 3
    ring.f64[base] = i
    ring.f64[base + 1] = performance.now()
    producer.publish(s)
  }
  return { startMs }
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
  const startMs = performance.now()
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    message[0] = i
    message[1] = performance.now()
    rb.push(message, 2)
  }
  return { startMs }
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
  const startMs = performance.now()
  for (let i = 0; i < j.samples; i++) {
    sleepMs(j.intervalMs)
    message[0] = i
    message[1] = performance.now()
    j.port!.postMessage(message)
  }
  return { startMs }
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
  const startMs = performance.now()
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
  return { startMs }
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
