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
  | 'ERR_RING_CLOSED'
  | 'ERR_CONFLATION_KEY'
  // schemas/
  | 'ERR_UNKNOWN_MESSAGE_TYPE'
  // native/
  | 'ERR_NATIVE_ARGUMENT'
  // config/
  | 'ERR_CONFIG_INVALID'

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

export function isWavesError(err: unknown, code?: WavesErrorCode): err is WavesError {
  return err instanceof WavesError && (code === undefined || err.code === code)
}
