import { reconnectDelayMs } from '../../feeds/reconnect-backoff.js'

export interface RetryOptions {
  /** Calls in all, the first included. Default 4. */
  maxAttempts?: number
  /** Ceiling of the first backoff, ms. Default 100. */
  initialDelayMs?: number
  /** Largest backoff ceiling, ms. Default 5 000. */
  maxDelayMs?: number
  /** Longest Retry-After the adapter honours, ms; a longer one fails the call. Default 60 000. */
  maxRetryAfterMs?: number
}

export interface FilledRetryOptions {
  maxAttempts: number
  initialDelayMs: number
  maxDelayMs: number
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_OPTIONS: Readonly<FilledRetryOptions> = Object.freeze({ maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 5_000, maxRetryAfterMs: 60_000 })

/** Fills the defaults in; a RangeError names the option that cannot work. */
export function retryOptionsOf(options: RetryOptions = {}): FilledRetryOptions {
  const filled = { ...DEFAULT_RETRY_OPTIONS, ...options }
  if (!(Number.isInteger(filled.maxAttempts) && filled.maxAttempts >= 1)) throw new RangeError(`retry.maxAttempts must be a whole number of at least 1, got ${filled.maxAttempts}`)
  if (!(filled.initialDelayMs > 0)) throw new RangeError(`retry.initialDelayMs must be a positive number of ms, got ${filled.initialDelayMs}`)
  if (!(filled.maxDelayMs >= filled.initialDelayMs)) throw new RangeError(`retry.maxDelayMs must be at least retry.initialDelayMs (${filled.initialDelayMs}), got ${filled.maxDelayMs}`)
  if (!(filled.maxRetryAfterMs >= 0)) throw new RangeError(`retry.maxRetryAfterMs must not be negative, got ${filled.maxRetryAfterMs}`)
  return filled
}

/**
 * The wait before retry `attempt` (0 after the first failure): exponential
 * with equal jitter, the same curve the feeds reconnect on, and never
 * shorter than the venue's Retry-After.
 */
export function retryDelayMs(attempt: number, options: FilledRetryOptions, random: number, retryAfterMs = 0): number {
  return Math.max(retryAfterMs, reconnectDelayMs(attempt, { initialMs: options.initialDelayMs, maxMs: options.maxDelayMs }, random))
}

/** Retry-After in ms from response headers (seconds, or an HTTP date), or 0. */
export function retryAfterMsOf(headers: Readonly<Record<string, unknown>> | undefined, nowMs: number): number {
  if (headers === undefined) return 0
  const raw = headers['Retry-After'] ?? headers['retry-after']
  if (typeof raw !== 'string' && typeof raw !== 'number') return 0
  const seconds = Number(raw)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const dateMs = Date.parse(String(raw))
  return Number.isFinite(dateMs) ? Math.max(0, dateMs - nowMs) : 0
}
