#!/usr/bin/env -S node --no-memory-reducer
import { configCheck, CONFIG_CHECK_USAGE } from './config/index.js'
import { runCommand, RUN_USAGE } from './cycle/run-command.js'
import { bookCommand, BOOK_USAGE } from './market/lobster/book-command.js'

const usage = `usage: waves <command> [options]

commands:
  run                 run the engine (see waves run --help)
  config check FILE   report the config waves would use, or every problem with it
  book MESSAGE_FILE   rebuild a LOBSTER order book from its messages (see waves book --help)
  help                this text

${RUN_USAGE}

${CONFIG_CHECK_USAGE}

${BOOK_USAGE}`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env }
  switch (command) {
    case 'run':
      if (rest.includes('--help')) {
        io.stdout.write(`${RUN_USAGE}\n`)
        return 0
      }
      return runCommand(rest, io)
    case 'config':
      if (rest[0] !== 'check') {
        io.stderr.write(`unknown config command ${rest[0] ?? '(none)'}\n${CONFIG_CHECK_USAGE}\n`)
        return 2
      }
      return configCheck(rest.slice(1), io)
    case 'book':
      return bookCommand(rest, io)
    case undefined:
    case 'help':
    case '--help':
      io.stdout.write(`${usage}\n`)
      return 0
    default:
      io.stderr.write(`unknown command ${command}\n${usage}\n`)
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
