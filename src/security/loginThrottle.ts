import crypto from 'node:crypto'

import type { CollectionAfterLoginHook, CollectionBeforeOperationHook, PayloadRequest } from 'payload'
import { APIError } from 'payload'
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'

import { numberFromEnv } from '../../jobs/shared/env'
import { clientAddress, limiterKeyForAddress } from './clientIp'
import { createSharedLimiter, limitersPerPayload } from './sharedLimiter'

/**
 * Throttles every way in to a staff account (REST `POST /api/users/login`, which the admin's
 * login form uses; GraphQL `loginUser`; forgot-password; reset-password), replacing Payload's
 * per-account lock (`maxLoginAttempts`), which let anyone lock the owner out from anywhere:
 *
 * - per client address: `LOGIN_LIMIT_PER_IP` attempts per window, whatever the account;
 * - per account and address: `LOGIN_LIMIT_PER_ACCOUNT_AND_IP` attempts per window, so a
 *   stranger guessing the owner's password from their address only blocks themselves;
 * - forgot-password per client address: `FORGOT_PASSWORD_LIMIT_PER_IP` per hour.
 *
 * Every attempt costs a point before Payload checks the password; a successful login (or
 * reset) gives the address its point back and clears the account-and-address counter, so
 * only failures accumulate. Counters are shared by every process (src/security/sharedLimiter).
 * Local API calls (server code, the first-user form's own login) are not throttled.
 */

const loginLimiters = limitersPerPayload((payload) => {
  const window = numberFromEnv('LOGIN_LIMIT_WINDOW_SECONDS', 900)
  return {
    perAddress: createSharedLimiter(payload, { keyPrefix: 'login-ip', points: numberFromEnv('LOGIN_LIMIT_PER_IP', 30), duration: window }),
    perAccountAndAddress: createSharedLimiter(payload, {
      keyPrefix: 'login-account-ip',
      points: numberFromEnv('LOGIN_LIMIT_PER_ACCOUNT_AND_IP', 5),
      duration: window,
    }),
    forgotPerAddress: createSharedLimiter(payload, {
      keyPrefix: 'forgot-password-ip',
      points: numberFromEnv('FORGOT_PASSWORD_LIMIT_PER_IP', 5),
      duration: 3600,
    }),
  }
})

type Consumed = { limiter: RateLimiterAbstract; key: string; clearOnSuccess: boolean }
const CONSUMED = 'loginThrottle.consumed'

/**
 * A named subclass: Payload's REST error formatter only shows the message of an error with a
 * `name`, and Next's production build minifies APIError's class name to "" (a bare APIError
 * then answers "An unknown error occurred.").
 */
export class TooManyAttemptsError extends APIError {
  constructor(message: string) {
    super(message, 429, undefined, true)
    this.name = 'TooManyAttemptsError'
  }
}

const retryAfterSeconds = (refusal: RateLimiterRes) => Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))

/** Takes a point from each limiter; the first refusal becomes a 429 with Retry-After. */
const consumeOrRefuse = async (req: PayloadRequest, what: string, entries: Consumed[]) => {
  for (const entry of entries) {
    try {
      await entry.limiter.consume(entry.key)
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error
      const seconds = retryAfterSeconds(error)
      // Payload's REST and GraphQL handlers both merge these into their error response.
      req.responseHeaders = new Headers({ 'Retry-After': String(seconds) })
      const minutes = Math.ceil(seconds / 60)
      throw new TooManyAttemptsError(
        `Too many ${what} attempts from your network. Try again in ${seconds < 120 ? `${seconds} seconds` : `${minutes} minutes`}.`,
      )
    }
  }
  req.context[CONSUMED] = entries
}

/**
 * Payload hashes the password of a known account (pbkdf2-sha256, 600 000 iterations, see
 * node_modules/payload/dist/auth/strategies/local/generatePasswordSaltHash.js) and answers
 * an unknown address at once: about 100 ms against 8, which tells anyone which staff
 * addresses exist. For an unknown address, spend the same hash here. If Payload changes its
 * parameters, tests/int/auth-security.int.spec.ts (timing) notices.
 */
const PAYLOAD_PBKDF2 = { iterations: 600_000, keyLength: 32, digest: 'sha256' } as const
const DECOY_SALT = crypto.randomBytes(32).toString('hex')
const hashLikePayload = (password: string) =>
  new Promise<void>((resolve) =>
    crypto.pbkdf2(password, DECOY_SALT, PAYLOAD_PBKDF2.iterations, PAYLOAD_PBKDF2.keyLength, PAYLOAD_PBKDF2.digest, () => resolve()),
  )

const normalisedEmail = (value: unknown) => (typeof value === 'string' ? value.toLowerCase().trim() : '')

const FORGOT_COUNTED = 'loginThrottle.forgotCounted'

/** Forgot-password requests per client address (REST route and GraphQL `forgotPasswordUser`). */
export const throttleForgotPassword = async (req: PayloadRequest) => {
  const key = limiterKeyForAddress(clientAddress(req))
  await consumeOrRefuse(req, 'password reset', [{ limiter: loginLimiters(req.payload).forgotPerAddress, key, clearOnSuccess: false }])
  req.context[FORGOT_COUNTED] = true
}

export const throttleLogins: CollectionBeforeOperationHook<'users'> = async ({ args, collection, operation, req }) => {
  if (req.payloadAPI === 'local') return args
  if (operation !== 'login' && operation !== 'forgotPassword' && operation !== 'resetPassword') return args
  const limiters = loginLimiters(req.payload)
  const address = limiterKeyForAddress(clientAddress(req))

  if (operation === 'forgotPassword') {
    // The REST route (src/security/forgotPasswordEndpoint.ts) has already counted this one.
    if (!req.context[FORGOT_COUNTED]) await throttleForgotPassword(req)
    return args
  }
  if (operation === 'resetPassword') {
    await consumeOrRefuse(req, 'password reset', [{ limiter: limiters.perAddress, key: address, clearOnSuccess: false }])
    return args
  }

  const data = (args as { data?: { email?: unknown; password?: unknown } }).data
  const email = normalisedEmail(data?.email)
  await consumeOrRefuse(req, 'login', [
    { limiter: limiters.perAddress, key: address, clearOnSuccess: false },
    { limiter: limiters.perAccountAndAddress, key: `${email}|${address}`, clearOnSuccess: true },
  ])
  const password = data?.password
  if (email && typeof password === 'string' && password) {
    const { totalDocs } = await req.payload.db.count({ collection: collection.slug, where: { email: { equals: email } }, req })
    if (totalDocs === 0) await hashLikePayload(password)
  }
  return args
}

/** After a successful login or reset: the attempt was not a guess. */
export const forgiveSuccessfulLogin: CollectionAfterLoginHook = async ({ req, user }) => {
  const consumed = (req.context[CONSUMED] as Consumed[] | undefined) ?? []
  delete req.context[CONSUMED]
  try {
    await Promise.all(
      consumed.map((entry) => (entry.clearOnSuccess ? entry.limiter.delete(entry.key) : entry.limiter.reward(entry.key, 1))),
    )
  } catch (error) {
    req.payload.logger.warn({ event: 'login-throttle.forgive-failed', err: error })
  }
  return user
}
