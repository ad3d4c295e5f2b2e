import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const cli = (...args: string[]) => spawnSync('node', ['dist/src/cli.js', ...args], { encoding: 'utf8', timeout: 30_000 })

describe('the waves command', () => {
  it('runs the embedded default, reports quote rates read from the ring, and stops when told', () => {
    const run = cli('run', '--seconds', '2.5')
    expect(run.status).toBe(0)
    const rates = [...run.stdout.matchAll(/^([\d.]+) M quotes\/s {2}total (\d+) .* crossed 0$/gm)]
    expect(rates.length).toBeGreaterThanOrEqual(1)
    for (const [, rate] of rates) expect(Number(rate)).toBeGreaterThan(0)
    const stopped = /^stopped after [\d.]+ s: (\d+) quotes, 0 crossed$/m.exec(run.stdout)
    expect(stopped).not.toBeNull()
    expect(Number(stopped![1])).toBeGreaterThanOrEqual(Number(rates.at(-1)![2]))
  })

  it('refuses an unknown command and a bad option with exit code 2', () => {
    const unknown = cli('fly')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown command fly')
    const bad = cli('run', '--seconds=-1')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--seconds must be a positive number, got -1')
    const unparsable = cli('run', '--speed', '3')
    expect(unparsable.status).toBe(2)
    expect(unparsable.stderr).toContain("Unknown option '--speed'")
  })
})
