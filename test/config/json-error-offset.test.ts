import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonErrorOffset, lineAndColumn } from '../../src/config/json-error-offset.js'

type Verdict = { valid: true } | { valid: false; position: number } | { valid: false; token: string }

/** V8's own verdict on `text`: valid, or where it is not, by position or, lacking one, by the token it names. */
function v8Verdict(text: string): Verdict {
  try {
    JSON.parse(text)
    return { valid: true }
  } catch (err) {
    const message = (err as Error).message
    if (message === 'Unexpected end of JSON input') return { valid: false, position: text.length }
    const at = / at position (\d+)/.exec(message)
    if (at) return { valid: false, position: Number(at[1]) }
    const token = /^Unexpected token '(.)'/su.exec(message)
    if (token) return { valid: false, token: token[1]! }
    throw new Error(`unforeseen V8 message: ${message}`)
  }
}

/** JSON text with one character inserted, replaced or removed: mostly invalid, sometimes still valid. */
const mutatedJson = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom(...'{}[],:"\\1.e-+ ntu\u0001'.split('')), fc.constantFrom('insert', 'replace', 'remove'))
  .map(([text, n, c, how]) => {
    const i = n % (text.length + 1)
    if (how === 'insert') return text.slice(0, i) + c + text.slice(i)
    return text.slice(0, i) + (how === 'replace' ? c : '') + text.slice(i + 1)
  })

describe('jsonErrorOffset', () => {
  it('finds no error in valid JSON', () => {
    fc.assert(fc.property(fc.json(), (text) => jsonErrorOffset(text) === undefined))
  })

  it('agrees with JSON.parse on validity and on where the error is', () => {
    fc.assert(
      fc.property(mutatedJson, (text) => {
        const verdict = v8Verdict(text)
        const offset = jsonErrorOffset(text)
        if (verdict.valid) return offset === undefined
        if ('position' in verdict) return offset === verdict.position
        return offset !== undefined && text[offset] === verdict.token
      }),
      { numRuns: 2000 },
    )
  })

  it('points at the token V8 names without a position', () => {
    expect(jsonErrorOffset('{"a": }')).toBe(6)
    expect(jsonErrorOffset('[1, x]')).toBe(4)
    expect(jsonErrorOffset('{"a": 1} 2')).toBe(9)
  })

  it('turns an offset into a 1-based line and column', () => {
    const text = '{\n  "a": ,\n}'
    expect(lineAndColumn(text, text.indexOf(','))).toStrictEqual({ line: 2, column: 8 })
    expect(lineAndColumn(text, 0)).toStrictEqual({ line: 1, column: 1 })
  })
})
