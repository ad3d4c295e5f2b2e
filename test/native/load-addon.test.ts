import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'

import {
  createExecutor,
  fallbackFunctions,
  findAddonFile,
  findPackageRoot,
  loadExecutor,
  requireAddon,
  type Executor,
} from '../../src/native/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const scratch = mkdtempSync(join(tmpdir(), 'waves-native-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A pino logger into memory, to count the lines a load writes. */
function memoryLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void written.push(line) })
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

function expectNative(executor: Executor): void {
  expect(executor.kind, executor.kind === 'fallback' ? executor.reason : '').toBe('native')
}

function cargoVersion(): string {
  const match = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'native', 'Cargo.toml'), 'utf8'))
  if (match?.[1] === undefined) throw new Error('native/Cargo.toml has no version')
  return match[1]
}

/**
 * The compiled loader, for checks that need a fresh process. A build older
 * than its sources would test stale code, so that fails too.
 */
function compiledIndexUrl(): string {
  const srcDir = join(root, 'src', 'native')
  const pending = [srcDir]
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const source = join(dir, entry.name)
      if (entry.isDirectory()) {
        pending.push(source)
        continue
      }
      if (!entry.name.endsWith('.ts')) continue
      const output = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js')
      if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) {
        throw new Error(`${relative(root, output)} is missing or older than its source: run npm run build`)
      }
    }
  }
  return pathToFileURL(join(root, 'dist', 'src', 'native', 'index.js')).href
}

describe('finding the addon', () => {
  it('finds the package root from src/, from dist/src/ and from native/', () => {
    expect(findPackageRoot()).toBe(root)
    expect(findPackageRoot(join(root, 'src', 'native'))).toBe(root)
    expect(findPackageRoot(join(root, 'dist', 'src', 'native'))).toBe(root)
    // native/package.json holds only napi's config and has no name.
    expect(findPackageRoot(join(root, 'native', 'src'))).toBe(root)
  })

  it('finds no package root outside the package', () => {
    expect(findPackageRoot(scratch)).toBeUndefined()
  })

  it('finds the built addon for this platform', () => {
    const path = findAddonFile(root)
    expect(path, 'native/*.node is missing: npm run build:native').toBeDefined()
    expect(path).toContain(`.${process.platform}-${process.arch}`)
  })

  it('exports exactly what the executor binds', () => {
    const addon = requireAddon(findAddonFile(root) ?? 'native/*.node is missing')
    // The executor's factories wrap the addon's router function and tracker class.
    expect(Object.keys(fallbackFunctions).sort()).toEqual(['createRouter', 'createSlippageTracker', 'implementationShortfallBps'])
    expect(Object.keys(addon).sort()).toEqual(['SlippageTracker', 'addonVersion', 'bindRouteTicket', 'futexWait', 'futexWake', 'implementationShortfallBps', 'releaseRouteTicket', 'routeBoundTicket', 'setThreadIdlePriority'])
    expect(addon.addonVersion()).toBe(cargoVersion())
  })
})

