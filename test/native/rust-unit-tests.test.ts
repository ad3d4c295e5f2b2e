import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

const crate = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native')

/**
 * The addon's own Rust tests, in the release profile the addon is built
 * with (its dependencies are already built there). They check what a test
 * from JS cannot reach: each vector implementation of the book checks and
 * run sums (AVX2, AVX-512 and plain Rust) on its own, not only the one this
 * CPU dispatches to, the exact notional past 2^53, and the order of the
 * router's checks.
 */
describe('the Rust crate', () => {
  it('passes its unit tests', () => {
    const run = spawnSync('cargo', ['test', '--release', '--locked', '--quiet'], { cwd: crate, encoding: 'utf8', timeout: 280_000 })
    expect(run.error, 'cargo could not be run').toBeUndefined()
    const output = `${run.stdout}\n${run.stderr}`
    expect(run.status, output).toBe(0)
    const passed = [...output.matchAll(/test result: ok\. (\d+) passed; 0 failed/g)].reduce((sum, m) => sum + Number(m[1]), 0)
    // The crate has dozens of tests; a filter or a build that ran none is a failure.
    expect(passed, output).toBeGreaterThanOrEqual(40)
  }, 300_000)
})
