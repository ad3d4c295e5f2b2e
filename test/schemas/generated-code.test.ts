import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

describe('generated schema code', () => {
  it('is exactly what schemas/*.fbs produce', () => {
    // Throws (and fails the test) with the list of differing files if anyone
    // edited generated code or changed a schema without regenerating.
    const out = execFileSync('node', ['scripts/generate-schemas.mjs', '--check'], { encoding: 'utf8' })
    expect(out).toMatch(/^src\/schemas\/generated\/ matches schemas\/\*\.fbs \(\d+ files\)/)
  })
})
