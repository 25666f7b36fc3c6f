import crypto from 'node:crypto'

import { resolvePayloadSecret } from '../secret'

/**
 * Signed, stateless tokens: `<base64url JSON claims>.<base64url HMAC-SHA256>`, with a key
 * derived from PAYLOAD_SECRET for one purpose only (`keyLabel`), so a token made for one use
 * never verifies for another. The signature is compared in constant time; a token longer than
 * `maxLength` is refused before any hashing. What the claims mean (expiry, purpose, the
 * document they name) is for the caller to check: src/subscribers/tokens.ts (subscriber links),
 * src/preview/tokens.ts (preview tokens).
 */
export type OpenedToken = { ok: true; claims: unknown } | { ok: false; reason: 'malformed' | 'tampered' }

export const signedTokens = (keyLabel: string, maxLength: number) => {
  // The same secret Payload signs sessions with (development's generated one included), read on each use.
  const key = () => crypto.createHmac('sha256', resolvePayloadSecret()).update(keyLabel).digest()
  const mac = (body: string) => crypto.createHmac('sha256', key()).update(body).digest()
  return {
    sign: (claims: object): string => {
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
      return `${body}.${mac(body).toString('base64url')}`
    },
    /** The claims of a token this purpose's key signed, unchecked otherwise. */
    open: (token: unknown): OpenedToken => {
      if (typeof token !== 'string' || token.length > maxLength) return { ok: false, reason: 'malformed' }
      const [body, signature, extra] = token.split('.')
      if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' }
      const expected = mac(body)
      const given = Buffer.from(signature, 'base64url')
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' }
      try {
        return { ok: true, claims: JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) }
      } catch {
        return { ok: false, reason: 'malformed' }
      }
    },
  }
}
