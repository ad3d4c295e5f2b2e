import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { ComputePool, simulateScenarios, type ComputePoolOptions, type TaskName } from '../../src/compute/index.js'
import { executeTask } from '../../src/compute/dispatch.js'
import { isWavesError, type WavesErrorCode } from '../../src/errors/index.js'
import { sampleBook } from './fixtures.js'
import { SCHED_IDLE, policyOf, threadIds } from '../fixtures/runtime/thread-policy.js'

const pools: ComputePool[] = []
function newPool(options: ComputePoolOptions): ComputePool {
  const pool = new ComputePool(options)
  pools.push(pool)
  return pool
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.destroy()))
})

/** A shared arrival counter for thread-rendezvous. */
function counter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4))
}

/** Resolves once at least `n` tasks have arrived: the tasks are then running, not queued. */
async function arrived(arrivals: Int32Array, n: number): Promise<void> {
  for (;;) {
    const seen = Atomics.load(arrivals, 0)
    if (seen >= n) return
    const waiting = Atomics.waitAsync(arrivals, 0, seen, 10_000)
    if (waiting.async) await waiting.value
  }
}

/** Lets every task waiting at the rendezvous go, whatever its party size. */
function release(arrivals: Int32Array): void {
  Atomics.add(arrivals, 0, 1_000_000)
  Atomics.notify(arrivals, 0)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}

async function expectCode(promise: Promise<unknown>, code: WavesErrorCode): Promise<Error> {
  const err = await rejection(promise)
  expect(isWavesError(err) ? err.code : err).toBe(code)
  return err as Error
}

