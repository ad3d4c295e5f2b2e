import { afterEach, describe, expect, it } from 'vitest'
import { CycleStep } from '../../src/cycle/steps.js'
import { FAST_PATH_LOG } from '../fixtures/cycle/fast-path-agents.js'
import { makeCoordinator, until, type Harness } from './harness.js'

const FIXTURE = 'test/fixtures/cycle/fast-path-agents'

describe('fast path', () => {
  let harness: Harness | undefined
  afterEach(async () => {
    await harness?.coordinator.stop()
    harness = undefined
  })

  it('wakes a reader between steps when its producer publishes, without waiting for the cycle', async () => {
    const quotes = 40
    const log = new SharedArrayBuffer(4 * (FAST_PATH_LOG.firstLatencyUs + quotes))
    const words = new Int32Array(log)
    harness = makeCoordinator({
      agents: [
        // async: its timer runs between steps, as a socket-fed feed's callbacks do.
        { name: 'data_feeds', steps: [CycleStep.Sense], module: FIXTURE, wait: 'async' },
        { name: 'strategy_engine', steps: [CycleStep.Compose], module: FIXTURE, fastPath: ['market'] },
      ],
      settings: {
        // Cycles far apart: any quote taken before the second cycle was taken on the fast path.
        intervalMs: 60_000,
        agentConfig: (name) => ({ section: { log, role: name === 'data_feeds' ? 'producer' : 'reader', quotes, everyMs: 3 }, engine: {} }),
      },
    })
    await harness.coordinator.start()
    await until(() => Atomics.load(words, FAST_PATH_LOG.received) === quotes, 10_000, 'every quote taken on the fast path')
    expect(Atomics.load(words, FAST_PATH_LOG.published)).toBe(quotes)
    // Taken while the reader had run at most the first cycle's steps: between steps, not in them.
    expect(harness.coordinator.metrics.totalCycles).toBeLessThanOrEqual(1)
    expect(Atomics.load(words, FAST_PATH_LOG.readerSteps)).toBeLessThanOrEqual(2)
    // The doorbell wakes the reader at once. Were it only looking between its
    // 20 ms wait slices, the typical quote would wait about 10 ms.
    const latenciesUs = Array.from(words.subarray(FAST_PATH_LOG.firstLatencyUs)).sort((a, b) => a - b)
    expect(latenciesUs[quotes / 2]).toBeLessThan(5_000)
  })
})
