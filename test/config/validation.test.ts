import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/index.js'
import { WavesError } from '../../src/errors/index.js'

/** The error resolveConfig throws for `input`; fails the test when it throws none. */
function rejection(input: unknown): WavesError {
  try {
    resolveConfig(input)
  } catch (err) {
    expect(err).toBeInstanceOf(WavesError)
    expect((err as WavesError).code).toBe('ERR_CONFIG_INVALID')
    return err as WavesError
  }
  throw new Error('resolveConfig accepted an invalid config')
}

const messageOf = (input: unknown): string => rejection(input).message

describe('resolveConfig validation', () => {
  it('reports every problem at once, one line each, with its full path, expectation and value', () => {
    const error = rejection({
      cycle: { intervalMs: 5 },
      risk_management: { maxOrderNotional: 'lots' },
      risk_managment: {},
    })
    expect(error.message).toBe(
      [
        'invalid config (3 problems):',
        '  cycle.intervalMs: must be an integer from 10 to 86400000, got 5',
        '  risk_management.maxOrderNotional: expected a number, got "lots"',
        '  risk_managment: unknown key',
      ].join('\n'),
    )
    expect(error.context['issues']).toStrictEqual([
      { path: 'cycle.intervalMs', message: 'must be an integer from 10 to 86400000, got 5' },
      { path: 'risk_management.maxOrderNotional', message: 'expected a number, got "lots"' },
      { path: 'risk_managment', message: 'unknown key' },
    ])
  })

  it('names each bad field of every section', () => {
    expect(
      messageOf({
        cycle: { preset: 'weekly', stepDeadlineMs: 0, initDeadlineMs: 2.5 },
        redis: { host: '', port: 70_000, db: 16, password: 1234, tls: 'yes', keyPrefix: null },
        supervision: { restartBackoffMs: { initial: -1, max: '10s' }, jitter: 1.5, breaker: { maxCrashes: 0, windowMs: 0 } },
        compute: { maxThreads: 0 },
        data_feeds: { enabled: 'no', source: 'file', instruments: ['BTC-USDT', ''], venues: [], seed: 0.5 },
        intelligence: { scenarios: 1_000_001, horizonSteps: 0 },
        strategy_engine: { horizons: ['day', 'day'], stepDeadlineMs: -5, keepWarmMs: 0.5 },
        risk_management: { maxOrderNotional: 0, maxPosition: -1, priceCollarBps: 10_001, maxOrdersPerSecond: 1.5 },
        execution: { venue: 7, orderTimeoutMs: 0 },
        fees_monitor: { makerFeeBps: -10_001, takerFeeBps: -1 },
        failure_prevention: { maxRejectStreak: 0, staleFeedMs: 'soon', maxDrawdownPct: 101 },
        core: { snapshotDir: '', journalDir: 3 },
      }),
    ).toBe(
      [
        'invalid config (38 problems):',
        '  cycle.preset: must be one of "intra-minute", "hourly", "daily", got "weekly"',
        '  cycle.stepDeadlineMs: must be a positive integer, got 0',
        '  cycle.initDeadlineMs: must be a positive integer, got 2.5',
        '  redis.host: must be a non-empty string, got ""',
        '  redis.port: must be an integer from 1 to 65535, got 70000',
        '  redis.db: must be an integer from 0 to 15, got 16',
        '  redis.password: expected a string, got 1234',
        '  redis.tls: expected true or false, got "yes"',
        '  redis.keyPrefix: expected a string, got null',
        '  supervision.restartBackoffMs.initial: must be a non-negative integer, got -1',
        '  supervision.restartBackoffMs.max: expected a number, got "10s"',
        '  supervision.jitter: must be a number from 0 to 1, got 1.5',
        '  supervision.breaker.maxCrashes: must be a positive integer, got 0',
        '  supervision.breaker.windowMs: must be a positive integer, got 0',
        '  compute.maxThreads: must be a positive integer, got 0',
        '  data_feeds.enabled: expected true or false, got "no"',
        '  data_feeds.source: must be one of "synthetic", "replay", "websocket", "ccxt", "ccxt-pro", got "file"',
        '  data_feeds.instruments[1]: must be a non-empty string, got ""',
        '  data_feeds.venues: must be a non-empty list without repeats, got []',
        '  data_feeds.seed: must be an integer, got 0.5',
        '  intelligence.scenarios: must be an integer from 1 to 1000000, got 1000001',
        '  intelligence.horizonSteps: must be a positive integer, got 0',
        '  strategy_engine.stepDeadlineMs: must be a positive integer, got -5',
        '  strategy_engine.horizons: must be a non-empty list without repeats, got ["day","day"]',
        '  strategy_engine.keepWarmMs: must be an integer from 0 to 1000, got 0.5',
        '  risk_management.maxOrderNotional: must be a positive number, got 0',
        '  risk_management.maxPosition: must be a positive number, got -1',
        '  risk_management.priceCollarBps: must be a number from 0 to 10000, got 10001',
        '  risk_management.maxOrdersPerSecond: must be a positive integer, got 1.5',
        '  execution.venue: must be one of "sim", "ccxt:binance", got 7',
        '  execution.orderTimeoutMs: must be a positive integer, got 0',
        '  fees_monitor.makerFeeBps: must be a number from -10000 to 10000, got -10001',
        '  fees_monitor.takerFeeBps: must be a number from 0 to 10000, got -1',
        '  failure_prevention.maxRejectStreak: must be a positive integer, got 0',
        '  failure_prevention.staleFeedMs: expected a number, got "soon"',
        '  failure_prevention.maxDrawdownPct: must be a number from 0 to 100, got 101',
        '  core.snapshotDir: must be a non-empty string, got ""',
        '  core.journalDir: expected a string, got 3',
      ].join('\n'),
    )
  })

  it('rejects a config, a section or a list of the wrong type', () => {
    expect(messageOf([])).toBe('invalid config (1 problem):\n  (top level): expected an object, got []')
    expect(messageOf({ cycle: 1000, data_feeds: { instruments: 'BTC-USDT' } })).toBe(
      [
        'invalid config (2 problems):',
        '  cycle: expected an object, got 1000',
        '  data_feeds.instruments: expected a list, got "BTC-USDT"',
      ].join('\n'),
    )
  })

  it('rejects unknown keys at the top level and in every kind of section', () => {
    expect(
      messageOf({
        cycle: { interval: 100 },
        redis: { hots: 'x' },
        supervision: { breaker: { maxCrash: 1 }, restartBackoffMs: { min: 1 } },
        compute: { threads: 2 },
        adapters: { enable: false },
        risk_management: { maxNotional: 1, maxExposure: 2 },
        riskManagement: {},
      }),
    ).toBe(
      [
        'invalid config (9 problems):',
        '  cycle.interval: unknown key',
        '  redis.hots: unknown key',
        '  supervision.restartBackoffMs.min: unknown key',
        '  supervision.breaker.maxCrash: unknown key',
        '  compute.threads: unknown key',
        '  risk_management.maxNotional: unknown key',
        '  risk_management.maxExposure: unknown key',
        '  adapters.enable: unknown key',
        '  riskManagement: unknown key',
      ].join('\n'),
    )
  })

  it('reports a "__proto__" key from parsed JSON as unknown rather than taking it as a prototype', () => {
    expect(messageOf(JSON.parse('{"__proto__": {"polluted": true}}'))).toBe('invalid config (1 problem):\n  __proto__: unknown key')
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('cross-field rules', () => {
  it('rejects a backoff that starts above its ceiling, naming both keys', () => {
    expect(messageOf({ supervision: { restartBackoffMs: { initial: 20_000 } } })).toBe(
      [
        'invalid config (1 problem):',
        '  supervision.restartBackoffMs.initial: must not exceed supervision.restartBackoffMs.max (10000), got 20000',
      ].join('\n'),
    )
    expect(resolveConfig({ supervision: { restartBackoffMs: { initial: 500, max: 500 } } }).supervision.restartBackoffMs).toStrictEqual({
      initial: 500,
      max: 500,
    })
  })

  it('rejects a preset and an intervalMs that disagree, naming both keys', () => {
    expect(messageOf({ cycle: { preset: 'daily', intervalMs: 1000 } })).toBe(
      ['invalid config (1 problem):', '  cycle.intervalMs: conflicts with cycle.preset "daily" (86400000 ms), got 1000'].join(
        '\n',
      ),
    )
  })

  it('requires replayFile when the feed replays, and only then', () => {
    expect(messageOf({ data_feeds: { source: 'replay' } })).toBe(
      ['invalid config (1 problem):', '  data_feeds.replayFile: is required when data_feeds.source is "replay"'].join('\n'),
    )
    expect(resolveConfig({ data_feeds: { source: 'replay', replayFile: 'ticks.bin' } }).data_feeds.replayFile).toBe('ticks.bin')
    expect(messageOf({ data_feeds: { source: 'websocket', feedVenue: 'nowhere' } })).toBe(
      [
        'invalid config (2 problems):',
        '  data_feeds.websocketUrl: is required when data_feeds.source is "websocket"',
        '  data_feeds.feedVenue: must be one of data_feeds.venues, got "nowhere"',
      ].join('\n'),
    )
  })

  it('requires ccxtWsUrl beside ccxtRestUrl when the ccxt-pro feed is pointed at a server, and only then', () => {
    expect(messageOf({ data_feeds: { source: 'ccxt-pro', ccxtRestUrl: 'http://127.0.0.1:9000/api/v3', ccxtPollIntervalMs: 0 } })).toBe(
      [
        'invalid config (2 problems):',
        '  data_feeds.ccxtPollIntervalMs: must be a positive integer, got 0',
        '  data_feeds.ccxtWsUrl: is required with ccxtRestUrl when data_feeds.source is "ccxt-pro"',
      ].join('\n'),
    )
    expect(resolveConfig({ data_feeds: { source: 'ccxt', ccxtRestUrl: 'http://127.0.0.1:9000/api/v3' } }).data_feeds.ccxtExchange).toBe('binance')
    expect(resolveConfig({ data_feeds: { source: 'ccxt-pro' } }).data_feeds.ccxtBookDepth).toBe(20)
  })

  it('takes down, and points ccxt sessions at, configured venues only; breaker thresholds are positive', () => {
    expect(
      messageOf({
        data_feeds: { venues: ['main', 'backup'] },
        adapters: { venuesDown: ['main', 'elsewhere'], ccxtVenueRestUrls: { backup: 'http://127.0.0.1:9001/api/v3', spare: 'http://127.0.0.1:9002/api/v3' }, venueBreakerFailures: 0 },
      }),
    ).toBe(
      [
        'invalid config (3 problems):',
        '  adapters.venueBreakerFailures: must be a positive integer, got 0',
        '  adapters.venuesDown[1]: must be one of data_feeds.venues, got "elsewhere"',
        '  adapters.ccxtVenueRestUrls.spare: names no venue of data_feeds.venues (main, backup)',
      ].join('\n'),
    )
    const config = resolveConfig({ data_feeds: { venues: ['main', 'backup'] }, adapters: { venuesDown: ['backup'], venueBreakerCooldownMs: 250 } })
    expect(config.adapters).toMatchObject({ venuesDown: ['backup'], venueBreakerFailures: 3, venueBreakerCooldownMs: 250, ccxtRecvWindowMs: 10_000 })
    expect(messageOf({ adapters: { venueBreakerCooldownMs: 0, ccxtRecvWindowMs: 60_001 } })).toBe(
      [
        'invalid config (2 problems):',
        '  adapters.ccxtRecvWindowMs: must be an integer from 1 to 60000, got 60001',
        '  adapters.venueBreakerCooldownMs: must be a positive integer, got 0',
      ].join('\n'),
    )
  })

  it('takes fee tiers for configured venues only: a published schedule or its own table, one of the two, thresholds rising from 0', () => {
    expect(
      messageOf({
        data_feeds: { venues: ['main', 'backup'] },
        fees_monitor: {
          venueFees: {
            main: { schedule: 'binance-spot', tiers: [{ minVolume30d: '0', makerBps: 1, takerBps: 2 }] },
            backup: { tiers: [{ minVolume30d: '10', makerBps: 1, takerBps: 2 }], volume30d: 'lots' },
          },
        },
      }),
    ).toBe(
      [
        'invalid config (3 problems):',
        '  fees_monitor.venueFees.main: names a published schedule or lists its own tiers: exactly one of the two',
        '  fees_monitor.venueFees.backup.volume30d: must be a decimal as text, got "lots"',
        '  fees_monitor.venueFees.backup.tiers: tiers[0].minVolume30d must be 0 for the entry tier, got 10',
      ].join('\n'),
    )
    expect(messageOf({ data_feeds: { venues: ['main', 'backup'] }, fees_monitor: { venueFees: { spare: { schedule: 'kraken-pro' } } } })).toBe(
      ['invalid config (1 problem):', '  fees_monitor.venueFees.spare: names no venue of data_feeds.venues (main, backup)'].join('\n'),
    )
    const config = resolveConfig({ data_feeds: { venues: ['main', 'backup'] }, fees_monitor: { venueFees: { main: { schedule: 'binance-spot', volume30d: '2500000' } } } })
    expect(config.fees_monitor.venueFees).toEqual({ main: { schedule: 'binance-spot', volumeCurrency: 'USD', volume30d: '2500000' } })
  })

  it('checks cross-field rules alongside other problems in the same section, never on a malformed value', () => {
    expect(
      messageOf({
        cycle: { preset: 'hourly', intervalMs: 60_000, initDeadlineMs: 'soon' },
        supervision: { restartBackoffMs: { initial: 'soon', max: 5 } },
        data_feeds: { source: 'replay', seed: 'x' },
      }),
    ).toBe(
      [
        'invalid config (5 problems):',
        '  cycle.initDeadlineMs: expected a number, got "soon"',
        '  cycle.intervalMs: conflicts with cycle.preset "hourly" (3600000 ms), got 60000',
        '  supervision.restartBackoffMs.initial: expected a number, got "soon"',
        '  data_feeds.seed: expected a number, got "x"',
        '  data_feeds.replayFile: is required when data_feeds.source is "replay"',
      ].join('\n'),
    )
  })
})

describe('instrument specs', () => {
  it('requires a tick and lot for every instrument, built in or configured, and checks each spec field', () => {
    expect(
      messageOf({
        data_feeds: {
          instruments: ['BTC-USDT', 'DOGE-USDT', 'XRP-USDT'],
          instrumentSpecs: { 'XRP-USDT': { base: 'XRP', quote: 'USDT', tickSize: '0', lotSize: 'one', quoteDecimals: 19 } },
        },
      }),
    ).toBe(
      [
        'invalid config (3 problems):',
        '  data_feeds.instrumentSpecs.XRP-USDT.tickSize: must be a positive decimal as text, got "0"',
        '  data_feeds.instrumentSpecs.XRP-USDT.lotSize: must be a positive decimal as text, got "one"',
        '  data_feeds.instrumentSpecs.XRP-USDT.quoteDecimals: must be an integer from 0 to 18, got 19',
      ].join('\n'),
    )
    // The cross-check waits for the specs to be well formed, then names each instrument without one.
    expect(messageOf({ data_feeds: { instruments: ['BTC-USDT', 'DOGE-USDT'] } })).toBe(
      ['invalid config (1 problem):', '  data_feeds.instruments[1]: has no tick and lot: add data_feeds.instrumentSpecs.DOGE-USDT, got "DOGE-USDT"'].join('\n'),
    )
  })

  it('gives each configured instrument its spec, the config overriding the built-in one', async () => {
    const { instrumentSpecsOf } = await import('../../src/market/instruments.js')
    const config = resolveConfig({
      data_feeds: {
        instruments: ['DOGE-USDT', 'BTC-USDT'],
        instrumentSpecs: { 'DOGE-USDT': { base: 'DOGE', quote: 'USDT', tickSize: '0.00001', lotSize: '1', quoteDecimals: 8 } },
      },
    })
    expect(instrumentSpecsOf(config as never)).toStrictEqual([
      { symbol: 'DOGE-USDT', base: 'DOGE', quote: 'USDT', tickSize: '0.00001', lotSize: '1', quoteDecimals: 8 },
      { symbol: 'BTC-USDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001', quoteDecimals: 8 },
    ])
  })
})
