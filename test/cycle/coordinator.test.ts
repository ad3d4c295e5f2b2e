import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_AGENTS } from '../../src/agents/registry.js'
import { CYCLE_STEPS, CycleStep } from '../../src/cycle/steps.js'
import { readLog, STOP_BEGAN, STOP_ENDED } from '../fixtures/cycle/instrumented-agent.js'
import { makeCoordinator, until, type Harness } from './harness.js'

let running: Harness | undefined
afterEach(async () => {
  await running?.coordinator.stop()
  running = undefined
})

function start(options: Parameters<typeof makeCoordinator>[0] = {}): Harness {
  running = makeCoordinator(options)
  return running
}

describe('the cycle', () => {
  it('runs 200 cycles at 10 ms with every step once per cycle per agent, in order', async () => {
    const h = start()
    await h.coordinator.start()
    // Stopped between cycles (the last one started has ended), so stop aborts none: one cut short would miss steps.
    await until(() => h.coordinator.metrics.totalCycles >= 200 && h.coordinator.cycle === h.coordinator.metrics.totalCycles, 60_000, '200 cycles')
    await h.coordinator.stop()
    const cycles = h.coordinator.metrics.totalCycles
    const entries = readLog(h.log)

    for (const registration of h.coordinator.slots.map((s) => s.registration)) {
      const id = h.ids.get(registration.name)!
      const mine = entries.filter((e) => e.id === id)
      // Step 1 once at start, then each of its steps in every cycle, in cycle order then step order.
      const expected = [
        { cycle: 0, step: CycleStep.Initialize },
        ...Array.from({ length: cycles }, (_, c) =>
          CYCLE_STEPS.filter((s) => registration.steps.includes(s)).map((step) => ({ cycle: c + 1, step })),
        ).flat(),
      ]
      expect(mine.map(({ cycle, step }) => ({ cycle, step })), registration.name).toEqual(expected)
    }
    const metrics = h.coordinator.metrics.snapshot()
    expect(metrics.totalCycles).toBe(cycles)
    expect(metrics.successfulCycles).toBe(cycles)
    expect(metrics.failedCycles).toBe(0)
    // Every cycle's start is measured against its boundary, and cycles start on them, not an interval late.
    expect(h.coordinator.metrics.startLag.count).toBe(cycles)
    expect(metrics.startLagMs.p50).toBeLessThan(10)
    expect(Object.keys(metrics.steps)).toEqual(['initialize', 'sense', 'analyze', 'compose', 'evaluate_risk', 'execute', 'monitor', 'learn', 'report'])
    for (const slot of h.coordinator.slots) {
      expect(slot.status().availability, slot.name).toBe(1)
      expect(slot.state).toBe('stopped')
    }
  })

  it('degrades a late agent and completes the cycle without it', async () => {
    const h = start({
      behaviour: { market_conditions: { sleepMs: { [CycleStep.Sense]: 300 }, sleepUntilCycle: 3 } },
      settings: { stepDeadlineMs: (agent) => (agent === 'market_conditions' ? 30 : 2_000), intervalMs: 50 },
    })
    await h.coordinator.start()
    await until(() => h.coordinator.slots[h.ids.get('market_conditions')!]!.lateCount >= 1, 10_000, 'a late step')
    const slot = h.coordinator.slots[h.ids.get('market_conditions')!]!
    expect(slot.state).toBe('degraded')
    const cyclesWhenLate = h.coordinator.metrics.totalCycles
    // The cycle goes on without waiting for it: later steps of other agents still run.
    await until(() => h.coordinator.metrics.totalCycles >= cyclesWhenLate + 3, 10_000, 'more cycles')
    expect(h.coordinator.metrics.failedCycles).toBeGreaterThanOrEqual(1)
    // Once it answers in time again it is ready again.
    await until(() => slot.state === 'ready', 10_000, 'recovery')
    expect(slot.status().availability).toBeLessThan(1)
  })

  it('lets a step use the time earlier steps left unused, up to its deadline again, but never the first step', async () => {
    const h = start({
      behaviour: {
        data_feeds: { sleepMs: { [CycleStep.Sense]: 90 }, sleepUntilCycle: 2 },
        fees_monitor: { sleepMs: { [CycleStep.Monitor]: 150 }, sleepUntilCycle: 2 },
        agent_io: { sleepMs: { [CycleStep.Report]: 90 }, sleepUntilCycle: 2 },
      },
      settings: { stepDeadlineMs: () => 60, intervalMs: 1_000 },
    })
    await h.coordinator.start()
    await until(() => h.coordinator.metrics.totalCycles >= 3, 20_000, '3 cycles')
    await h.coordinator.stop()
    const lateCount = (name: string) => h.coordinator.slots[h.ids.get(name)!]!.lateCount
    // Sense opens the cycle: nothing to carry, 90 ms is past its 60.
    expect(lateCount('data_feeds')).toBe(2)
    // Monitor began far ahead of its due time, but 150 ms is past twice its 60.
    expect(lateCount('fees_monitor')).toBe(2)
    // Report too, and 90 ms is within 60 plus the 60 it may carry.
    expect(lateCount('agent_io')).toBe(0)
  })

  it('fails closed: a risk agent that times out means no risk verdict, so no new orders that cycle', async () => {
    const h = start({
      behaviour: { risk_management: { sleepMs: { [CycleStep.EvaluateRisk]: 200 }, sleepUntilCycle: 2 } },
      settings: { stepDeadlineMs: (agent) => (agent === 'risk_management' ? 20 : 2_000), intervalMs: 40 },
    })
    await h.coordinator.start()
    await until(() => h.coordinator.metrics.totalCycles >= 8, 20_000, '8 cycles')
    await h.coordinator.stop()
    const entries = readLog(h.log)
    const execution = h.ids.get('execution')!
    const risk = h.ids.get('risk_management')!
    const verdicts = new Map(entries.filter((e) => e.id === execution && e.step === CycleStep.Execute).map((e) => [e.cycle, (e.flags & 1) === 1]))
    const riskRan = new Set(entries.filter((e) => e.id === risk && e.step === CycleStep.EvaluateRisk).map((e) => e.cycle))
    expect(verdicts.size).toBeGreaterThanOrEqual(8)
    // Risk sleeps through its deadline in cycles 1 and 2: no verdict, whatever it decides later.
    expect([verdicts.get(1), verdicts.get(2)]).toEqual([false, false])
    // A verdict never appears in a cycle whose risk step did not run.
    for (const [cycle, verdict] of verdicts) if (verdict) expect(riskRan.has(cycle), `cycle ${cycle}`).toBe(true)
    // Once risk answers in time again, orders may flow again.
    const last = [...verdicts.keys()].sort((a, b) => a - b).slice(-3)
    expect(last.map((c) => verdicts.get(c))).toEqual([true, true, true])
  })

  it('counts a failing step as an error and degrades the agent', async () => {
    const h = start({ behaviour: { fees_monitor: { failStep: CycleStep.Monitor } } })
    await h.coordinator.start()
    await until(() => h.coordinator.metrics.totalCycles >= 5, 10_000, '5 cycles')
    const slot = h.coordinator.slots[h.ids.get('fees_monitor')!]!
    expect(slot.errorCount).toBeGreaterThanOrEqual(5)
    expect(slot.state).toBe('degraded')
    expect(h.coordinator.metrics.successfulCycles).toBe(0)
  })
})

