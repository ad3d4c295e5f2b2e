import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { createExecutor } from '../../src/native/index.js'
import { futexOf } from '../../src/runtime/futex.js'
import { compiledModuleUrl } from '../../src/runtime/package-root.js'

const quiet = { warn() {}, debug() {} }
const kinds = [
  { name: 'the kernel futex through the addon', native: true, kind: 'futex' },
  { name: 'Atomics without the addon', native: false, kind: 'atomics' },
] as const

interface Report {
  kind: string
  slept: string
  ms: number
}

describe.each(kinds)('sleeping on a word: $name', ({ native, kind }) => {
  const futex = futexOf(createExecutor({ env: { WAVES_NATIVE: native ? 'on' : 'off' }, logger: quiet }))

  it('is the kind asked for', () => {
    expect(futex.kind).toBe(kind)
  })

  it('does not sleep on a word that already changed', () => {
    const words = new Int32Array(new SharedArrayBuffer(8))
    words[0] = 7
    expect(futex.sleep(words, 0, 6, 5_000)).toBe('not-equal')
  })

  it('sleeps until its timeout when nobody wakes it', () => {
    const words = new Int32Array(new SharedArrayBuffer(8))
    const startMs = performance.now()
    expect(futex.sleep(words, 0, 0, 20)).toBe('timed-out')
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(19)
  })

  it('wakes a thread asleep on the word, long before its timeout', async () => {
    const sab = new SharedArrayBuffer(8)
    const words = new Int32Array(sab)
    const worker = new Worker(compiledModuleUrl('test/fixtures/runtime/futex-sleeper'), { workerData: { sab, native, timeoutMs: 30_000 } })
    const report = new Promise<Report>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    // The word stays 0, so only a wake ends the sleep early: wake until it does.
    let reported: Report | undefined
    void report.then((r) => (reported = r))
    while (reported === undefined) {
      if (Atomics.load(words, 1) === 1) futex.wake(words, 0)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await worker.terminate()
    expect(reported.kind).toBe(kind)
    expect(reported.slept).toBe('ok')
    expect(reported.ms).toBeLessThan(10_000)
  })

  it('wakes a waitAsync sleeper on the same word', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8))
    const waited = Atomics.waitAsync(words, 0, 0, 30_000)
    expect(waited.async).toBe(true)
    futex.wake(words, 0)
    await expect(waited.value).resolves.toBe('ok')
  })
})
