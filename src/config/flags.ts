import type { Layer } from './layers.js'
import { setPath } from './layers.js'
import type { ConfigProblem } from './problems.js'
import { matchPath, parseTextValue, sameLoosely } from './schema-paths.js'

/**
 * The config `--set path=value` flags set, in order, so a later flag wins.
 * Paths are spelt as in the file (`risk_management.maxOrderNotional`).
 */
export function flagLayer(flags: readonly string[]): { layer: Layer; problems: ConfigProblem[] } {
  const layer: Layer = {}
  const problems: ConfigProblem[] = []
  for (const flag of flags) {
    const eq = flag.indexOf('=')
    if (eq <= 0) {
      problems.push({ path: `--set ${flag}`, message: 'expected path=value' })
      continue
    }
    const dotted = flag.slice(0, eq)
    const segments = dotted.split('.')
    const match = matchPath(segments, (segment, key) => segment === key)
    if (match.ok) {
      setPath(layer, match.path, parseTextValue(flag.slice(eq + 1), match.takesText))
      continue
    }
    const near = matchPath(segments, sameLoosely)
    problems.push({
      path: `--set ${dotted}`,
      message: near.ok ? `no such config key; did you mean ${near.path.join('.')}?` : 'no such config key',
    })
  }
  return { layer, problems }
}