describe('overruns', () => {
  it('counts a cycle that runs past the next boundary, and keeps what made it late: here the monitor step', async () => {
    const h = start({
      behaviour: { fees_monitor: { sleepMs: { [CycleStep.Monitor]: 60 }, sleepUntilCycle: 2 } },
      settings: { intervalMs: 20 },
    })
    await h.coordinator.start()
    await until(() => h.coordinator.metrics.totalCycles >= 5, 10_000, 'five cycles')
    await h.coordinator.stop()
    const metrics = h.coordinator.metrics.snapshot()
    expect(metrics.overruns).toBeGreaterThanOrEqual(2)
    expect(metrics.skippedCycles).toBeGreaterThanOrEqual(metrics.overruns * 2)
    expect(metrics.lastOverrun).toMatchObject({ slowestStep: 'monitor', skipped: expect.any(Number) as number })
    expect(metrics.lastOverrun!.cycle).toBeLessThanOrEqual(2)
    expect(metrics.lastOverrun!.slowestStepMs).toBeGreaterThanOrEqual(59)
    expect(metrics.lastOverrun!.stepsMs).toBeGreaterThanOrEqual(metrics.lastOverrun!.slowestStepMs)
    expect(metrics.lastOverrun!.cycleMs).toBeGreaterThanOrEqual(metrics.lastOverrun!.stepsMs)
  }, 30_000)

  it('still turns the event loop at least every 20 ms while cycles run back to back', async () => {
    // Shorter than any cycle: each overruns and the next starts at once. And
    // the main thread waits for every step on the futex, synchronously, as it
    // does for most steps with the default 1 ms: the event loop turns only
    // when the coordinator lets it.
    const h = start({ settings: { intervalMs: 0.001, barrierBlockMs: 10_000 } })
    await h.coordinator.start()
    await until(() => h.coordinator.metrics.totalCycles >= 50, 30_000, 'cycles under way')
    // A 1 ms timer fires at each turn of the event loop: the gaps between its firings are how long the loop went without one.
    const firedAt: number[] = []
    const timer = setInterval(() => firedAt.push(performance.now()), 1)
    const from = h.coordinator.metrics.totalCycles
    await until(() => firedAt.length > 0 && performance.now() - firedAt[0]! >= 500, 30_000, '500 ms of cycles')
    clearInterval(timer)
    const cycles = h.coordinator.metrics.totalCycles - from
    await h.coordinator.stop()
    expect(cycles).toBeGreaterThan(50)
    const longestGapMs = Math.max(...firedAt.slice(1).map((t, i) => t - firedAt[i]!))
    // 20 ms, with room for a busy machine; a loop held by back-to-back cycles went seconds without a turn.
    expect(longestGapMs).toBeLessThan(150)
  }, 60_000)
})

