import crypto from 'node:crypto'

import { resolvePayloadSecret } from '../secret'

/**
 * Signed links for subscribers: HMAC-SHA256 over the payload with a key derived from
 * PAYLOAD_SECRET for this purpose only, compared in constant time. `confirm` links expire
 * (7 days) and carry a nonce that confirming consumes, so a used link is recognised;
 * `manage` links (preferences, unsubscribe) never expire: they sit in old emails.
 */
export type TokenPurpose = 'confirm' | 'manage'
export type TokenClaims = { p: TokenPurpose; s: string; n?: string; e?: number }

export const CONFIRM_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000

// The same secret Payload signs sessions with, including development's generated one.
const key = () => crypto.createHmac('sha256', resolvePayloadSecret()).update('subscriber-links/v1').digest()

const mac = (body: string) => crypto.createHmac('sha256', key()).update(body).digest()

export const signToken = (claims: TokenClaims): string => {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return `${body}.${mac(body).toString('base64url')}`
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' | 'wrong-purpose' }

export const verifyToken = (token: unknown, purpose: TokenPurpose, now = Date.now()): TokenCheck => {
  if (typeof token !== 'string' || token.length > 1000) return { ok: false, reason: 'malformed' }
  const [body, signature, extra] = token.split('.')
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' }
  const expected = mac(body)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' }
  let claims: TokenClaims
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (claims.p !== purpose) return { ok: false, reason: 'wrong-purpose' }
  if (claims.e !== undefined && now > claims.e) return { ok: false, reason: 'expired' }
  return { ok: true, claims }
}

export const newNonce = () => crypto.randomBytes(12).toString('base64url')
