import { signedTokens } from '../security/signedTokens'

/**
 * Preview tokens: what a front end holds to read one document's latest draft (GET /api/preview),
 * instead of a staff API key. HMAC-SHA256 with a key derived from PAYLOAD_SECRET for this
 * purpose only (src/security/signedTokens.ts; subscriber links derive their own), compared in
 * constant time. A token names one document (`c` collection, `i` id) and an expiry (`e`, epoch
 * milliseconds); it grants nothing else: /api/preview is the only reader, and it reads only that
 * document. Stateless: nothing is stored, so a token cannot be revoked before it expires; rotating
 * PAYLOAD_SECRET invalidates every token (and every session).
 */
export type PreviewClaims = { c: string; i: string; e: number }

export type PreviewTokenCheck = { ok: true; claims: PreviewClaims } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' }

/** 500 characters: longer than any token this module writes; anything longer is refused before hashing. */
const tokens = signedTokens('preview-tokens/v1', 500)

export const signPreviewToken = (claims: PreviewClaims): string => tokens.sign(claims)

export const verifyPreviewToken = (token: unknown, now = Date.now()): PreviewTokenCheck => {
  const opened = tokens.open(token)
  if (!opened.ok) return opened
  const claims = opened.claims as PreviewClaims
  if (typeof claims?.c !== 'string' || typeof claims.i !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'malformed' }
  if (now >= claims.e) return { ok: false, reason: 'expired' }
  return { ok: true, claims }
}
