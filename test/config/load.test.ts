import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig, type ConfigSource, type LoadConfigOptions } from '../../src/config/index.js'
import { WavesError } from '../../src/errors/index.js'

const fixture = (name: string): string =>
  relative(process.cwd(), fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url)))

const scratch = mkdtempSync(join(tmpdir(), 'waves-config-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function scratchFile(name: string, text: string): string {
  const file = join(scratch, name)
  writeFileSync(file, text)
  return file
}

function rejection(options: LoadConfigOptions): WavesError {
  try {
    loadConfig(options)
  } catch (err) {
    expect(err).toBeInstanceOf(WavesError)
    expect((err as WavesError).code).toBe('ERR_CONFIG_INVALID')
    return err as WavesError
  }
  throw new Error('loadConfig accepted an invalid config')
}

/** Every dotted path of a resolved config, a list counting as one value. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix === '' ? key : `${prefix}.${key}`))
}

const nonDefault = (sources: Readonly<Record<string, ConfigSource>>) =>
  Object.fromEntries(Object.entries(sources).filter(([, source]) => source !== 'default'))

describe('loadConfig precedence', () => {
  it('takes flags over the environment over the file over the defaults, and says where each value came from', () => {
    const { config, sources } = loadConfig({
      file: fixture('hourly.json'),
      env: {
        WAVES_EXECUTION__VENUE: 'sim',
        WAVES_EXECUTION__ORDER_TIMEOUT_MS: '2000',
        WAVES_FEES_MONITOR__TAKER_FEE_BPS: '3',
      },
      flags: ['execution.venue=ccxt:binance'],
    })
    expect(config.execution).toMatchObject({ venue: 'ccxt:binance', orderTimeoutMs: 2000 })
    expect(config.fees_monitor).toMatchObject({ makerFeeBps: -1, takerFeeBps: 3 })
    expect(config.cycle).toStrictEqual({ intervalMs: 3_600_000, preset: 'hourly', stepDeadlineMs: 360_000, initDeadlineMs: 10_000, idleBackgroundThreads: true, memoryReducer: false })
    expect(nonDefault(sources)).toStrictEqual({
      'cycle.intervalMs': 'file',
      'cycle.preset': 'file',
      'execution.venue': 'flag',
      'execution.orderTimeoutMs': 'env',
      'fees_monitor.makerFeeBps': 'file',
      'fees_monitor.takerFeeBps': 'env',
    })
    expect(Object.keys(sources)).toStrictEqual(leafPaths(config))
    expect(Object.isFrozen(sources)).toBe(true)
  })

  it('credits a value to the defaults when nothing sets it', () => {
    const { config, sources } = loadConfig({ env: {} })
    expect(config.execution.venue).toBe('sim')
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true)
    expect(sources['redis']).toBe('default')
  })

  it('lets a later layer switch off the Redis a file configures, or refine it key by key', () => {
    const off = loadConfig({ file: fixture('good.json'), env: {}, flags: ['redis=null'] })
    expect(off.config.redis).toBeNull()
    expect(off.sources['redis']).toBe('flag')
    const refined = loadConfig({ file: fixture('good.json'), env: { WAVES_REDIS__PORT: '6390' } })
    expect(refined.config.redis).toStrictEqual({
      host: 'redis.internal',
      port: 6390,
      db: 0,
      password: 'hunter2',
      tls: false,
      keyPrefix: 'waves:',
    })
    expect([refined.sources['redis.host'], refined.sources['redis.port'], refined.sources['redis.db']]).toStrictEqual([
      'file',
      'env',
      'default',
    ])
  })

  it('reads the file WAVES_CONFIG names when no file is given, and prefers a given file', () => {
    const named = loadConfig({ env: { WAVES_CONFIG: fixture('hourly.json') } })
    expect(named.config.cycle.preset).toBe('hourly')
    expect(named.sources['cycle.preset']).toBe('file')
    const given = loadConfig({ file: fixture('good.json'), env: { WAVES_CONFIG: fixture('hourly.json') } })
    expect(given.config.cycle).toMatchObject({ intervalMs: 250 })
    expect(given.config.cycle.preset).toBeUndefined()
  })
})

describe('environment variables', () => {
  it('match keys ignoring case and underscores, with a double underscore between segments', () => {
    const { config, sources } = loadConfig({
      env: {
        WAVES_CYCLE__INTERVAL_MS: '100',
        WAVES_RISK_MANAGEMENT__MAX_ORDER_NOTIONAL: '5000',
        WAVES_risk_management__maxPosition: '2.5',
        WAVES_SUPERVISION__RESTART_BACKOFF_MS__INITIAL: '50',
        WAVES_DATA_FEEDS__INSTRUMENTS: '["SOL-USDT"]',
        WAVES_DATA_FEEDS__SOURCE: 'replay',
        WAVES_DATA_FEEDS__REPLAY_FILE: 'ticks.bin',
        WAVES_EXECUTION__ENABLED: 'false',
        WAVES_FAILUREPREVENTION__MAXDRAWDOWNPCT: '7.5',
      },
    })
    expect(config.cycle.intervalMs).toBe(100)
    expect(config.risk_management.maxOrderNotional).toBe(5000)
    expect(config.risk_management.maxPosition).toBe(2.5)
    expect(config.supervision.restartBackoffMs.initial).toBe(50)
    expect(config.data_feeds).toMatchObject({ instruments: ['SOL-USDT'], source: 'replay', replayFile: 'ticks.bin' })
    expect(config.execution.enabled).toBe(false)
    expect(config.failure_prevention.maxDrawdownPct).toBe(7.5)
    expect(Object.keys(nonDefault(sources)).sort()).toStrictEqual(
      [
        'cycle.intervalMs',
        'risk_management.maxOrderNotional',
        'risk_management.maxPosition',
        'supervision.restartBackoffMs.initial',
        'data_feeds.instruments',
        'data_feeds.source',
        'data_feeds.replayFile',
        'execution.enabled',
        'failure_prevention.maxDrawdownPct',
      ].sort(),
    )
    expect(new Set(Object.values(nonDefault(sources)))).toStrictEqual(new Set(['env']))
  })

  it('keep text as text for a free-text key, even when it reads as a number', () => {
    const { config } = loadConfig({ env: { WAVES_REDIS__PASSWORD: '12345', WAVES_CORE__SNAPSHOT_DIR: '"quoted"' } })
    expect(config.redis?.password).toBe('12345')
    expect(config.core.snapshotDir).toBe('quoted')
  })

  it('may set a whole section as JSON, which its own keys then refine whatever the order', () => {
    const { config } = loadConfig({ env: { WAVES_REDIS__DB: '2', WAVES_REDIS: '{"port":6390,"db":1}' } })
    expect(config.redis).toMatchObject({ port: 6390, db: 2 })
  })

  it('ignore variables outside the config: other prefixes and the allow-listed WAVES_ ones', () => {
    const { sources } = loadConfig({
      env: { WAVES_LOG_LEVEL: 'debug', WAVES_NATIVE: 'off', WAVES_STRESS: 'long', PATH: '/bin', waves_cycle__interval_ms: '5' },
    })
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true)
  })

  it('name every WAVES_ variable that matches no key, along with the bad values', () => {
    expect(
      rejection({
        env: {
          WAVES_CYCLE__INTERVAL_MS: '5',
          WAVES_CYCLE__INTERVL_MS: '100',
          WAVES_RISK: '1',
          WAVES_CYCLE__INTERVAL_MS__X: '1',
          WAVES_LOGLEVEL: 'debug',
        },
      }).message,
    ).toBe(
      [
        'invalid config (5 problems):',
        '  cycle.intervalMs: must be an integer from 10 to 86400000, got 5',
        '  WAVES_CYCLE__INTERVL_MS: matches no config key',
        '  WAVES_RISK: matches no config key',
        '  WAVES_CYCLE__INTERVAL_MS__X: matches no config key',
        '  WAVES_LOGLEVEL: matches no config key',
      ].join('\n'),
    )
  })
})

describe('--set flags', () => {
  it('parse values as JSON when they parse, and a later flag wins', () => {
    const { config, sources } = loadConfig({
      env: {},
      flags: [
        'cycle.intervalMs=100',
        'cycle.intervalMs=200',
        'strategy_engine.horizons=["day"]',
        'adapters.enabled=false',
        'core.journalDir=/data/journal',
        'redis.password=007',
      ],
    })
    expect(config.cycle.intervalMs).toBe(200)
    expect(config.strategy_engine.horizons).toStrictEqual(['day'])
    expect(config.adapters.enabled).toBe(false)
    expect(config.core.journalDir).toBe('/data/journal')
    expect(config.redis?.password).toBe('007')
    expect(sources['cycle.intervalMs']).toBe('flag')
  })

  it('name every unknown path or malformed flag', () => {
    expect(
      rejection({
        env: {},
        flags: ['cycle.interval_ms=100', 'risk.max=1', 'data_feeds.instruments.0=X', 'cycle.intervalMs', '=5', 'adapters.enabled=maybe'],
      }).message,
    ).toBe(
      [
        'invalid config (6 problems):',
        '  adapters.enabled: expected true or false, got "maybe"',
        '  --set cycle.interval_ms: no such config key; did you mean cycle.intervalMs?',
        '  --set risk.max: no such config key',
        '  --set data_feeds.instruments.0: no such config key',
        '  --set cycle.intervalMs: expected path=value',
        '  --set =5: expected path=value',
      ].join('\n'),
    )
  })
})

describe('config files', () => {
  it('reports malformed JSON with the file, line and column', () => {
    const file = fixture('malformed.json')
    const error = rejection({ file, env: {} })
    expect(error.message).toBe(`config file ${file} is not valid JSON at line 3 column 19: Unexpected token ','`)
    expect(error.context['file']).toBe(file)
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  it('keeps the reason V8 gives with its position', () => {
    const file = scratchFile('trailing-comma.json', '{\n  "cycle": {},\n}\n')
    expect(rejection({ file, env: {} }).message).toBe(
      `config file ${file} is not valid JSON at line 3 column 1: Expected double-quoted property name`,
    )
  })

  it('names a file it cannot read, or that holds no object, or that is not JSON', () => {
    const missing = join(scratch, 'missing.json')
    expect(rejection({ file: missing, env: {} }).message).toBe(`cannot read config file ${missing}: no such file`)
    const dir = join(scratch, 'dir.json')
    mkdirSync(dir)
    expect(rejection({ file: dir, env: {} }).message).toBe(`cannot read config file ${dir}: it is a directory`)
    const list = scratchFile('list.json', '[1, 2]')
    expect(rejection({ file: list, env: {} }).message).toBe(`config file ${list} must hold a JSON object, got [1,2]`)
    expect(rejection({ file: 'waves.yaml', env: {} }).message).toBe(
      'config file waves.yaml: only JSON (.json) config files are supported',
    )
  })

  it('reports every problem of the file, by path', () => {
    expect(rejection({ file: fixture('bad.json'), env: {} }).message).toBe(
      [
        'invalid config (3 problems):',
        '  cycle.intervalMs: must be an integer from 10 to 86400000, got 5',
        '  risk_management.maxOrderNotional: expected a number, got "lots"',
        '  risk_managment: unknown key',
      ].join('\n'),
    )
  })
})
