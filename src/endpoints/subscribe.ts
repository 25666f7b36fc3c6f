import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'

import { numberFromEnv } from '../../jobs/shared/env'
import { problem } from './responses'
import { clientAddress, limiterKeyForAddress } from '../security/clientIp'
import { createSharedLimiter, limitersPerPayload } from '../security/sharedLimiter'
import { queueSignup } from '../subscribers/service'
import { checkSignupFields, isHoneypotFilled, readSignupBody, signupFormatOf, type SignupFormat } from '../subscribers/signupInput'
import { checkInboxPage, signupProblemPage, thankYouUrl } from '../subscribers/signupPages'

const ACCEPTED = { message: 'Thanks! If this address can receive our emails, a confirmation link is on its way.' }

// Shared by every app process and machine (src/security/sharedLimiter.ts), per hour.
const signupLimiters = limitersPerPayload((payload) => ({
  perIp: createSharedLimiter(payload, { keyPrefix: 'subscribe-ip', points: numberFromEnv('SUBSCRIBE_LIMIT_PER_IP', 10), duration: 3600 }),
  perAddress: createSharedLimiter(payload, { keyPrefix: 'subscribe-email', points: numberFromEnv('SUBSCRIBE_LIMIT_PER_EMAIL', 3), duration: 3600 }),
}))

type Refusal = { status: number; message: string; headers?: Record<string, string> }

/** A refusal as the caller reads it: `{ errors: [{ message }] }`, or a page for a form. */
const refuse = (req: PayloadRequest, format: SignupFormat, { status, message, headers = {} }: Refusal) =>
  format === 'form' ? signupProblemPage(req.payload, status, message, headers) : problem(status, message, headers)

/** Accepted (or the honeypot was filled): the same answer whatever the address. */
const accept = async (req: PayloadRequest, format: SignupFormat, email?: string) => {
  if (format === 'json') return Response.json(ACCEPTED, { status: 202 })
  const thankYou = thankYouUrl(req.payload)
  if (thankYou) return new Response(null, { status: 303, headers: { Location: thankYou, 'Cache-Control': 'no-store' } })
  return checkInboxPage(req.payload, email)
}

const consume = async (limiter: RateLimiterAbstract, key: string): Promise<Refusal | null> => {
  try {
    await limiter.consume(key)
    return null
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
      return { status: 429, message: `Too many signup attempts. Try again in ${seconds} seconds.`, headers: { 'Retry-After': String(seconds) } }
    }
    throw error
  }
}

/**
 * `POST /api/subscribe`: double opt-in signup for any front end, as JSON (answered with
 * JSON) or as a plain HTML form, urlencoded or multipart (answered with a page, or a 303 to
 * `SUBSCRIBE_THANK_YOU_URL`). One path for both: the same fields, checks, rate limits and
 * queue. Answers 202 the same way whether the address is new, pending, confirmed or
 * unsubscribed; everything that depends on the address happens after the answer.
 *
 * Not gated by `CORS_ORIGINS`: a form post from the clinic's website is a cross-origin
 * navigation, which CORS never covers (it guards reading answers, not sending requests), and
 * this endpoint trusts no cookie or session, so there is nothing for a forged post to ride
 * on. Abuse is bounded where it can be: per client address, per mailbox, and the double
 * opt-in (nobody receives newsletters for an address they do not control).
 */
const handleSubscribe: PayloadHandler = async (req) => {
  const format = signupFormatOf(req.headers.get('content-type'))
  if (!format) {
    return problem(400, 'Send JSON with Content-Type: application/json, or an HTML form (application/x-www-form-urlencoded or multipart/form-data).')
  }
  const body = await readSignupBody(req, format)
  if (!body.ok) return refuse(req, format, body)
  const { fields } = body

  // The address server.ts read from the socket (and TRUST_PROXY), never a client's header.
  const ip = clientAddress(req)
  const limiters = signupLimiters(req.payload)
  const limitedByIp = await consume(limiters.perIp, limiterKeyForAddress(ip))
  if (limitedByIp) return refuse(req, format, limitedByIp)

  // A hidden form field that only bots fill in: accept, store nothing.
  if (isHoneypotFilled(fields.website)) return accept(req, format, typeof fields.email === 'string' ? fields.email.trim().slice(0, 254) : undefined)

  const checked = await checkSignupFields(req.payload, fields)
  if (!checked.ok) return refuse(req, format, checked)

  const limitedByAddress = await consume(limiters.perAddress, checked.emailKey)
  if (limitedByAddress) return refuse(req, format, limitedByAddress)

  // Everything that depends on the address happens after this answer (see queueSignup).
  const queued = queueSignup(req.payload, checked.input, {
    ip,
    userAgent: req.headers.get('user-agent') ?? '',
    source: String(fields.source ?? (format === 'form' ? 'form' : 'api')).slice(0, 100),
  })
  if (!queued) return refuse(req, format, { status: 503, message: 'We are receiving a lot of signups right now. Please try again in a minute.', headers: { 'Retry-After': '60' } })
  return accept(req, format, checked.input.email)
}

export const subscribeEndpoints: Endpoint[] = [{ path: '/subscribe', method: 'post', handler: handleSubscribe }]
