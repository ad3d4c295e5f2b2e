import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { AGENT_SECTIONS, defaultConfig, resolveConfig, type WavesConfig } from '../../src/config/index.js'

const agentDefaults = { enabled: true, stepDeadlineMs: 100 }

describe('resolveConfig defaults', () => {
  it('fills every default from an empty config', () => {
    expect(defaultConfig()).toStrictEqual({
      cycle: { intervalMs: 1000, stepDeadlineMs: 100, initDeadlineMs: 10_000, idleBackgroundThreads: true, memoryReducer: false },
      redis: null,
      supervision: {
        restartBackoffMs: { initial: 100, max: 10_000 },
        jitter: 0.2,
        breaker: { maxCrashes: 5, windowMs: 60_000 },
      },
      compute: { maxThreads: Math.max(1, availableParallelism() - 1) },
      data_feeds: {
        ...agentDefaults,
        source: 'synthetic',
        instruments: ['BTC-USDT', 'ETH-USDT'],
        venues: ['sim-a', 'sim-b'],
        seed: 1,
        replaySpeed: 1,
        ccxtExchange: 'binance',
        ccxtPollIntervalMs: 1000,
        ccxtBookDepth: 20,
        instrumentSpecs: {},
      },
      market_conditions: agentDefaults,
      validation: agentDefaults,
      intelligence: { ...agentDefaults, scenarios: 2000, horizonSteps: 60 },
      strategy_engine: { ...agentDefaults, horizons: ['day', 'swing', 'hft'], fastPath: false, keepWarmMs: 1 },
      risk_management: {
        ...agentDefaults,
        maxOrderNotional: 100_000,
        maxPosition: 10,
        maxGrossExposure: 1_000_000,
        maxOpenOrders: 100,
        priceCollarBps: 500,
        maxOrdersPerSecond: 50,
      },
      execution: { ...agentDefaults, venue: 'sim', orderTimeoutMs: 5000, childTimeoutMs: 2000, adverseTicksPerMs: 0.5, slippageWindowOrders: 1000, liquidity: 'take', postFillProbability: 0.5, missCostBps: 5, adverseSelectionBps: 0, adverseHorizonMs: 1000, maxReprices: 3 },
      adapters: {
        ...agentDefaults,
        simOrderLatencyUs: 250,
        simLatencySeed: 1,
        simFeedLatencyUs: 0,
        queueCancelModel: 'back',
        selfTradePrevention: 'expire_maker',
        ccxtTimeoutMs: 10_000,
        ccxtPollIntervalMs: 1000,
        ccxtUserStreams: true,
        ccxtVenueRestUrls: {},
        ccxtRecvWindowMs: 10_000,
        venueBreakerFailures: 3,
        venueBreakerCooldownMs: 5_000,
        venuesDown: [],
      },
      fees_monitor: { ...agentDefaults, makerFeeBps: 1, takerFeeBps: 5, venueFees: {} },
      failure_prevention: { ...agentDefaults, maxRejectStreak: 5, staleFeedMs: 2000, maxDrawdownPct: 5 },
      agent_io: agentDefaults,
      core: { ...agentDefaults, snapshotDir: 'var/snapshots', journalDir: 'var/journal' },
    })
  })

  it('has a section for each of the twelve agents, in schema order', () => {
    expect(Object.keys(defaultConfig()).slice(4)).toStrictEqual([...AGENT_SECTIONS])
  })

  it('freezes the whole config, lists included, and shares nothing between calls', () => {
    const config = defaultConfig()
    const unfrozen: string[] = []
    const walk = (value: unknown, path: string): void => {
      if (typeof value !== 'object' || value === null) return
      if (!Object.isFrozen(value)) unfrozen.push(path)
      for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`)
    }
    walk(config, 'config')
    expect(unfrozen).toStrictEqual([])
    expect(() => {
      ;(config.cycle as { intervalMs: number }).intervalMs = 5
    }).toThrow(TypeError)
    expect(() => (config.data_feeds.instruments as string[]).push('X')).toThrow(TypeError)
    expect(defaultConfig().data_feeds.instruments).not.toBe(config.data_feeds.instruments)
  })

  it('keeps given values and fills the rest of their section', () => {
    const config = resolveConfig({ redis: { port: 6380 }, risk_management: { maxPosition: 2.5 }, compute: { maxThreads: 3 } })
    expect(config.redis).toStrictEqual({ host: '127.0.0.1', port: 6380, db: 0, tls: false, keyPrefix: 'waves:' })
    expect(config.risk_management.maxPosition).toBe(2.5)
    expect(config.risk_management.maxOrderNotional).toBe(100_000)
    expect(config.compute.maxThreads).toBe(3)
    expect(resolveConfig({ redis: null }).redis).toBeNull()
  })
})

describe('cycle timing', () => {
  const cycleOf = (cycle: object): WavesConfig['cycle'] => resolveConfig({ cycle }).cycle

  it.each([
    ['intra-minute', 1000, 100],
    ['hourly', 3_600_000, 360_000],
    ['daily', 86_400_000, 8_640_000],
  ] as const)('preset %s sets intervalMs %i and step deadlines %i', (preset, intervalMs, stepDeadlineMs) => {
    expect(cycleOf({ preset })).toStrictEqual({ intervalMs, preset, stepDeadlineMs, initDeadlineMs: 10_000, idleBackgroundThreads: true, memoryReducer: false })
  })

  it('accepts a preset with the same intervalMs given explicitly', () => {
    expect(cycleOf({ preset: 'hourly', intervalMs: 3_600_000 }).intervalMs).toBe(3_600_000)
  })

  it.each([
    [10, 1],
    [15, 1],
    [19, 1],
    [20, 2],
    [250, 25],
    [999, 99],
  ])('splits 80%% of intervalMs %i across the 8 steps: %i ms each', (intervalMs, stepDeadlineMs) => {
    expect(cycleOf({ intervalMs }).stepDeadlineMs).toBe(stepDeadlineMs)
  })

  it('gives agents the cycle step deadline unless they set their own', () => {
    const config = resolveConfig({ cycle: { intervalMs: 500, stepDeadlineMs: 40 }, execution: { stepDeadlineMs: 7 } })
    expect(config.cycle.stepDeadlineMs).toBe(40)
    expect(config.execution.stepDeadlineMs).toBe(7)
    for (const section of AGENT_SECTIONS.filter((s) => s !== 'execution')) {
      expect(config[section].stepDeadlineMs, section).toBe(40)
    }
  })
})
