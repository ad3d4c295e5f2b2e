import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createExecutor } from '../../src/native/index.js'
import { idleCallingThread, quietBackground } from '../../src/runtime/quiet-background.js'
import { SCHED_IDLE, SCHED_OTHER } from '../fixtures/runtime/thread-policy.js'

describe('keeping background threads out of the cycle', () => {
  it.runIf(process.platform === 'linux')('moves the threads there at the first start to idle priority, never the main thread or a thread started later', () => {
    const run = spawnSync('node', ['dist/test/fixtures/runtime/quiet-background-probe.js'], { encoding: 'utf8', timeout: 30_000 })
    expect(run.stderr).toBe('')
    const report = JSON.parse(run.stdout) as {
      first: { idledThreads: number }
      second: { idledThreads: number; skipped: string }
      main: number
      background: number[]
      startedAfter: number[]
    }
    // Node starts its platform's threads (V8's helpers, a delayed-task runner) before any script runs.
    expect(report.background.length).toBeGreaterThanOrEqual(4)
    expect(report.first.idledThreads).toBe(report.background.length)
    expect(report.background.every((policy) => policy === SCHED_IDLE)).toBe(true)
    expect(report.main).toBe(SCHED_OTHER)
    // A worker started afterwards (an agent's) keeps normal priority, also through a second engine's start.
    expect(report.startedAfter.length).toBeGreaterThanOrEqual(1)
    expect(report.startedAfter.every((policy) => policy === SCHED_OTHER)).toBe(true)
    expect(report.second).toStrictEqual({ idledThreads: 0, skipped: 'done at the first engine start in this process' })
  })

  it('says once why threads keep their priority without the addon', () => {
    const warned: unknown[] = []
    const log = { info() {}, warn: (...args: unknown[]) => warned.push(args) }
    const fallback = createExecutor({ env: { WAVES_NATIVE: 'off' }, logger: { warn() {}, debug() {} } })
    const outcome = quietBackground({ idleBackgroundThreads: true, memoryReducer: true }, log, fallback)
    expect(outcome.idledThreads).toBe(0)
    expect(outcome.skipped).toBe(process.platform === 'linux' ? 'no Rust addon' : `scheduling classes are Linux's (this is ${process.platform})`)
    expect(warned).toHaveLength(1)
  })

  it('says why a thread asking for idle priority keeps its own without the addon', () => {
    const warned: unknown[][] = []
    const fallback = createExecutor({ env: { WAVES_NATIVE: 'off' }, logger: { warn() {}, debug() {} } })
    expect(idleCallingThread({ warn: (...args: unknown[]) => warned.push(args) }, fallback)).toBe(false)
    expect(warned).toHaveLength(1)
    expect(warned[0]![0]).toStrictEqual({ reason: process.platform === 'linux' ? 'no Rust addon' : `scheduling classes are Linux's (this is ${process.platform})` })
  })

  it('the addon refuses a thread that is not this process', () => {
    const executor = createExecutor()
    expect(executor.kind).toBe('native')
    if (executor.kind !== 'native') return
    expect(executor.setThreadIdlePriority(1)).toBe(false)
    expect(executor.setThreadIdlePriority(-5)).toBe(false)
  })
})
