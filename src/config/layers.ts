/**
 * A layer is a partial config from one source (the file, the environment,
 * the flags). Layers merge key by key, the later winning; a list or a null
 * is one value and replaces whatever was below it.
 */

export type Layer = Record<string, unknown>

export type ConfigSource = 'default' | 'file' | 'env' | 'flag'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function setPath(layer: Layer, path: readonly string[], value: unknown): void {
  let at = layer
  for (const key of path.slice(0, -1)) {
    const next = at[key]
    if (isPlainObject(next)) {
      at = next
    } else {
      const created: Layer = {}
      at[key] = created
      at = created
    }
  }
  at[path.at(-1)!] = value
}

export function mergeLayers(layers: readonly Layer[]): Layer {
  const merge = (below: unknown, above: unknown): unknown => {
    if (!isPlainObject(above)) return above
    const out: Layer = isPlainObject(below) ? { ...below } : {}
    for (const [key, value] of Object.entries(above)) {
      // A file's "__proto__" key must stay a key (and be reported as unknown), not become a prototype.
      Object.defineProperty(out, key, { value: merge(out[key], value), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  return layers.reduce<Layer>((merged, layer) => merge(merged, layer) as Layer, {})
}

function hasPath(layer: Layer, path: readonly string[]): boolean {
  let at: unknown = layer
  for (const key of path) {
    if (!isPlainObject(at) || !Object.hasOwn(at, key)) return false
    at = at[key]
  }
  return true
}

/** Dotted path of every value in a resolved config; a list is one value. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isPlainObject(value)) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]))
}

/**
 * Where each value of `config` came from: the last layer that gives it, else
 * the defaults. A period set through a preset comes from where the preset does.
 */
export function sourcesOf(
  config: unknown,
  layers: readonly { source: Exclude<ConfigSource, 'default'>; layer: Layer }[],
): Record<string, ConfigSource> {
  const from = (path: readonly string[]): ConfigSource =>
    layers.findLast(({ layer }) => hasPath(layer, path))?.source ?? 'default'
  const sources: Record<string, ConfigSource> = {}
  for (const path of leafPaths(config)) {
    const dotted = path.join('.')
    sources[dotted] = dotted === 'cycle.intervalMs' && from(path) === 'default' ? from(['cycle', 'preset']) : from(path)
  }
  return sources
}
