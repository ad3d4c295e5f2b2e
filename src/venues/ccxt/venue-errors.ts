import ccxt from 'ccxt'
import { WavesError, type WavesErrorCode } from '../../errors/index.js'

/** What a failed venue call means for the order it carried. */
export type FailureKind =
  /** No answer in time: the request may or may not have taken effect. */
  | 'timeout'
  /** 429/418 or a rate-limit code: refused before processing. */
  | 'rate_limited'
  /** 5xx, connection refused or reset: may or may not have taken effect. */
  | 'unavailable'
  /** An answer that is not what the API promises (cut-short JSON, missing fields). */
  | 'malformed'
  /** The order the call names does not exist at the venue. */
  | 'not_found'
  /** A new order under a client id the venue already holds. */
  | 'duplicate'
  /** The venue said no (bad order, no funds, bad key): retrying cannot help. */
  | 'rejected'

/** Kinds after which the call's effect is unknown and must be looked up before a retry. */
export const UNCERTAIN_KINDS: ReadonlySet<FailureKind> = new Set(['timeout', 'unavailable', 'malformed'])

/** Kinds worth retrying at all. */
export const TRANSIENT_KINDS: ReadonlySet<FailureKind> = new Set(['timeout', 'unavailable', 'malformed', 'rate_limited'])

/** Sorts a ccxt exception (or anything thrown from a ccxt call) by what it means for the order. */
export function failureKindOf(err: unknown): FailureKind {
  if (err instanceof ccxt.RequestTimeout) return 'timeout'
  if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded) return 'rate_limited'
  if (err instanceof ccxt.NetworkError) return 'unavailable'
  if (err instanceof ccxt.BadResponse) return 'malformed'
  if (err instanceof ccxt.OrderNotFound) return 'not_found'
  if (err instanceof ccxt.DuplicateOrderId) return 'duplicate'
  if (err instanceof ccxt.BaseError && /Duplicate order sent/.test(err.message)) return 'duplicate'
  if (err instanceof ccxt.ExchangeError) return 'rejected'
  if (err instanceof ccxt.OperationFailed) return 'unavailable'
  // ccxt parses every answer itself; anything else escaping a call is an answer it could not read.
  return 'malformed'
}

const CODES: Record<FailureKind, WavesErrorCode> = {
  timeout: 'ERR_VENUE_TIMEOUT',
  rate_limited: 'ERR_VENUE_RATE_LIMITED',
  unavailable: 'ERR_VENUE_UNAVAILABLE',
  malformed: 'ERR_VENUE_MALFORMED',
  not_found: 'ERR_VENUE_UNKNOWN_ORDER',
  duplicate: 'ERR_VENUE_REJECTED',
  rejected: 'ERR_VENUE_REJECTED',
}

export interface VenueCallContext {
  venue: string
  call: string
  clientOrderId?: string
  attempts?: number
}

/** The typed error for a venue failure, naming the venue, the call and the client id, with ccxt's error as the cause. */
export function venueError(kind: FailureKind, ctx: VenueCallContext, cause: unknown): WavesError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  const subject = ctx.clientOrderId === undefined ? '' : ` for order ${ctx.clientOrderId}`
  const tries = ctx.attempts === undefined ? '' : ` after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}`
  return new WavesError(CODES[kind], `${ctx.venue} ${ctx.call}${subject} failed${tries}: ${kind.replace('_', ' ')}: ${detail}`, { ...ctx, kind }, { cause })
}
