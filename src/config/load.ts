import { envLayer, type Environment } from './env.js'
import { flagLayer } from './flags.js'
import { readConfigFile } from './json-file.js'
import { mergeLayers, sourcesOf, type ConfigSource, type Layer } from './layers.js'
import { configError } from './problems.js'
import { tryResolveConfig } from './resolve.js'
import type { WavesConfig } from './schema.js'

export interface LoadConfigOptions {
  /** A JSON config file. Default: the file WAVES_CONFIG names, else none. */
  file?: string
  /** Default `process.env`. */
  env?: Environment
  /** `path=value` strings, from repeated `--set path=value`. */
  flags?: readonly string[]
}

export interface LoadedConfig {
  config: WavesConfig
  /** Where each value came from, by dotted path (`risk_management.maxOrderNotional`). */
  sources: Readonly<Record<string, ConfigSource>>
}

/**
 * The engine's config from defaults, a file, the environment and flags, each
 * overriding the one before. Throws `ERR_CONFIG_INVALID` listing every
 * problem: bad values, unknown keys, and WAVES_ variables or flags that name
 * no key.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env
  const file = options.file ?? (env['WAVES_CONFIG'] || undefined)
  const layers: { source: Exclude<ConfigSource, 'default'>; layer: Layer }[] = []
  if (file !== undefined) layers.push({ source: 'file', layer: readConfigFile(file) })
  const fromEnv = envLayer(env)
  const fromFlags = flagLayer(options.flags ?? [])
  layers.push({ source: 'env', layer: fromEnv.layer }, { source: 'flag', layer: fromFlags.layer })

  const tried = tryResolveConfig(mergeLayers(layers.map((l) => l.layer)))
  const problems = [...(tried.ok ? [] : tried.problems), ...fromEnv.problems, ...fromFlags.problems]
  if (!tried.ok || problems.length > 0) throw configError(problems, file === undefined ? {} : { file })
  return { config: tried.config, sources: Object.freeze(sourcesOf(tried.config, layers)) }
}
