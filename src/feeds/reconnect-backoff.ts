export interface ReconnectBackoffOptions {
  /** Ceiling of the first wait, ms. Default 250. */
  initialMs?: number
  /** Largest ceiling, ms. Default 30_000. */
  maxMs?: number
}

const DEFAULTS = Object.freeze({ initialMs: 250, maxMs: 30_000 })

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a
 * drop): the ceiling doubles per attempt up to `maxMs`, and the wait is
 * drawn uniformly from its upper half ("equal jitter"), so clients dropped
 * together do not return together, yet every wait still grows. Pure given
 * `random` in [0, 1).
 */
export function reconnectDelayMs(attempt: number, options: ReconnectBackoffOptions, random: number): number {
  const initialMs = options.initialMs ?? DEFAULTS.initialMs
  const maxMs = options.maxMs ?? DEFAULTS.maxMs
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 52))
  return ceiling / 2 + (random * ceiling) / 2
}

/** Throws a RangeError naming the option for a backoff that cannot work. */
export function checkBackoffOptions(options: ReconnectBackoffOptions): void {
  const { initialMs = DEFAULTS.initialMs, maxMs = DEFAULTS.maxMs } = options
  if (!(initialMs > 0 && Number.isFinite(initialMs))) throw new RangeError(`backoff.initialMs must be a positive number of ms, got ${initialMs}`)
  if (!(maxMs >= initialMs && Number.isFinite(maxMs))) throw new RangeError(`backoff.maxMs must be at least backoff.initialMs (${initialMs}), got ${maxMs}`)
}
