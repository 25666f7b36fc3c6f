import crypto from 'node:crypto'

import { signedTokens } from '../security/signedTokens'

/**
 * Signed links for subscribers: HMAC-SHA256 over the payload with a key derived from
 * PAYLOAD_SECRET for this purpose only, compared in constant time. `confirm` links expire
 * (7 days after that email) and carry the signup's nonce, the same in every email of one
 * pending signup; confirming or unsubscribing clears it, so a link of an ended signup is recognised;
 * `manage` links (preferences, unsubscribe) never expire: they sit in old emails.
 *
 * Claims: `p` purpose, `s` subscriber id, `k` the subscriber's own random secret
 * (`manageSecret`), `n` confirmation nonce, `e` expiry. The signature proves the server
 * wrote the link; `k` proves it was written for the row that holds that secret now. Ids
 * are SQLite rowids and come back after an erasure; secrets never do. Links without `k`
 * were sent before secrets existed and are honoured only through `legacyLinkIds`.
 */
export type TokenPurpose = 'confirm' | 'manage'
export type TokenClaims = { p: TokenPurpose; s: string; k?: string; n?: string; e?: number }

export const CONFIRM_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000

const tokens = signedTokens('subscriber-links/v1', 1000)

export const signToken = (claims: TokenClaims): string => tokens.sign(claims)

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' | 'wrong-purpose' }

export const verifyToken = (token: unknown, purpose: TokenPurpose, now = Date.now()): TokenCheck => {
  const opened = tokens.open(token)
  if (!opened.ok) return opened
  const claims = opened.claims as TokenClaims
  if (claims?.p !== purpose) return { ok: false, reason: 'wrong-purpose' }
  if (claims.e !== undefined && now > claims.e) return { ok: false, reason: 'expired' }
  return { ok: true, claims }
}

export const newNonce = () => crypto.randomBytes(12).toString('base64url')

/** 256 random bits: a subscriber's link secret. */
export const newManageSecret = () => crypto.randomBytes(32).toString('base64url')

/** Constant-time equality of two secrets (a nonce, a manage secret); false for anything missing. */
export const sameSecret = (given: unknown, stored: unknown) => {
  if (typeof given !== 'string' || typeof stored !== 'string' || !stored) return false
  // Hashing first gives equal lengths, so timingSafeEqual never throws and length leaks nothing.
  const digest = (value: string) => crypto.createHash('sha256').update(value).digest()
  return crypto.timingSafeEqual(digest(given), digest(stored))
}
