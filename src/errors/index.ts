/**
 * The one error family of waves. Every failure the engine reports is a
 * `WavesError` with a stable `code` (what a caller switches on) and a
 * `context` (the offending values, for logs and for humans).
 *
 * Each domain adds its codes here so a reader sees every failure in one place.
 */
export type WavesErrorCode =
  // ring/
  | 'ERR_RING_CONFIG'
  | 'ERR_RING_LAYOUT'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_MESSAGE_NOT_UNIFORM'
  | 'ERR_RING_CLOSED'
  | 'ERR_CONFLATION_KEY'
  // boards/
  | 'ERR_BOARD_CONFIG'
  | 'ERR_BOARD_LAYOUT'
  | 'ERR_BOARD_TOO_LARGE'
  | 'ERR_BOARD_CONTENDED'
  | 'ERR_BOARD_WRITER'
  // market/
  | 'ERR_DECIMAL_FORMAT'
  | 'ERR_INSTRUMENT_SPEC'
  | 'ERR_OFF_GRID'
  // market/book/
  | 'ERR_BOOK_CONFIG'
  | 'ERR_BOOK_SNAPSHOT'
  // market/lobster/
  | 'ERR_LOBSTER_FORMAT'
  // schemas/
  | 'ERR_UNKNOWN_MESSAGE_TYPE'
  // native/
  | 'ERR_NATIVE_ARGUMENT'
  // cycle/
  | 'ERR_AGENT_TIMEOUT'
  | 'ERR_AGENT_UNKNOWN'
  | 'ERR_CYCLE_STATE'
  | 'ERR_CONTROL_LAYOUT'
  | 'ERR_AGENT_MODULE'
  | 'ERR_FEED_UNAVAILABLE'
  // runtime/
  | 'ERR_BUILD_MISSING'
  // config/
  | 'ERR_CONFIG_INVALID'
  // compute/
  | 'ERR_COMPUTE_CONFIG'
  | 'ERR_COMPUTE_INPUT'
  | 'ERR_COMPUTE_UNKNOWN_TASK'
  | 'ERR_COMPUTE_TASK_FAILED'
  | 'ERR_COMPUTE_QUEUE_FULL'
  | 'ERR_COMPUTE_ABORTED'
  | 'ERR_COMPUTE_CLOSED'
  // feeds/
  | 'ERR_FEED_CONFIG'
  | 'ERR_FEED_STATE'
  | 'ERR_FEED_SOURCE'
  // orders/
  | 'ERR_ORDER_TRANSITION'
  // venues/sim/
  | 'ERR_SIM_VENUE_CONFIG'
  | 'ERR_SIM_MARKET_DATA'
  // venues/ccxt/ and venues/mock-exchange/
  | 'ERR_VENUE_CONFIG'
  | 'ERR_VENUE_TIMEOUT'
  | 'ERR_VENUE_REJECTED'
  | 'ERR_VENUE_RATE_LIMITED'
  | 'ERR_VENUE_UNAVAILABLE'
  | 'ERR_VENUE_MALFORMED'
  | 'ERR_VENUE_UNKNOWN_ORDER'
  // venues/health/
  | 'ERR_VENUE_HEALTH_LAYOUT'
  // accounting/
  | 'ERR_FEE_INPUT'
  | 'ERR_FEE_SCHEDULE'
  | 'ERR_ACCOUNTING_INPUT'

export class WavesError extends Error {
  readonly code: WavesErrorCode
  readonly context: Readonly<Record<string, unknown>>

  constructor(code: WavesErrorCode, message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options)
    this.name = 'WavesError'
    this.code = code
    this.context = Object.freeze({ ...context })
  }
}

/** What went wrong, in words: an Error's message, or anything else as a string. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function isWavesError(err: unknown, code?: WavesErrorCode): err is WavesError {
  return err instanceof WavesError && (code === undefined || err.code === code)
}
