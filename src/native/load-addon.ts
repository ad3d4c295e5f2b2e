import { readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { messageOf } from '../errors/index.js'
import { childLogger, type Logger } from '../log/logger.js'
import { PACKAGE_NAME, findPackageRoot } from '../runtime/package-root.js'
import { fallbackFunctions } from './fallback/index.js'
import { createNativeRouter, createNativeSlippageTracker, rethrowFromAddon } from './native-classes.js'
import type { Executor, ExecutorFunctions, FallbackExecutor, NativeExecutor, RawAddon } from './types.js'

// This file runs from src/native/ under vitest and from dist/src/native/
// once compiled, so the addon is found from the package root.
const here = dirname(fileURLToPath(import.meta.url))
const requireFromHere = createRequire(import.meta.url)

export interface LoadOptions {
  /** Where `WAVES_NATIVE` is read; `process.env` unless given. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Load this file rather than searching `native/` under the package root. */
  readonly addonPath?: string
  /** Where the search for the package root starts; this module's folder unless given. */
  readonly searchFrom?: string
  readonly logger?: Pick<Logger, 'warn' | 'debug'>
}

/**
 * The addon under `<root>/native/`. napi names it
 * `waves-native.<platform>-<arch>[-<abi>].node`; one built for this platform
 * is preferred, and any other is tried so that the failure names the file.
 */
export function findAddonFile(packageRoot: string): string | undefined {
  const dir = join(packageRoot, 'native')
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.node'))
      .sort()
  } catch {
    return undefined
  }
  const platformTag = `.${process.platform}-${process.arch}`
  const chosen = names.find((name) => name.includes(platformTag)) ?? names[0]
  return chosen === undefined ? undefined : join(dir, chosen)
}

function isRawAddon(value: unknown): value is RawAddon {
  if (typeof value !== 'object' || value === null) return false
  const addon = value as Record<string, unknown>
  return ['implementationShortfallBps', 'addonVersion', 'bindRouteTicket', 'routeBoundTicket', 'releaseRouteTicket', 'SlippageTracker', 'setThreadIdlePriority', 'futexWait', 'futexWake'].every(
    (name) => typeof addon[name] === 'function',
  )
}

/** Loads the addon at `path`, throwing when it cannot be loaded or lacks an export. */
export function requireAddon(path: string): RawAddon {
  const loaded: unknown = requireFromHere(path)
  if (!isRawAddon(loaded)) {
    throw new Error(`${path} lacks the expected exports (a stale build?)`)
  }
  return loaded
}

function nativeFunctions(addon: RawAddon): ExecutorFunctions {
  return {
    implementationShortfallBps(side, arrivalPriceTicks, fills) {
      try {
        return addon.implementationShortfallBps(side, arrivalPriceTicks, fills)
      } catch (err) {
        return rethrowFromAddon(err, 'implementationShortfallBps')
      }
    },
    createRouter: (options) => createNativeRouter(addon, options),
    createSlippageTracker: (options) => createNativeSlippageTracker(addon, options),
  }
}

/**
 * Loads the addon, or explains in one warn line why not and hands back the
 * TypeScript fallback. Not cached: `loadExecutor()` is what callers want.
 */
export function createExecutor(options: LoadOptions = {}): Executor {
  const env = options.env ?? process.env
  const log = options.logger ?? childLogger({ component: 'native' })

  let reason: string
  if (env['WAVES_NATIVE']?.trim().toLowerCase() === 'off') {
    reason = 'WAVES_NATIVE=off is set'
  } else {
    const searchFrom = options.searchFrom ?? here
    const root = options.addonPath === undefined ? findPackageRoot(searchFrom) : undefined
    const addonPath = options.addonPath ?? (root === undefined ? undefined : findAddonFile(root))
    if (addonPath === undefined) {
      reason =
        root === undefined
          ? `no package.json named ${PACKAGE_NAME} at or above ${searchFrom}`
          : `no native/*.node under ${root}; build it with npm run build:native`
    } else {
      try {
        const addon = requireAddon(addonPath)
        const executor: NativeExecutor = Object.freeze({
          kind: 'native',
          addonVersion: addon.addonVersion(),
          addonPath,
          setThreadIdlePriority: (tid: number) => addon.setThreadIdlePriority(tid),
          futexWait: addon.futexWait,
          futexWake: addon.futexWake,
          ...nativeFunctions(addon),
        })
        log.debug({ addonPath, addonVersion: executor.addonVersion }, 'Rust addon loaded')
        return executor
      } catch (err) {
        reason = `loading ${addonPath} failed: ${messageOf(err)}`
      }
    }
  }

  log.warn(`Rust addon not loaded (${reason}); using the TypeScript fallback`)
  const executor: FallbackExecutor = Object.freeze({ kind: 'fallback', reason, ...fallbackFunctions })
  return executor
}

let cached: Executor | undefined

/**
 * The executor of this thread: the addon when it loads, the fallback
 * otherwise. Decided once, so a fallback is announced once per thread.
 */
export function loadExecutor(): Executor {
  cached ??= createExecutor()
  return cached
}
