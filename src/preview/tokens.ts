import crypto from 'node:crypto'

import { resolvePayloadSecret } from '../secret'

/**
 * Preview tokens: what a front end holds to read one document's latest draft (GET /api/preview),
 * instead of a staff API key. HMAC-SHA256 with a key derived from PAYLOAD_SECRET for this
 * purpose only (subscriber links derive their own, src/subscribers/tokens.ts), compared in
 * constant time. A token names one document (`c` collection, `i` id) and an expiry (`e`, epoch
 * milliseconds); it grants nothing else: /api/preview is the only reader, and it reads only that
 * document. Stateless: nothing is stored, so a token cannot be revoked before it expires; rotating
 * PAYLOAD_SECRET invalidates every token (and every session).
 */
export type PreviewClaims = { c: string; i: string; e: number }

export type PreviewTokenCheck = { ok: true; claims: PreviewClaims } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' }

/** Longer than any token this module writes; anything longer is refused before hashing. */
const MAX_TOKEN_LENGTH = 500

const key = () => crypto.createHmac('sha256', resolvePayloadSecret()).update('preview-tokens/v1').digest()

const mac = (body: string) => crypto.createHmac('sha256', key()).update(body).digest()

export const signPreviewToken = (claims: PreviewClaims): string => {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return `${body}.${mac(body).toString('base64url')}`
}

export const verifyPreviewToken = (token: unknown, now = Date.now()): PreviewTokenCheck => {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' }
  const [body, signature, extra] = token.split('.')
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' }
  const expected = mac(body)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' }
  let claims: PreviewClaims
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (typeof claims?.c !== 'string' || typeof claims.i !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'malformed' }
  if (now >= claims.e) return { ok: false, reason: 'expired' }
  return { ok: true, claims }
}
