import crypto from 'node:crypto'

/** Generated secrets: 32 random bytes, hex. Hand-written ones must be at least this long. */
export const MIN_SECRET_LENGTH = 16
export const generateWebhookSecret = () => crypto.randomBytes(32).toString('hex')

/**
 * `X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the
 * Stripe scheme: the timestamp is signed with the body, so a receiver can refuse old
 * replays; `v1` leaves room for another scheme beside it later.
 */
export const signatureHeader = (secret: string, body: string, unixSeconds = Math.floor(Date.now() / 1000)) => {
  const mac = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}
