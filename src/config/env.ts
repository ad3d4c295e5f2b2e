import type { Layer } from './layers.js'
import { setPath } from './layers.js'
import type { ConfigProblem } from './problems.js'
import { matchPath, parseTextValue, sameLoosely } from './schema-paths.js'

export const ENV_PREFIX = 'WAVES_'

/** Segment separator: a single underscore belongs to a key name (`MAX_ORDER_NOTIONAL`). */
export const ENV_SEPARATOR = '__'

/** WAVES_ variables that are not config keys; every other WAVES_ variable must name one. */
export const NON_CONFIG_ENV: ReadonlySet<string> = new Set(['WAVES_LOG_LEVEL', 'WAVES_NATIVE', 'WAVES_STRESS', 'WAVES_CONFIG'])

export type Environment = Readonly<Record<string, string | undefined>>

/**
 * The config the environment sets: `WAVES_RISK_MANAGEMENT__MAX_ORDER_NOTIONAL=5000`
 * sets risk_management.maxOrderNotional. Segments match keys ignoring case
 * and underscores.
 */
export function envLayer(env: Environment): { layer: Layer; problems: ConfigProblem[] } {
  const layer: Layer = {}
  const problems: ConfigProblem[] = []
  const found: { path: string[]; value: unknown }[] = []
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || NON_CONFIG_ENV.has(name) || raw === undefined) continue
    const match = matchPath(name.slice(ENV_PREFIX.length).split(ENV_SEPARATOR), sameLoosely)
    if (match.ok) found.push({ path: match.path, value: parseTextValue(raw, match.takesText) })
    else problems.push({ path: name, message: 'matches no config key' })
  }
  // A whole section (WAVES_REDIS={...}) goes in before its keys, which refine
  // it, whatever order the environment lists them in.
  found.sort((a, b) => a.path.length - b.path.length)
  for (const { path, value } of found) setPath(layer, path, value)
  return { layer, problems }
}
