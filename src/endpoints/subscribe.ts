import type { Endpoint, PayloadHandler } from 'payload'
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'

import { numberFromEnv } from '../../jobs/shared/env'
import { clientAddress, limiterKeyForAddress } from '../security/clientIp'
import { createSharedLimiter, limitersPerPayload } from '../security/sharedLimiter'
import { checkEmailAddress } from '../subscribers/emailAddress'
import { isAcceptableName, NAME_RULE } from '../subscribers/personName'
import { queueSignup } from '../subscribers/service'

const MAX_BODY_BYTES = 8 * 1024
const ACCEPTED = { message: 'Thanks! If this address can receive our emails, a confirmation link is on its way.' }

// Shared by every app process and machine (src/security/sharedLimiter.ts), per hour.
const signupLimiters = limitersPerPayload((payload) => ({
  perIp: createSharedLimiter(payload, { keyPrefix: 'subscribe-ip', points: numberFromEnv('SUBSCRIBE_LIMIT_PER_IP', 10), duration: 3600 }),
  perAddress: createSharedLimiter(payload, { keyPrefix: 'subscribe-email', points: numberFromEnv('SUBSCRIBE_LIMIT_PER_EMAIL', 3), duration: 3600 }),
}))

const problem = (status: number, message: string, headers: Record<string, string> = {}) =>
  Response.json({ errors: [{ message }] }, { status, headers })

const isFilledIn = (value: unknown) => value !== undefined && value !== null && (typeof value !== 'string' || value.trim() !== '')

const consume = async (limiter: RateLimiterAbstract, key: string) => {
  try {
    await limiter.consume(key)
    return null
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
      return problem(429, `Too many signup attempts. Try again in ${seconds} seconds.`, { 'Retry-After': String(seconds) })
    }
    throw error
  }
}

/**
 * `POST /api/subscribe`: double opt-in signup for any front end. Answers 202 with the same
 * body whether the address is new, pending, confirmed or unsubscribed.
 */
const handleSubscribe: PayloadHandler = async (req) => {
  if (!(req.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return problem(400, 'Send JSON with Content-Type: application/json.')
  }
  const declared = Number(req.headers.get('content-length') ?? 0)
  if (declared > MAX_BODY_BYTES) return problem(413, `The request body is too large (at most ${MAX_BODY_BYTES} bytes).`)
  const raw = await req.text!()
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return problem(413, `The request body is too large (at most ${MAX_BODY_BYTES} bytes).`)
  let body: any
  try {
    body = JSON.parse(raw)
  } catch {
    return problem(400, 'The body is not valid JSON.')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return problem(400, 'The body must be a JSON object with an "email".')

  // The address server.ts read from the socket (and TRUST_PROXY), never a client's header.
  const ip = clientAddress(req)
  const limiters = signupLimiters(req.payload)
  const limitedByIp = await consume(limiters.perIp, limiterKeyForAddress(ip))
  if (limitedByIp) return limitedByIp

  // A hidden form field that only bots fill in: accept, store nothing.
  // Any value that is not empty counts, whatever its type: bots post numbers and lists too.
  if (isFilledIn(body.website)) return Response.json(ACCEPTED, { status: 202 })

  const email = checkEmailAddress(body.email)
  if (!email.ok) return problem(400, email.message)
  if (body.name !== undefined && (typeof body.name !== 'string' || !isAcceptableName(body.name))) {
    return problem(400, `"name": ${NAME_RULE}`)
  }
  if (body.consentText !== undefined && (typeof body.consentText !== 'string' || body.consentText.length > 2000)) {
    return problem(400, '"consentText" must be text of at most 2000 characters.')
  }
  const topics: unknown = body.topics ?? []
  if (!Array.isArray(topics) || topics.length > 50 || !topics.every((slug) => typeof slug === 'string')) {
    return problem(400, '"topics" must be a list of condition slugs.')
  }
  const topicIds: number[] = []
  if (topics.length) {
    const { docs } = await req.payload.find({
      collection: 'conditions',
      where: { and: [{ slug: { in: topics } }, { _status: { equals: 'published' } }] },
      select: { slug: true },
      limit: topics.length,
      depth: 0,
      overrideAccess: true,
    })
    const known = new Set(docs.map((doc) => doc.slug))
    const unknown = (topics as string[]).filter((slug) => !known.has(slug))
    if (unknown.length) return problem(400, `Unknown topic${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`)
    topicIds.push(...docs.map((doc) => doc.id))
  }

  const limitedByAddress = await consume(limiters.perAddress, email.key)
  if (limitedByAddress) return limitedByAddress

  // Everything that depends on the address happens after this answer (see queueSignup).
  const queued = queueSignup(
    req.payload,
    { email: email.email, name: body.name?.trim() || undefined, topicIds, consentText: body.consentText },
    { ip, userAgent: req.headers.get('user-agent') ?? '', source: String(body.source ?? 'api').slice(0, 100) },
  )
  if (!queued) return problem(503, 'We are receiving a lot of signups right now. Please try again in a minute.', { 'Retry-After': '60' })
  return Response.json(ACCEPTED, { status: 202 })
}

export const subscribeEndpoints: Endpoint[] = [{ path: '/subscribe', method: 'post', handler: handleSubscribe }]
