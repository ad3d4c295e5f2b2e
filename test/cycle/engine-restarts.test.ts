import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_AGENTS } from '../../src/agents/registry.js'
import { TradingEngineCycle } from '../../src/cycle/trading-engine-cycle.js'
import { compiledModuleUrl } from '../../src/runtime/package-root.js'
import { until } from './harness.js'

let engine: TradingEngineCycle | undefined
afterEach(async () => {
  await engine?.stopCycle()
  engine = undefined
})

/** The agents whose threads die, and the cycle each dies in. */
const CRASHES: Record<string, number> = { adapters: 30, execution: 60, risk_management: 90, strategy_engine: 120, fees_monitor: 150 }

describe('the engine trading through its agents\' crashes', () => {
  it('restarts each from its snapshot and what the rings hold since, sends whole books to the readers of the market, and trades on', async () => {
    const agents = DEFAULT_AGENTS.map((r) => {
      const cycle = CRASHES[r.name]
      if (cycle === undefined) return r
      const module = new URL(compiledModuleUrl('test/fixtures/cycle/crash-once-agent'))
      module.search = new URLSearchParams({ module: String(r.module), cycle: String(cycle) }).toString()
      return { ...r, module }
    })
    engine = new TradingEngineCycle({ cycle: { intervalMs: 50 }, strategy_engine: { fastPath: true }, execution: { liquidity: 'choose' } }, { agents, handleSignals: false })
    await engine.startCycle()
    const status = () => engine!.getCycleStatus()
    await until(() => status().metrics.totalCycles >= 160 && Object.keys(CRASHES).every((name) => status().agents[name]!.restarts === 1), 60_000, 'every crash and restart')
    const fillsAt = async (agent: string) => (await engine!.agentHealth(agent)).counters['fills'] ?? 0
    const executionFills = await fillsAt('execution')
    await until(() => status().metrics.totalCycles >= 220, 30_000, '60 cycles more')

    const s = status()
    expect(s.metrics.crashes).toBe(5)
    // Every agent that crashed but risk reads the market ring.
    expect(s.metrics.bookResyncs).toBe(4)
    for (const name of Object.keys(CRASHES)) {
      expect(s.agents[name], name).toMatchObject({ crashes: 1, restarts: 1 })
      expect(['ready', 'degraded'], name).toContain(s.agents[name]!.state)
      const counters = (await engine.agentHealth(name)).counters
      expect(Object.keys(counters).filter((k) => k.endsWith('journal_lost')), name).toEqual([])
    }
    // Orders kept going to the venues and filling, and the ledger kept booking them.
    expect(await fillsAt('execution')).toBeGreaterThan(executionFills)
    expect(await fillsAt('fees_monitor')).toBeGreaterThan(0)
    // data_feeds answers at its next sense step after each request (two close together with one set of whole books).
    const answered = async () => (await engine!.agentHealth('data_feeds')).counters['book_resyncs'] ?? 0
    const deadline = Date.now() + 10_000
    while ((await answered()) < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await answered()).toBe(4)
  }, 120_000)
})
