import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_AGENTS } from '../../src/agents/registry.js'
import { CycleStep } from '../../src/cycle/steps.js'
import { TradingEngineCycle } from '../../src/cycle/trading-engine-cycle.js'
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js'
import { compiledModuleUrl } from '../../src/runtime/package-root.js'
import { readLog } from '../fixtures/cycle/instrumented-agent.js'
import { INSTRUMENTED, until } from './harness.js'

let engine: TradingEngineCycle | undefined
afterEach(async () => {
  await engine?.stopCycle()
  engine = undefined
})

describe('TradingEngineCycle', () => {
  it('names every wrong field of a bad config at construction', () => {
    expect(() => new TradingEngineCycle({ cycle: { intervalMs: 5 }, risk_management: { maxOrderNotional: 'lots' }, risk_managment: {} })).toThrow(
      'invalid config (3 problems):\n' +
        '  cycle.intervalMs: must be an integer from 10 to 86400000, got 5\n' +
        '  risk_management.maxOrderNotional: expected a number, got "lots"\n' +
        '  risk_managment: unknown key',
    )
  })

  it('runs the eleven agents on the embedded default, with market data flowing through rings and boards', async () => {
    // 50 ms: what this checks is that everything runs and flows, not the pace (the cycle tests do that);
    // at 20 ms, with other test files loading both cores, an agent was late in half the cycles.
    engine = new TradingEngineCycle({ cycle: { intervalMs: 50 } }, { handleSignals: false })
    await engine.startCycle()
    await until(() => engine!.getCycleStatus().metrics.totalCycles >= 50, 30_000, '50 cycles')
    const status = engine.getCycleStatus()
    expect(status.state).toBe('running')
    expect(Object.keys(status.agents).sort()).toEqual(DEFAULT_AGENTS.map((a) => a.name).sort())
    expect(status.metrics.successfulCycles).toBeGreaterThan(0)
    expect(status.metrics.totalCycles).toBe(status.metrics.successfulCycles + status.metrics.failedCycles)
    expect(Object.keys(status.metrics.steps)).toEqual(['initialize', 'sense', 'analyze', 'compose', 'evaluate_risk', 'execute', 'monitor', 'learn', 'report'])
    for (const [name, agent] of Object.entries(status.agents)) {
      expect(['ready', 'degraded'], name).toContain(agent.state)
      expect(agent.availability, name).toBeGreaterThan(0.5)
      expect(agent.crashes, name).toBe(0)
    }
    const conditions = await engine.agentHealth('market_conditions')
    const validation = await engine.agentHealth('validation')
    const feeds = await engine.agentHealth('data_feeds')
    expect(conditions.counters['quotes']).toBeGreaterThan(0)
    expect(validation.counters['valid_quote']).toBeGreaterThan(0)
    // A reader sees no more than the feed wrote: every quote it took was the feed's, and every trade.
    expect(feeds.counters['ring_quotes']).toBeGreaterThanOrEqual(conditions.counters['quotes']!)
    expect(feeds.counters['ring_trades']).toBeGreaterThanOrEqual(conditions.counters['trades']!)
    expect(conditions.counters['trades']).toBeGreaterThan(0)
    expect(feeds.counters['ring_overflowed']).toBe(0)
    // Each agent reports its own isolate's heap: in use within what is reserved, and not one figure for all.
    const heaps = await Promise.all(DEFAULT_AGENTS.map(async (a) => (await engine!.agentHealth(a.name)).heap))
    for (const heap of heaps) {
      expect(heap.usedBytes).toBeGreaterThan(0)
      expect(heap.usedBytes).toBeLessThanOrEqual(heap.totalBytes)
    }
    expect(new Set(heaps.map((h) => h.usedBytes)).size).toBeGreaterThan(1)
    await until(() => status.compute !== undefined, 1_000, 'compute stats')
  })

  it('trades end to end on the embedded default: cycle orders routed by the router and fast-path orders both fill at the sim venues and reach the fee ledger', async () => {
    engine = new TradingEngineCycle({ cycle: { intervalMs: 20 }, strategy_engine: { fastPath: true } }, { handleSignals: false })
    await engine.startCycle()
    const counters = async (agent: string) => (await engine!.agentHealth(agent)).counters
    await until(() => engine!.getCycleStatus().metrics.totalCycles >= 150, 30_000, '150 cycles')
    let execution = await counters('execution')
    let strategy = await engine.agentHealth('strategy_engine')
    for (let k = 0; k < 100 && !((execution['children_sent'] ?? 0) > 0 && (strategy.detail['sent'] as number) > 0); k++) {
      await new Promise((r) => setTimeout(r, 100))
      execution = await counters('execution')
      strategy = await engine.agentHealth('strategy_engine')
    }
    const adapters = await counters('adapters')
    const adaptersDetail = (await engine.agentHealth('adapters')).detail
    const tickToAck = adaptersDetail['tickToAckUs'] as { count: number; p50: number; p99: number }
    const fees = await engine.agentHealth('fees_monitor')
    const roundTrips = (await engine.agentHealth('execution')).detail['venueRoundTripUs'] as Array<{ count: number; p50: number }>
    await engine.stopCycle()
    // As they stopped, the adapters after execution and the ledger last: every fill the venues put on the ring is booked, once.
    const told = (await engine.agentHealth('adapters')).counters
    const booked = (await engine.agentHealth('fees_monitor')).counters
    expect(told['fills_written']).toBeGreaterThanOrEqual(fees.counters['fills']!)
    expect((booked['fills'] ?? 0) + (booked['fills_refused'] ?? 0)).toBe(told['fills_written'])
    expect(execution['children_sent']).toBeGreaterThan(0)
    // Every order the venues took came from execution's children or the fast path.
    expect(adapters['orders_submitted']).toBeGreaterThanOrEqual(execution['children_sent']!)
    expect(adapters['orders_unknown_venue']).toBe(0)
    expect(fees.counters['fills']).toBeGreaterThan(0)
    expect(BigInt(fees.detail['feesTakerQuoteUnits'] as string)).toBeGreaterThan(0n)
    expect(strategy.detail['armed']).toBe(true)
    expect(strategy.detail['sent']).toBeGreaterThan(0)
    // Kept warm between ticks: strategy_engine.keepWarmMs is 1 ms by default with the fast path on.
    expect(strategy.counters['fast_path_rehearsals']).toBeGreaterThan(0)
    // Tick to orders on the fast ring, live: every tick that sent is in the histogram.
    expect(strategy.detail['tickToOrderUs']).toMatchObject({ count: expect.any(Number) as number })
    expect((strategy.detail['tickToOrderUs'] as { count: number; p50: number }).count).toBeGreaterThan(0)
    expect((strategy.detail['tickToOrderUs'] as { count: number; p50: number }).p50).toBeGreaterThan(0)
    expect(roundTrips.reduce((n, v) => n + v.count, 0)).toBeGreaterThan(0)
    // And on to the venue's answer: the fast path's orders, tick to acknowledgment, at least the sim venue's two hops.
    expect(tickToAck.count).toBeGreaterThan(0)
    expect(tickToAck.p50).toBeGreaterThanOrEqual(500)
    // Both histograms also leave their threads whole, as the bench takes its windows of them.
    expect(LatencyHistogram.decode(adaptersDetail['tickToAckHistogram'] as string).summary()).toMatchObject({ count: tickToAck.count, p50: tickToAck.p50, p99: tickToAck.p99 })
    const tickToOrder = strategy.detail['tickToOrderUs'] as { count: number; p50: number }
    expect(LatencyHistogram.decode(strategy.detail['tickToOrderHistogram'] as string).summary()).toMatchObject({ count: tickToOrder.count, p50: tickToOrder.p50 })
    expect(execution['fills']).toBeGreaterThan(0)
    expect(execution['orders_measured']).toBeGreaterThan(0)
  })

  it('changes an agent section while running, validated whole, and refuses what needs a new engine', async () => {
    engine = new TradingEngineCycle({ cycle: { intervalMs: 20 } }, { handleSignals: false })
    await engine.startCycle()
    await engine.reconfigure({ risk_management: { maxOrderNotional: 5_000, maxOrdersPerSecond: 7 } })
    expect(engine.config.risk_management.maxOrderNotional).toBe(5_000)
    const health = await engine.agentHealth('risk_management')
    expect(health.detail['limits']).toMatchObject({ maxOrderNotional: 5_000, maxOrdersPerSecond: 7, maxPosition: 10 })

    const invalid = await engine.reconfigure({ risk_management: { maxOrderNotional: -1 }, fees_monitor: { takerFeeBps: 'x' } }).catch((err: Error) => err)
    expect((invalid as Error).message).toMatch(/^invalid config \(2 problems\):\n/)
    expect((invalid as Error).message).toContain('  fees_monitor.takerFeeBps: expected a number, got "x"')
    expect((invalid as Error).message).toContain('  risk_management.maxOrderNotional: ')
    await expect(engine.reconfigure({ cycle: { intervalMs: 50 }, data_feeds: { enabled: false } })).rejects.toThrow(
      'cannot change cycle, data_feeds.enabled while the engine runs; start a new engine with the new config',
    )
    // Nothing of a refused change was applied.
    expect(engine.config.cycle.intervalMs).toBe(20)
    expect((await engine.agentHealth('risk_management')).detail['limits']).toMatchObject({ maxOrderNotional: 5_000 })
  })

  it('takes a custom agent registered in one line and runs it in its step every cycle', async () => {
    const log = new SharedArrayBuffer(4 * (1 + 4 * 10_000))
    // 50 ms: this checks the registration and the order of steps; at 20 ms with other test files
    // loading both cores, the agent was once late in a cycle and degraded for it.
    engine = new TradingEngineCycle(
      { cycle: { intervalMs: 50 } },
      {
        agents: [...DEFAULT_AGENTS, { name: 'my_reporter', steps: [CycleStep.Report], module: INSTRUMENTED }],
        agentConfig: { my_reporter: { id: 99, log } },
        handleSignals: false,
      },
    )
    await engine.startCycle()
    await until(() => engine!.getCycleStatus().metrics.totalCycles >= 10, 20_000, '10 cycles')
    await engine.stopCycle()
    const { totalCycles, successfulCycles } = engine.getCycleStatus().metrics
    const mine = readLog(log).filter((e) => e.id === 99)
    expect(mine[0]).toMatchObject({ cycle: 0, step: CycleStep.Initialize })
    // Once per cycle, in order, in every cycle that ran to its end; stopping may
    // cut the last one short before its report step (it counts as failed).
    const reported = mine.slice(1).map((e) => e.cycle)
    expect(reported).toEqual(Array.from({ length: reported.length }, (_, i) => i + 1))
    expect(reported.length).toBeGreaterThanOrEqual(successfulCycles)
    expect(reported.length).toBeGreaterThanOrEqual(totalCycles - 1)
    expect(reported.length).toBeLessThanOrEqual(totalCycles)
    expect(mine.slice(1).every((e) => e.step === CycleStep.Report)).toBe(true)
  })

  it('leaves no thread behind after stopCycle()', async () => {
    const osThreads = () => readdirSync('/proc/self/task').length
    const before = osThreads()
    engine = new TradingEngineCycle({ cycle: { intervalMs: 20 } }, { handleSignals: false })
    await engine.startCycle()
    expect(osThreads()).toBeGreaterThanOrEqual(before + 11)
    await engine.stopCycle()
    expect(engine.getCycleStatus().state).toBe('stopped')
    await until(() => osThreads() <= before, 5_000, `threads to end (${osThreads()} now, ${before} before)`)
  })

  it.each(['stop', 'signal'])('ends its process by itself after %s: no worker or handle is left', async (how) => {
    const child = spawn('node', [compiledModuleUrl('test/fixtures/cycle/engine-lifecycle').pathname, how], { env: { ...process.env, WAVES_LOG_LEVEL: 'warn' } })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (how === 'signal' && out.includes('started') && !child.killed) setTimeout(() => child.kill('SIGTERM'), 300)
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(out).toMatch(/stopped after \d+ cycles/)
    expect(code).toBe(0)
  }, 30_000)
})
