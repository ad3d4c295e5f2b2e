import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Binance signs `totalParams`: the query string followed by the request body,
 * exactly as sent, with the `signature` parameter itself left out. Returns the
 * signed text and the signature given, or undefined when none was sent.
 */
export function signedPayloadOf(query: string, body: string): { payload: string; signature: string } | undefined {
  let signature: string | undefined
  const strip = (text: string): string =>
    text
      .split('&')
      .filter((pair) => {
        if (!pair.startsWith('signature=')) return true
        signature = pair.slice('signature='.length)
        return false
      })
      .join('&')
  const payload = [strip(query), strip(body)].filter((part) => part.length > 0).join('')
  return signature === undefined ? undefined : { payload, signature }
}

/** HMAC-SHA256 of `payload` under `secret`, lowercase hex: what the client must have sent. */
export function hmacSha256Hex(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

/** Constant-time comparison of the given signature against the expected one. */
export function signatureMatches(payload: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(hmacSha256Hex(payload, secret))
  const given = Buffer.from(signature.toLowerCase())
  return expected.length === given.length && timingSafeEqual(expected, given)
}
