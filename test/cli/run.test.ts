import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('node', ['dist/src/cli.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WAVES_LOG_LEVEL: 'warn', ...env } })

describe('the waves command', () => {
  it('runs the engine on its embedded default, reports the cycle and the account each second, and stops cleanly', () => {
    const run = cli(['run', '--seconds', '6', '--set', 'cycle.intervalMs=50'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('waves: 11 agents, a cycle every 50 ms')
    // Each report is the cycle's line, then the account's: fees_monitor's ledger per quote currency.
    const reports = run.stdout.split('\n').filter((line) => /^(stopped: )?cycle \d+/.test(line)).length
    const accounts = [...run.stdout.matchAll(/^ {2}(?:no fills yet|USDT {2}fills (\d+) {2}volume ([\d.]+) {2}fees ([\d.]+) {2}realized (-?[\d.]+) {2}unrealized (-?[\d.]+) {2}net (-?[\d.]+))$/gm)]
    expect(accounts).toHaveLength(reports)
    // By the end the embedded strategy has traded: fills, volume and fees, each a positive amount.
    const final = accounts.at(-1)!
    expect(Number(final[1])).toBeGreaterThan(0)
    expect(Number(final[2])).toBeGreaterThan(0)
    expect(Number(final[3])).toBeGreaterThan(0)
    // The account after stop is the ledger as it stopped, the venues' last answers booked: never behind the last report.
    expect(Number(final[1])).toBeGreaterThanOrEqual(Number(accounts.at(-2)?.[1] ?? 0))
    const lines = [...run.stdout.matchAll(/^cycle (\d+) {2}ok (\d+) {2}failed (\d+) {2}overruns (\d+) .* start lag p99 ([\d.]+) ms {2}agents (\d+)\/11 ready/gm)]
    expect(lines.length).toBeGreaterThanOrEqual(2)
    const last = lines.at(-1)!
    expect(Number(last[1])).toBeGreaterThanOrEqual(15)
    expect(Number(last[2])).toBeGreaterThan(0)
    // Cycles begin on their boundaries, not an interval late.
    expect(Number(last[5])).toBeLessThan(100)
    const stopped = /^stopped: cycle (\d+) {2}ok (\d+)/m.exec(run.stdout)
    expect(stopped).not.toBeNull()
    expect(Number(stopped![1])).toBeGreaterThanOrEqual(Number(last[1]))
    // And what the stop did at the venues.
    expect(run.stdout).toMatch(/^ {2}stop: \d+ resting child(ren)? cancelled, \d+ answers? in flight delivered$/m)
  })

  it('names every wrong field of a bad config and exits 1 without starting', () => {
    const run = cli(['run', '--set', 'cycle.intervalMs=5', '--set', 'risk_management.maxOrderNotional="lots"'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('cycle.intervalMs: must be an integer from 10 to 86400000, got 5')
    expect(run.stderr).toContain('risk_management.maxOrderNotional')
    expect(run.stdout).not.toContain('agents')
  })

  it('checks a config file and reports what it would use', () => {
    const ok = cli(['config', 'check', 'test/fixtures/config/good.json'])
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout.slice(0, ok.stdout.lastIndexOf('}') + 1).trim())).toHaveProperty('cycle.intervalMs')
    const bad = cli(['config', 'check', 'test/fixtures/config/bad.json'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/invalid config \(\d+ problems?\)/)
  })

  it('refuses an unknown command and a bad option with exit code 2', () => {
    const unknown = cli(['fly'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown command fly')
    const bad = cli(['run', '--seconds=-1'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--seconds must be a positive number, got -1')
    const unparsable = cli(['run', '--speed', '3'])
    expect(unparsable.status).toBe(2)
    expect(unparsable.stderr).toContain("Unknown option '--speed'")
  })
})
