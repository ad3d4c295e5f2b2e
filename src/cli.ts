#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { runRingDemo } from './demo/ring-demo.js'

const usage = `usage: waves <command> [options]

commands:
  run [--seconds N]   run the engine on its embedded default (for now: the market-data ring demo)
  help                this text`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'run': {
      const { values } = parseArgs({ args: rest, options: { seconds: { type: 'string' } }, strict: true })
      const seconds = values.seconds === undefined ? undefined : Number(values.seconds)
      if (seconds !== undefined && !(seconds > 0)) {
        process.stderr.write(`--seconds must be a positive number, got ${values.seconds}\n`)
        return 2
      }
      await runRingDemo(seconds === undefined ? {} : { seconds })
      return 0
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${usage}\n`)
      return 0
    default:
      process.stderr.write(`unknown command ${command}\n${usage}\n`)
      return 2
  }
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  // A malformed command line is the user's to fix: say what is wrong, no stack.
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${err.message}\n${usage}\n`)
    process.exitCode = 2
  } else {
    throw err
  }
}
