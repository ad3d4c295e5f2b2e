/**
 * Offset of the first syntax error in `text` read as JSON, or undefined when
 * it is valid JSON. V8 gives no position for some errors ("Unexpected token"),
 * so the config loader finds it here to report a line and column.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const words: Record<string, string> = { t: 'true', f: 'false', n: 'null' }
  const hex = /[0-9a-fA-F]/

  const string = (): boolean => {
    i++
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return true
      }
      if (c < 0x20) return false
      if (c === 0x5c) {
        i++
        const e = text[i]
        if (e === 'u') {
          for (let k = 0; k < 4; k++) if (!hex.test(text[++i] ?? '')) return false
          i++
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i++
        } else {
          return false
        }
      } else {
        i++
      }
    }
    return false
  }

  const digits = (): boolean => {
    const start = i
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++
    return i > start
  }

  // Consumed as far as V8 does, so the offset is where V8 finds a digit missing.
  const number = (): boolean => {
    if (text[i] === '-') i++
    if (text[i] === '0') i++
    else if (!digits()) return false
    if (text[i] === '.') {
      i++
      if (!digits()) return false
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++
      if (text[i] === '+' || text[i] === '-') i++
      if (!digits()) return false
    }
    return true
  }

  const container = (close: string, keyed: boolean): boolean => {
    i++
    skipSpace()
    if (text[i] === close) {
      i++
      return true
    }
    for (;;) {
      if (keyed) {
        skipSpace()
        if (text[i] !== '"' || !string()) return false
        skipSpace()
        if (text[i] !== ':') return false
        i++
      }
      if (!value()) return false
      skipSpace()
      if (text[i] === close) {
        i++
        return true
      }
      if (text[i] !== ',') return false
      i++
    }
  }

  const value = (): boolean => {
    skipSpace()
    const c = text[i]
    if (c === '{') return container('}', true)
    if (c === '[') return container(']', false)
    if (c === '"') return string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number()
    const word = c === undefined ? undefined : words[c]
    if (word === undefined) return false
    // Matched letter by letter, as V8 does, to stop at the first wrong one.
    for (const letter of word) {
      if (text[i] !== letter) return false
      i++
    }
    return true
  }

  if (!value()) return i
  skipSpace()
  return i < text.length ? i : undefined
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const lastBreak = before.lastIndexOf('\n')
  return { line: before.split('\n').length, column: offset - lastBreak }
}
