import type { Endpoint, PayloadHandler } from 'payload'

import { applyEmailEvents } from '../emailEvents/apply'
import { emailEventSources } from '../emailEvents/providers'
import type { EmailEventProvider } from '../emailEvents/types'
import { clientAddress } from '../security/clientIp'
import { bodyLimitsFromEnv } from '../server/bodyLimits'
import { json, problem } from './responses'

/** Events acted on per request: a SendGrid batch (≤ 768 KB) holds fewer bounces than this; more is refused, to be split. */
export const MAX_EVENTS_PER_REQUEST = 2000

const NO_STORE = { 'Cache-Control': 'no-store' }

/**
 * `POST /api/email-events/{provider}`: bounces and complaints from the email provider
 * (src/emailEvents/providers verify and parse, src/emailEvents/apply.ts acts). Answers:
 * - 404 for a provider we do not know or whose secret is not set (nothing to verify against);
 * - 401 for a missing, wrong or stale signature, 400 for a signed body we cannot read, 413 for
 *   too large a body or batch; nothing changes;
 * - 200 `{ received }` otherwise, the same whether the addresses are ours or not (no
 *   enumeration), and for a replay (the provider's event ids make it a no-op);
 * - 503 when the database failed, so that the provider retries later.
 */
const receiveEmailEvents: PayloadHandler = async (req) => {
  const provider = String(req.routeParams?.provider ?? '') as EmailEventProvider
  const source = emailEventSources.get(provider)
  if (!source || !source.isConfigured(process.env)) {
    return problem(404, `No email provider "${provider.slice(0, 40)}" is set up here.`, NO_STORE)
  }
  // server.ts refuses an oversized body before reading it; this covers any other way in.
  const limit = bodyLimitsFromEnv().emailEvents
  const bytes = Buffer.from(await req.arrayBuffer!())
  if (bytes.length > limit) return problem(413, `The request body is too large: at most ${limit} bytes are accepted here.`, NO_STORE)

  const outcome = await source.handle({ headers: req.headers, rawBody: bytes.toString('utf8'), receivedAt: new Date() }, process.env)
  if (outcome.kind === 'unauthorized') {
    // Logged for whoever sets the provider up: a wrong secret shows here, not in the provider's retry queue only.
    req.payload.logger.warn({ msg: `Email events: refused a ${provider} request: ${outcome.message}`, client: clientAddress(req) })
    return problem(401, outcome.message, NO_STORE)
  }
  if (outcome.kind === 'invalid') return problem(400, outcome.message, NO_STORE)
  if (outcome.kind === 'reply') return json({ message: outcome.message }, outcome.status, NO_STORE)
  if (outcome.events.length > MAX_EVENTS_PER_REQUEST) {
    return problem(413, `Too many events in one request (${outcome.events.length}): at most ${MAX_EVENTS_PER_REQUEST}; send them in smaller batches.`, NO_STORE)
  }
  try {
    const result = await applyEmailEvents(req.payload, outcome.events)
    if (result.applied) req.payload.logger.info({ msg: `Email events: ${provider} reported ${result.applied} new bounce or complaint event(s)`, ...result })
  } catch (error) {
    req.payload.logger.error({ err: error, msg: `Email events: could not apply a ${provider} batch; the provider will retry` })
    return problem(503, 'The events could not be stored just now; please retry.', { ...NO_STORE, 'Retry-After': '60' })
  }
  return json({ received: outcome.events.length }, 200, NO_STORE)
}

/**
 * On the `email-events` collection, because Payload routes every `/api/email-events/…` path to
 * it; a custom endpoint there is matched before the collection's own routes.
 */
export const emailEventsEndpoints: Endpoint[] = [{ path: '/:provider', method: 'post', handler: receiveEmailEvents }]