describe('ComputePool', () => {
  it.each(['bootstrap', 'gaussian'] as const)('returns exactly what the in-process function returns (%s)', async (method) => {
    const pool = newPool({ maxThreads: 1 })
    const input = sampleBook({ method })
    const remote = await pool.run('scenario-simulation', input)
    expect(remote).toStrictEqual(simulateScenarios(input))
  })

  it('runs tasks concurrently up to maxThreads and no further', async () => {
    const pool = newPool({ maxThreads: 3 })
    const arrivals = counter()
    // Four tasks that each wait for four: only three threads exist, so the
    // fourth can only start once the test releases the first three.
    const runs = [0, 1, 2, 3].map(() => pool.run('thread-rendezvous', { arrivals, parties: 4, timeoutMs: 30_000 }))
    await arrived(arrivals, 3)
    // piscina's own queue count catches up with a task it has just handed out a moment later.
    for (let waitedMs = 0; waitedMs < 5_000; waitedMs += 10) {
      const { running, queued, threads } = pool.stats()
      if (running === 3 && queued === 1 && threads === 3) break
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(pool.stats()).toMatchObject({ running: 3, queued: 1, threads: 3 })
    expect(Atomics.load(arrivals, 0)).toBe(3)
    Atomics.add(arrivals, 0, 1) // stands in for the fourth party
    Atomics.notify(arrivals, 0)
    const results = await Promise.all(runs)
    const first = results.slice(0, 3)
    expect(first.map((r) => r.complete)).toEqual([true, true, true])
    expect(new Set(first.map((r) => r.threadId)).size).toBe(3)
    expect(first.map((r) => r.arrival).sort()).toEqual([1, 2, 3])
    expect(results[3]).toMatchObject({ arrival: 5, complete: true })
    expect(new Set(results.map((r) => r.threadId)).size).toBe(3)
  })

  it.runIf(process.platform === 'linux').each([true, false])('runs its threads in the idle scheduling class only when asked (idlePriority %s)', async (idlePriority) => {
    const before = threadIds()
    const pool = newPool({ maxThreads: 2, idlePriority })
    const arrivals = counter()
    // Two tasks held at a rendezvous: both pool threads are up and inside a task.
    const runs = [0, 1].map(() => pool.run('thread-rendezvous', { arrivals, parties: 3, timeoutMs: 30_000 }))
    await arrived(arrivals, 2)
    // Starting a worker also starts threads of Node's own (libuv's pool reading its modules); only the pool's go idle.
    const idled = threadIds()
      .filter((tid) => !before.includes(tid))
      .filter((tid) => policyOf(tid) === SCHED_IDLE)
    release(arrivals)
    await Promise.all(runs)
    expect(idled).toHaveLength(idlePriority ? 2 : 0)
    expect(idled).not.toContain(process.pid)
  })

  it('turns a task error into ERR_COMPUTE_TASK_FAILED carrying the cause', async () => {
    const pool = newPool({ maxThreads: 1 })
    const err = await expectCode(pool.run('scenario-simulation', sampleBook({ horizon: 0 })), 'ERR_COMPUTE_TASK_FAILED')
    expect(err.message).toMatch(/horizon must be an integer/)
    expect((err as unknown as { context: object }).context).toMatchObject({
      task: 'scenario-simulation',
      cause: expect.stringMatching(/horizon/),
      causeCode: 'ERR_COMPUTE_INPUT',
    })
    // The thread survives a task that throws.
    await expect(pool.run('scenario-simulation', sampleBook({ scenarios: 10 }))).resolves.toBeDefined()
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 })
  })

  it('reports an input that cannot cross threads as a task failure, and carries on', async () => {
    const pool = newPool({ maxThreads: 1 })
    const input = { ...sampleBook({ scenarios: 10 }), note: () => 'not cloneable' }
    const err = await expectCode(pool.run('scenario-simulation', input), 'ERR_COMPUTE_TASK_FAILED')
    expect(err.message).toMatch(/could not be cloned/)
    await expect(pool.run('scenario-simulation', sampleBook({ scenarios: 10 }))).resolves.toBeDefined()
  })

  it('refuses an unknown task name', async () => {
    const pool = newPool({ maxThreads: 1 })
    await expectCode(pool.run('no-such-task' as TaskName, {} as never), 'ERR_COMPUTE_UNKNOWN_TASK')
    expect(executeTask({ name: 'no-such-task', input: {} })).toMatchObject({ ok: false, code: 'ERR_COMPUTE_UNKNOWN_TASK' })
    expect(executeTask({ name: 'toString', input: {} })).toMatchObject({ ok: false, code: 'ERR_COMPUTE_UNKNOWN_TASK' })
  })

  it('refuses a task once the queue is full, and takes tasks again as it drains', async () => {
    const pool = newPool({ maxThreads: 1, maxQueue: 1 })
    const arrivals = counter()
    const running = pool.run('thread-rendezvous', { arrivals, parties: 2, timeoutMs: 30_000 })
    await arrived(arrivals, 1)
    const queued = pool.run('thread-rendezvous', { arrivals, parties: 2, timeoutMs: 30_000 })
    expect(pool.stats()).toMatchObject({ running: 1, queued: 1 })
    const err = await expectCode(pool.run('thread-rendezvous', { arrivals, parties: 1, timeoutMs: 0 }), 'ERR_COMPUTE_QUEUE_FULL')
    expect(err.message).toMatch(/full/)
    release(arrivals)
    await Promise.all([running, queued])
    await expect(pool.run('thread-rendezvous', { arrivals, parties: 1, timeoutMs: 0 })).resolves.toMatchObject({ complete: true })
    expect(pool.stats()).toMatchObject({ completed: 3, rejected: 1, queued: 0, running: 0 })
  })

  describe('abort', () => {
    it('rejects at once for a signal already aborted', async () => {
      const pool = newPool({ maxThreads: 1 })
      await expectCode(pool.run('scenario-simulation', sampleBook(), { signal: AbortSignal.abort() }), 'ERR_COMPUTE_ABORTED')
    })

    it('drops a queued task before it runs', async () => {
      const pool = newPool({ maxThreads: 1 })
      const arrivals = counter()
      const blocker = pool.run('thread-rendezvous', { arrivals, parties: 2, timeoutMs: 30_000 })
      await arrived(arrivals, 1)
      const controller = new AbortController()
      const dropped = pool.run('thread-rendezvous', { arrivals, parties: 1, timeoutMs: 0 }, { signal: controller.signal })
      controller.abort()
      await expectCode(dropped, 'ERR_COMPUTE_ABORTED')
      Atomics.add(arrivals, 0, 1)
      Atomics.notify(arrivals, 0)
      await expect(blocker).resolves.toMatchObject({ complete: true })
      expect(Atomics.load(arrivals, 0)).toBe(2) // the dropped task never arrived
    })

    it('stops a running task, and the pool carries on with a new thread', async () => {
      const pool = newPool({ maxThreads: 1 })
      const arrivals = counter()
      const controller = new AbortController()
      const stuck = pool.run('thread-rendezvous', { arrivals, parties: 2, timeoutMs: 30_000 }, { signal: controller.signal })
      await arrived(arrivals, 1)
      controller.abort()
      await expectCode(stuck, 'ERR_COMPUTE_ABORTED')
      await expect(pool.run('thread-rendezvous', { arrivals, parties: 1, timeoutMs: 0 })).resolves.toMatchObject({ complete: true })
      expect(pool.stats()).toMatchObject({ failed: 1, completed: 1 })
    })
  })

  it('refuses use after destroy, and cuts off tasks still running', async () => {
    const pool = newPool({ maxThreads: 1 })
    const arrivals = counter()
    const stuck = pool.run('thread-rendezvous', { arrivals, parties: 2, timeoutMs: 30_000 })
    await arrived(arrivals, 1)
    const destroyed = pool.destroy()
    expect(pool.destroy()).toBe(destroyed)
    await expectCode(stuck, 'ERR_COMPUTE_CLOSED')
    await destroyed
    await expectCode(pool.run('scenario-simulation', sampleBook()), 'ERR_COMPUTE_CLOSED')
  })

  it('leaves no thread behind after destroy', async () => {
    const osThreads = () => readdirSync('/proc/self/task').length
    const linux = process.platform === 'linux'
    // A first pool starts whatever the process starts once (e.g. libuv's thread pool), so the baseline is stable.
    await newPool({ maxThreads: 1 }).destroy()
    const before = linux ? osThreads() : 0
    const pool = newPool({ maxThreads: 3 })
    const arrivals = counter()
    await Promise.all([0, 1, 2].map(() => pool.run('thread-rendezvous', { arrivals, parties: 3, timeoutMs: 30_000 })))
    expect(pool.stats().threads).toBe(3)
    if (linux) expect(osThreads()).toBeGreaterThanOrEqual(before + 3)
    await pool.destroy()
    expect(pool.stats().threads).toBe(0)
    if (linux) expect(osThreads()).toBe(before)
  })

  it('reports run time percentiles of completed tasks', async () => {
    const pool = newPool({ maxThreads: 1 })
    expect(pool.stats().runTimeUs).toEqual({ count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 })
    for (let i = 0; i < 5; i++) await pool.run('scenario-simulation', sampleBook({ scenarios: 200, seed: i }))
    const { runTimeUs, completed } = pool.stats()
    expect(completed).toBe(5)
    expect(runTimeUs.count).toBe(5)
    expect(runTimeUs.p50).toBeGreaterThan(0)
    expect(runTimeUs.p99).toBeGreaterThanOrEqual(runTimeUs.p50)
    expect(runTimeUs.max).toBeGreaterThanOrEqual(runTimeUs.p99 * 0.999)
  })

  it.each([{ maxThreads: 0 }, { maxThreads: 1.5 }, { maxQueue: -1 }, { idleTimeoutMs: Number.NaN }])('refuses options %o', (options) => {
    let caught: unknown
    try {
      new ComputePool(options)
    } catch (err) {
      caught = err
    }
    expect(isWavesError(caught, 'ERR_COMPUTE_CONFIG')).toBe(true)
  })
})