describe('stopping', () => {
  it('aborts the cycle in flight instead of waiting out a long step deadline', async () => {
    const h = start({
      behaviour: { intelligence: { sleepMs: { [CycleStep.Analyze]: 60_000 } } },
      settings: { stepDeadlineMs: () => 120_000, intervalMs: 50 },
    })
    await h.coordinator.start()
    await until(() => readLog(h.log).some((e) => e.step === CycleStep.Analyze), 10_000, 'the long step to begin')
    const startedMs = Date.now()
    await h.coordinator.stop()
    // Far below the 120 s deadline: the stuck agent's thread is ended after the stop timeout.
    expect(Date.now() - startedMs).toBeLessThan(10_000)
    expect(h.coordinator.state).toBe('stopped')
    // The cycle stop cut short is counted as aborted, and the agent it cut off is not late for it.
    const metrics = h.coordinator.metrics.snapshot()
    expect(metrics).toMatchObject({ totalCycles: 0, successfulCycles: 0, failedCycles: 0, abortedCycles: 1 })
    expect(h.coordinator.slots[h.ids.get('intelligence')!]!.lateCount).toBe(0)
  }, 30_000)

  it('stops the agents group by group in their stop order, each group once the one before has ended, and keeps what each said as it ended', async () => {
    const behaviour = Object.fromEntries(DEFAULT_AGENTS.map((r) => [r.name, { logStop: true, stopDelayMs: 200 }]))
    const h = start({ behaviour, settings: { intervalMs: 20 } })
    await h.coordinator.start()
    await until(() => h.coordinator.metrics.totalCycles >= 3, 10_000, 'three cycles')
    await h.coordinator.stop()
    const entries = readLog(h.log)
    // Positions in the log, which orders every entry of every thread.
    const at = (name: string, step: number): number => entries.findIndex((e) => e.id === h.ids.get(name) && e.step === step)
    const orderOf = (name: string): number => DEFAULT_AGENTS.find((r) => r.name === name)!.stopOrder ?? 0
    const names = DEFAULT_AGENTS.map((r) => r.name)
    expect(new Set(names.map(orderOf)).size).toBeGreaterThanOrEqual(3)
    for (const name of names) {
      expect(at(name, STOP_BEGAN), name).toBeGreaterThan(-1)
      expect(at(name, STOP_ENDED), name).toBeGreaterThan(at(name, STOP_BEGAN))
    }
    for (const earlier of names) {
      for (const later of names) {
        if (orderOf(earlier) < orderOf(later)) expect(at(later, STOP_BEGAN), `${later} after ${earlier}`).toBeGreaterThan(at(earlier, STOP_ENDED))
        // A group stops together: each of its agents had begun before any of them ended.
        if (orderOf(earlier) === orderOf(later)) expect(at(later, STOP_BEGAN), `${later} with ${earlier}`).toBeLessThan(at(earlier, STOP_ENDED))
      }
    }
    for (const slot of h.coordinator.slots) {
      const stepsLogged = entries.filter((e) => e.id === h.ids.get(slot.name) && e.step > 0).length
      expect(slot.lastHealth?.detail, slot.name).toMatchObject({ stepsRun: stepsLogged })
    }
  }, 30_000)
})
