import type * as z from 'zod'
import { WavesError } from '../errors/index.js'

/** One thing wrong with a config: where (a dotted path, or the variable or flag at fault) and what. */
export interface ConfigProblem {
  readonly path: string
  readonly message: string
}

const MAX_SHOWN = 60

/** A value as a user would write it in the file, cut short when long. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value) ?? String(value)
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN - 1)}…` : json
}

export function joinPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out === '' ? '(top level)' : out
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
}

/**
 * Our own text for each zod issue: zod's default English names neither the
 * whole path nor the value that was got. A strict object's unknown keys come
 * as one issue; each becomes its own problem, since each is its own typo.
 */
export function problemsFromIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const at = (message: string): ConfigProblem[] => [{ path: joinPath(issue.path), message }]
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'unknown key' }))
    case 'invalid_type':
      if (issue.input === undefined) return at('is required')
      return at(`expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${showValue(issue.input)}`)
    case 'invalid_value':
      return at(`must be one of ${issue.values.map((v) => showValue(v)).join(', ')}, got ${showValue(issue.input)}`)
    case 'custom': {
      const expected: unknown = issue.params?.['expected']
      return typeof expected === 'string' ? at(`must be ${expected}, got ${showValue(issue.input)}`) : at(issue.message)
    }
    default:
      return at(issue.message)
  }
}

export function configError(problems: readonly ConfigProblem[], context: Record<string, unknown> = {}): WavesError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
  const lines = problems.map((p) => `  ${p.path}: ${p.message}`)
  return new WavesError('ERR_CONFIG_INVALID', [`invalid config (${count}):`, ...lines].join('\n'), {
    ...context,
    issues: problems.map((p) => ({ path: p.path, message: p.message })),
  })
}