describe('loading', () => {
  it('loads the native addon when it is built', () => {
    const { logger, lines } = memoryLogger()
    const executor = createExecutor({ env: {}, logger })
    expectNative(executor)
    if (executor.kind !== 'native') return
    expect(executor.addonVersion).toBe(cargoVersion())
    expect(executor.addonPath).toBe(findAddonFile(root))
    expect(lines().filter((line) => (line['level'] as number) >= 40)).toEqual([])
  })

  it('decides once per thread', () => {
    expect(loadExecutor()).toBe(loadExecutor())
  })

  it('falls back with exactly one warning when WAVES_NATIVE=off', () => {
    const { logger, lines } = memoryLogger()
    const executor = createExecutor({ env: { WAVES_NATIVE: 'off' }, logger })
    expect(executor.kind).toBe('fallback')
    expect(lines()).toHaveLength(1)
    expect(lines()[0]).toMatchObject({ level: 40 })
    expect(lines()[0]?.['msg']).toBe(
      'Rust addon not loaded (WAVES_NATIVE=off is set); using the TypeScript fallback',
    )
    expect(executor.implementationShortfallBps(1, 10_000, new Float64Array([10_010, 100, 10_030, 300]))).toBe(25)
  })

  it('falls back when the package root cannot be found', () => {
    const { logger, lines } = memoryLogger()
    const executor = createExecutor({ env: {}, searchFrom: scratch, logger })
    expect(executor.kind === 'fallback' && executor.reason).toBe(
      `no package.json named waves-engine at or above ${scratch}`,
    )
    expect(lines()).toHaveLength(1)
  })

  it('falls back when native/ holds no addon', () => {
    const fakeRoot = join(scratch, 'unbuilt')
    mkdirSync(join(fakeRoot, 'native'), { recursive: true })
    writeFileSync(join(fakeRoot, 'package.json'), JSON.stringify({ name: 'waves-engine' }))
    const { logger, lines } = memoryLogger()
    const executor = createExecutor({ env: {}, searchFrom: join(fakeRoot, 'dist', 'src'), logger })
    expect(executor.kind === 'fallback' && executor.reason).toBe(
      `no native/*.node under ${fakeRoot}; build it with npm run build:native`,
    )
    expect(lines()).toHaveLength(1)
  })

  it('falls back when the file is not a loadable addon', () => {
    const bogus = join(scratch, 'waves-native.bogus.node')
    writeFileSync(bogus, 'not an ELF, Mach-O or PE image')
    const { logger, lines } = memoryLogger()
    const executor = createExecutor({ env: {}, addonPath: bogus, logger })
    expect(executor.kind === 'fallback' && executor.reason).toMatch(new RegExp(`^loading ${bogus} failed: .+`))
    expect(lines()).toHaveLength(1)
    expect(String(lines()[0]?.['msg'])).toContain('using the TypeScript fallback')
  })

  it('falls back when the file lacks the expected exports', () => {
    const stale = join(scratch, 'stale.cjs')
    writeFileSync(stale, 'module.exports = { addonVersion: () => "0.0.0" }\n')
    const executor = createExecutor({ env: {}, addonPath: stale, logger: memoryLogger().logger })
    expect(executor.kind === 'fallback' && executor.reason).toBe(
      `loading ${stale} failed: ${stale} lacks the expected exports (a stale build?)`,
    )
  })
})

describe('a fresh process', () => {
  const script = (url: string): string =>
    `const m = await import(${JSON.stringify(url)})
     const a = m.loadExecutor(), b = m.loadExecutor()
     console.log(JSON.stringify({ kind: a.kind, same: a === b }))`

  function run(env: Record<string, string>): { stdout: unknown; stderrLines: string[] } {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script(compiledIndexUrl())], {
      cwd: scratch,
      env: { ...process.env, WAVES_LOG_LEVEL: 'info', ...env },
      encoding: 'utf8',
    })
    expect(child.status, child.stderr).toBe(0)
    return {
      stdout: JSON.parse(child.stdout) as unknown,
      stderrLines: child.stderr.split('\n').filter((line) => line.trim() !== ''),
    }
  }

  it('loads the addon from dist/ and logs nothing', () => {
    const { stdout, stderrLines } = run({ WAVES_NATIVE: '' })
    expect(stdout).toEqual({ kind: 'native', same: true })
    expect(stderrLines).toEqual([])
  })

  it('warns once per process when WAVES_NATIVE=off', () => {
    const { stdout, stderrLines } = run({ WAVES_NATIVE: 'off' })
    expect(stdout).toEqual({ kind: 'fallback', same: true })
    expect(stderrLines).toHaveLength(1)
    expect(JSON.parse(stderrLines[0] as string)).toMatchObject({
      level: 40,
      name: 'waves',
      component: 'native',
      msg: 'Rust addon not loaded (WAVES_NATIVE=off is set); using the TypeScript fallback',
    })
  })
})
