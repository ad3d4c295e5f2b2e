import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONFIG_CHECK_USAGE, configCheck, loadConfig } from '../../src/config/index.js'

const fixture = (name: string): string =>
  relative(process.cwd(), fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url)))

function check(argv: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  let stdout = ''
  let stderr = ''
  const code = configCheck(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  })
  return { code, stdout, stderr }
}

/** The printed JSON document and the lines after it. */
function splitOutput(stdout: string): { json: unknown; after: string[] } {
  const end = stdout.indexOf('\n}\n') + 3
  return { json: JSON.parse(stdout.slice(0, end)), after: stdout.slice(end).split('\n') }
}

describe('waves config check', () => {
  it('prints the resolved config, secrets redacted, then where each non-default value came from', () => {
    const file = fixture('good.json')
    const run = check([file, '--set', 'execution.venue=ccxt:binance'], { WAVES_CYCLE__INIT_DEADLINE_MS: '5000', WAVES_LOG_LEVEL: 'warn' })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const { config } = loadConfig({ file, env: { WAVES_CYCLE__INIT_DEADLINE_MS: '5000' }, flags: ['execution.venue=ccxt:binance'] })
    const { json, after } = splitOutput(run.stdout)
    expect(json).toStrictEqual({ ...config, redis: { ...config.redis, password: '[redacted]' } })
    expect(run.stdout).not.toContain('hunter2')
    expect(after).toStrictEqual([
      '',
      'not from the defaults:',
      '  cycle.intervalMs                  file',
      '  cycle.initDeadlineMs              env',
      '  redis.host                        file',
      '  redis.password                    file',
      '  data_feeds.instruments            file',
      '  risk_management.maxOrderNotional  file',
      '  risk_management.maxOpenOrders     file',
      '  execution.venue                   flag',
      '',
    ])
  })

  it('says so when every value is a default, reading the file WAVES_CONFIG names', () => {
    const empty = check([], { WAVES_CONFIG: fixture('empty.json') })
    expect(empty.code).toBe(0)
    expect(splitOutput(empty.stdout).after).toStrictEqual(['', 'every value is a default', ''])
  })

  it('prints every problem to stderr and exits 1 on an invalid config', () => {
    const run = check([fixture('bad.json'), '--set', 'cycle.intervalMs=20', '--set', 'execution.Venue=x'], { WAVES_FOO: '1' })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      [
        'invalid config (4 problems):',
        '  risk_management.maxOrderNotional: expected a number, got "lots"',
        '  risk_managment: unknown key',
        '  WAVES_FOO: matches no config key',
        '  --set execution.Venue: no such config key; did you mean execution.venue?',
        '',
      ].join('\n'),
    )
  })

  it('exits 1 naming a malformed file', () => {
    const file = fixture('malformed.json')
    const run = check([file])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`config file ${file} is not valid JSON at line 3 column 19: Unexpected token ','\n`)
  })

  it('exits 2 on bad usage, 0 on --help', () => {
    const none = check([])
    expect(none).toStrictEqual({ code: 2, stdout: '', stderr: `no config file given\n${CONFIG_CHECK_USAGE}\n` })
    const two = check([fixture('good.json'), fixture('bad.json')])
    expect(two).toStrictEqual({ code: 2, stdout: '', stderr: `expected one config file, got 2\n${CONFIG_CHECK_USAGE}\n` })
    const unknown = check([fixture('good.json'), '--sett', 'a=1'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--sett'")
    const missingValue = check([fixture('good.json'), '--set'])
    expect(missingValue.code).toBe(2)
    expect(missingValue.stderr).toContain("Option '--set <value>' argument missing")
    expect(check(['--help'])).toStrictEqual({ code: 0, stdout: `${CONFIG_CHECK_USAGE}\n`, stderr: '' })
  })
})
