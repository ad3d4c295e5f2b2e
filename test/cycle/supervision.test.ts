import { afterEach, describe, expect, it } from 'vitest'
import { CrashBreaker, restartDelayMs } from '../../src/cycle/supervision.js'
import { readLog } from '../fixtures/cycle/instrumented-agent.js'
import { makeCoordinator, until, type Harness } from './harness.js'

describe('restart backoff', () => {
  const settings = { initialMs: 100, maxMs: 1_000, jitter: 0.2 }

  it('doubles per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => restartDelayMs(a, { ...settings, jitter: 0 }))).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('spreads each delay by the jitter fraction both ways', () => {
    expect(restartDelayMs(2, settings, () => 0)).toBe(160)
    expect(restartDelayMs(2, settings, () => 1)).toBe(240)
    expect(restartDelayMs(2, settings, () => 0.5)).toBe(200)
  })
})

describe('crash breaker', () => {
  it('opens on the Nth crash inside the window and stays open until reset', () => {
    const breaker = new CrashBreaker({ maxCrashes: 3, windowMs: 1_000 })
    expect(breaker.recordCrash(0)).toBe(false)
    expect(breaker.recordCrash(500)).toBe(false)
    expect(breaker.recordCrash(900)).toBe(true)
    expect(breaker.open).toBe(true)
    expect(breaker.recordCrash(5_000)).toBe(false) // already open
    expect(breaker.open).toBe(true)
    breaker.reset()
    expect(breaker.open).toBe(false)
  })

  it('forgets crashes that fall out of the window', () => {
    const breaker = new CrashBreaker({ maxCrashes: 3, windowMs: 1_000 })
    breaker.recordCrash(0)
    breaker.recordCrash(100)
    expect(breaker.recordCrash(1_200)).toBe(false)
    expect(breaker.recentCrashes).toBe(1)
  })
})

describe('supervised agent threads', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.coordinator.stop()
    h = undefined
  })

  it.each(['throw', 'exit'] as const)('restarts a thread that crashes (%s), restores its snapshot, and the cycle goes on', async (how) => {
    // Crash once the snapshot has been taken at least once: at cycle 15.
    h = makeCoordinator({ behaviour: { market_conditions: { crashAtCycle: 15, crashHow: how } }, settings: { intervalMs: 20, snapshotEveryMs: 0 } })
    const { coordinator, ids } = h
    await coordinator.start()
    const slot = coordinator.slots[ids.get('market_conditions')!]!
    await until(() => slot.restarts === 1 && slot.state === 'ready', 20_000, 'the restart')
    expect(slot.crashes).toBe(1)
    expect(slot.lastError).toMatch(how === 'throw' ? /threw: agent blew up outside any step/ : /exited with code 3/)
    const cyclesAfterRestart = coordinator.metrics.totalCycles
    await until(() => coordinator.metrics.totalCycles >= cyclesAfterRestart + 5, 10_000, 'five more cycles')
    expect(coordinator.metrics.crashes).toBe(1)
    // It reads the market ring: data_feeds was asked for whole books once.
    expect(coordinator.metrics.bookResyncs).toBe(1)
    // The new thread started from the old one's last snapshot, not from zero.
    const health = await slot.thread!.api.health()
    expect(health.detail['restoredFrom']).toBeGreaterThan(0)
    expect(coordinator.safeMode).toBe(false)
  })

  it('runs the initialize step of a thread restarted while the step its predecessor died in was still waiting for it', async () => {
    // The old thread dies in the sense step; its successor is still starting when that step's deadline passes.
    h = makeCoordinator({
      behaviour: { market_conditions: { crashAtCycle: 5, crashHow: 'exit', initDelayMs: 400 } },
      settings: { intervalMs: 20, stepDeadlineMs: () => 100 },
    })
    const { coordinator, ids, log } = h
    await coordinator.start()
    const id = ids.get('market_conditions')!
    const slot = coordinator.slots[id]!
    await until(() => slot.restarts === 1 && slot.state === 'ready', 20_000, 'the restart')
    const cyclesAfterRestart = coordinator.metrics.totalCycles
    await until(() => coordinator.metrics.totalCycles >= cyclesAfterRestart + 3, 10_000, 'three more cycles')
    // Step 1 at start and again after the restart, and the restarted reader of the market asked for whole books.
    expect(readLog(log).filter((e) => e.id === id && e.step === 1)).toHaveLength(2)
    expect(coordinator.metrics.bookResyncs).toBe(1)
  })

  it('opens the breaker after repeated crashes, holds the engine in safe mode, and restarts on operator reset', async () => {
    h = makeCoordinator({
      behaviour: { fees_monitor: { crashInInit: true } },
      settings: { breaker: { maxCrashes: 3, windowMs: 60_000 }, backoff: { initialMs: 10, maxMs: 40, jitter: 0 }, intervalMs: 20 },
    })
    const { coordinator, ids } = h
    await coordinator.start()
    const slot = coordinator.slots[ids.get('fees_monitor')!]!
    await until(() => slot.state === 'breaker_open', 40_000, `the breaker to open (state ${slot.state}, crashes ${slot.crashes})`)
    expect(slot.crashes).toBe(3)
    expect(slot.restarts).toBe(2)
    expect(coordinator.safeMode).toBe(true)
    // No further restart happens, and safe mode reaches the agents as a flag on their commands.
    const cyclesAtOpen = coordinator.metrics.totalCycles
    await until(() => coordinator.metrics.totalCycles >= cyclesAtOpen + 3, 10_000, 'cycles in safe mode')
    expect(slot.restarts).toBe(2)
    expect(readLog(h.log).some((e) => e.cycle > cyclesAtOpen && (e.flags & 2) === 2)).toBe(true)
    expect(coordinator.resetBreaker('fees_monitor')).toEqual(['fees_monitor'])
    await until(() => slot.crashes === 4, 10_000, 'the restart after reset (which crashes again, as configured)')
    expect(slot.restarts).toBe(3)
  })
})
