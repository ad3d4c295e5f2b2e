import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

let cached: string | undefined

/**
 * The folder holding waves' package.json. Code runs from `src/` under the
 * test runner and from `dist/src/` once compiled, so paths to the addon and
 * to worker scripts are resolved from here, never from the caller's folder.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'waves-engine') {
      cached = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no waves-engine package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

/**
 * URL of the compiled JavaScript for a TypeScript module given from the
 * package root without extension, e.g. `workers/agent-host`. Worker threads
 * always run compiled code: a worker started from a test runs the same files
 * as one started by the engine.
 */
export function compiledModuleUrl(modulePath: string): URL {
  const file = join(packageRoot(), 'dist', `${modulePath}.js`)
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`)
  return pathToFileURL(file)
}
