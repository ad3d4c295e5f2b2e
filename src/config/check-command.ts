import { parseArgs } from 'node:util'
import { isWavesError } from '../errors/index.js'
import type { Environment } from './env.js'
import { loadConfig } from './load.js'

export interface ConfigCheckIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  env: Environment
}

export const CONFIG_CHECK_USAGE = `usage: waves config check FILE [--set path=value]...

Loads FILE (or the file WAVES_CONFIG names), then WAVES_* variables, then
--set flags, each overriding the one before, and prints the resolved config.`

// As the logger does: a config printed to a terminal or a CI log must not carry secrets.
const SECRET_KEYS = new Set(['password', 'secret', 'apiKey', 'token'])

/**
 * `waves config check`; `argv` holds the words after `check`. Exit code 0
 * when the config is valid, 1 when it is not, 2 for bad usage.
 */
export function configCheck(argv: string[], io: ConfigCheckIo): number {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { set: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    io.stderr.write(`${err.message}\n${CONFIG_CHECK_USAGE}\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help === true) {
    io.stdout.write(`${CONFIG_CHECK_USAGE}\n`)
    return 0
  }
  const file = positionals[0] ?? (io.env['WAVES_CONFIG'] || undefined)
  if (file === undefined || positionals.length > 1) {
    const what = file === undefined ? 'no config file given' : `expected one config file, got ${positionals.length}`
    io.stderr.write(`${what}\n${CONFIG_CHECK_USAGE}\n`)
    return 2
  }

  let loaded
  try {
    loaded = loadConfig({ file, env: io.env, flags: values.set ?? [] })
  } catch (err) {
    if (!isWavesError(err, 'ERR_CONFIG_INVALID')) throw err
    io.stderr.write(`${err.message}\n`)
    return 1
  }

  const json = JSON.stringify(loaded.config, (key, value: unknown) => (SECRET_KEYS.has(key) ? '[redacted]' : value), 2)
  const set = Object.entries(loaded.sources).filter(([, source]) => source !== 'default')
  const width = Math.max(0, ...set.map(([path]) => path.length))
  const table =
    set.length === 0
      ? 'every value is a default'
      : ['not from the defaults:', ...set.map(([path, source]) => `  ${path.padEnd(width)}  ${source}`)].join('\n')
  io.stdout.write(`${json}\n\n${table}\n`)
  return 0
}
