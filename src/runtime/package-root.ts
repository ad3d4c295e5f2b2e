import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { WavesError } from '../errors/index.js'

/** The `name` in the package.json that marks the package root. */
export const PACKAGE_NAME = 'waves-engine'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * The nearest folder at or above `startDir` whose package.json is named
 * `waves-engine`. Code runs from `src/` under the test runner and from
 * `dist/src/` once compiled, so the addon and worker scripts are found from
 * here, never by a fixed relative path.
 */
export function findPackageRoot(startDir: string = here): string | undefined {
  let dir = startDir
  for (;;) {
    if (readPackageName(join(dir, 'package.json')) === PACKAGE_NAME) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

function readPackageName(manifestPath: string): unknown {
  try {
    const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'))
    return typeof manifest === 'object' && manifest !== null ? (manifest as { name?: unknown }).name : undefined
  } catch {
    // Absent or unreadable: not the root, keep walking up.
    return undefined
  }
}

let cached: string | undefined

/** This package's root folder; throws if the code runs outside the package. */
export function packageRoot(): string {
  cached ??= findPackageRoot()
  if (cached === undefined) throw new WavesError('ERR_BUILD_MISSING', `no ${PACKAGE_NAME} package.json above ${here}`, { from: here })
  return cached
}

/**
 * URL of the compiled JavaScript for a TypeScript module given from the
 * package root without extension, e.g. `workers/agent-host`. Worker threads
 * always run compiled code: a worker started from a test runs the same files
 * as one started by the engine.
 */
export function compiledModuleUrl(modulePath: string): URL {
  const file = join(packageRoot(), 'dist', `${modulePath}.js`)
  if (!existsSync(file)) throw new WavesError('ERR_BUILD_MISSING', `${file} is missing: run npm run build`, { file })
  return pathToFileURL(file)
}
