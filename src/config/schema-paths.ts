import * as z from 'zod'
import { wavesConfigSchema } from './schema.js'

/** The schema node under its optional / nullable / default wrappers. */
function bare(node: z.ZodType): z.ZodType {
  let inner = node
  while (
    inner instanceof z.ZodOptional ||
    inner instanceof z.ZodNullable ||
    inner instanceof z.ZodDefault ||
    inner instanceof z.ZodPrefault
  ) {
    inner = inner.unwrap() as z.ZodType
  }
  return inner
}

export type PathMatch =
  | {
      ok: true
      /** The schema's own spelling of each key. */
      path: string[]
      /** The key holds free text, so a value given as `12345` or `true` means that text. */
      takesText: boolean
    }
  | {
      ok: false
      /** The keys that matched before the one that did not. */
      matched: string[]
    }

/** Finds the config key each segment names, `same` deciding when a segment names a key. */
export function matchPath(segments: readonly string[], same: (segment: string, key: string) => boolean): PathMatch {
  let node: z.ZodType = wavesConfigSchema
  const path: string[] = []
  for (const segment of segments) {
    const object = bare(node)
    const key = object instanceof z.ZodObject ? Object.keys(object.shape).find((k) => same(segment, k)) : undefined
    if (key === undefined || !(object instanceof z.ZodObject)) return { ok: false, matched: path }
    path.push(key)
    node = object.shape[key] as z.ZodType
  }
  return { ok: true, path, takesText: bare(node) instanceof z.ZodString }
}

/** Spelling-blind key comparison: `MAX_ORDER_NOTIONAL`, `max_order_notional` and `maxOrderNotional` are one key. */
export function looseKey(name: string): string {
  return name.toLowerCase().replaceAll('_', '')
}

export const sameLoosely = (segment: string, key: string): boolean => looseKey(segment) === looseKey(key)

/**
 * A value given as text (an environment variable, a `--set` flag): JSON when
 * it parses, so numbers, booleans and lists need no quoting; else the text.
 * A free-text key keeps the text even when it reads as JSON, so a password
 * of digits stays a string.
 */
export function parseTextValue(raw: string, takesText: boolean): unknown {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return raw
  }
  return takesText && typeof value !== 'string' ? raw : value
}
