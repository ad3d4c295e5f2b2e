import { pino, type Logger, type LoggerOptions } from 'pino'

export type { Logger }

/**
 * The one logger. Hot threads never log per message: they count, and log a
 * line when something changes state. Secrets are redacted wherever they sit.
 */
const options: LoggerOptions = {
  name: 'waves',
  level: process.env['WAVES_LOG_LEVEL'] ?? 'info',
  redact: {
    paths: ['apiKey', 'secret', 'password', 'token', '*.apiKey', '*.secret', '*.password', '*.token'],
    censor: '[redacted]',
  },
}

// Logs go to stderr so that a command's own output (a report, a JSON
// document) stays alone on stdout.
export const rootLogger: Logger = pino(options, pino.destination({ fd: 2, sync: true }))

export function childLogger(bindings: Record<string, unknown>): Logger {
  return rootLogger.child(bindings)
}
