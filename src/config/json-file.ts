import { readFileSync } from 'node:fs'
import { WavesError } from '../errors/index.js'
import { jsonErrorOffset, lineAndColumn } from './json-error-offset.js'
import type { Layer } from './layers.js'
import { showValue } from './problems.js'

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
}

function fileError(file: string, message: string, cause?: unknown): WavesError {
  return new WavesError('ERR_CONFIG_INVALID', message, { file, issues: [{ path: file, message }] }, { cause })
}

/** The config a JSON file holds. Throws `ERR_CONFIG_INVALID` naming the file when it cannot be read or parsed. */
export function readConfigFile(file: string): Layer {
  if (!file.toLowerCase().endsWith('.json')) {
    throw fileError(file, `config file ${file}: only JSON (.json) config files are supported`)
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw fileError(file, `cannot read config file ${file}: ${READ_ERRORS[code] ?? (err as Error).message}`, err)
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    // V8's text repeats the position, or quotes the input, after the reason.
    const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    let offset: number | undefined
    try {
      offset = jsonErrorOffset(text)
    } catch {
      // Nesting deep enough to exhaust the stack: report the reason without a position.
    }
    let where = ''
    if (offset !== undefined) {
      const { line, column } = lineAndColumn(text, offset)
      where = ` at line ${line} column ${column}`
    }
    throw fileError(file, `config file ${file} is not valid JSON${where}: ${reason}`, err)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fileError(file, `config file ${file} must hold a JSON object, got ${showValue(value)}`)
  }
  return value as Layer
}
