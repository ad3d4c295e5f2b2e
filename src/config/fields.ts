import * as z from 'zod'

/**
 * Field builders for the config schema. Each range or shape rule is one
 * check that records what was expected (`params.expected`), so a bad value
 * gets one readable problem ("must be an integer from 10 to 86400000, got 5")
 * rather than one per violated bound, and the text is written in one place
 * (`problems.ts`).
 */

function expecting<T extends z.ZodType>(schema: T, expected: string, ok: (value: z.output<T>) => boolean): T {
  return schema.superRefine((value, ctx) => {
    if (!ok(value)) ctx.addIssue({ code: 'custom', input: value, params: { expected } })
  })
}

function rangeText(kind: 'integer' | 'number', min: number | undefined, max: number | undefined, minExclusive: boolean): string {
  const a = kind === 'integer' ? 'an integer' : 'a number'
  if (min !== undefined && max !== undefined) return `${a} from ${min} to ${max}`
  if (min === 0 && !minExclusive) return `a non-negative ${kind}`
  if ((min === 1 && kind === 'integer') || (min === 0 && minExclusive)) return `a positive ${kind}`
  if (min !== undefined) return `${a} ${minExclusive ? 'above' : 'of at least'} ${min}`
  if (max !== undefined) return `${a} of at most ${max}`
  return a
}

export function integer(min?: number, max?: number): z.ZodNumber {
  const expected = rangeText('integer', min, max, false)
  return expecting(
    z.number(),
    expected,
    (v) => Number.isSafeInteger(v) && (min === undefined || v >= min) && (max === undefined || v <= max),
  )
}

export interface NumberRange {
  min?: number
  /** The minimum itself is out of range (a positive number is `{ min: 0, minExclusive: true }`). */
  minExclusive?: boolean
  max?: number
}

export function number({ min, minExclusive = false, max }: NumberRange = {}): z.ZodNumber {
  const expected = rangeText('number', min, max, minExclusive)
  return expecting(
    z.number(),
    expected,
    (v) => (min === undefined || (minExclusive ? v > min : v >= min)) && (max === undefined || v <= max),
  )
}

export function text(): z.ZodString {
  return expecting(z.string(), 'a non-empty string', (v) => v.length > 0)
}

/** A non-empty list whose items may repeat (samples: recorded latencies, say). */
export function samples<T extends z.ZodType>(item: T): z.ZodArray<T> {
  return expecting(z.array(item), 'a non-empty list', (v) => v.length > 0)
}

/** A non-empty list without repeats: a repeated instrument or horizon is a typo, never an intent. */
export function list<T extends z.ZodType>(item: T): z.ZodArray<T> {
  return expecting(
    z.array(item),
    'a non-empty list without repeats',
    (v) => v.length > 0 && new Set(v).size === v.length,
  )
}

/**
 * For cross-field rules: run the rule only when the object and the fields it
 * reads parsed cleanly, so a rule never reports on a value already reported
 * as malformed, yet still runs when other fields of the object are wrong.
 */
export function whenValid(...keys: string[]): (payload: z.core.ParsePayload) => boolean {
  return (payload) =>
    typeof payload.value === 'object' &&
    payload.value !== null &&
    !Array.isArray(payload.value) &&
    !payload.issues.some((issue) => {
      const head = issue.path?.[0]
      return typeof head === 'string' && keys.includes(head)
    })
}
