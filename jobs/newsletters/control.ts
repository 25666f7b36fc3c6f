import type { Payload } from 'payload'

import type { Newsletter } from '../../payload-types'
import { SMTP_DOWN_OWNER } from './config'
import type { NewsletterProgress } from './counts'
import { ACTIONS, canRetryFailed, canRun, RETRY_REOPENS } from './states'
import { cancelQueuedDeliveries, countDeliveries, requeueFailedDeliveries } from './store/deliveries'
import { findNewsletter, moveNewsletter as transition, writeStoredCounts } from './store/newsletters'
import type { Id } from './store/shared'

/**
 * A person's levers on a send (the REST endpoints call these). Each is one conditional
 * update of the newsletter, so it either applies to the state the person saw or reports a
 * conflict; the worker notices within a lease renewal (about a second) and stops claiming.
 * What is already on the wire finishes and is recorded.
 */

export type ControlResult = { ok: true; newsletter: Newsletter; message: string } | { ok: false; status: 404 | 409; message: string }

const conflict = async (payload: Payload, id: Id, action: string): Promise<ControlResult> => {
  const current = await findNewsletter(payload, id)
  if (!current) return { ok: false, status: 404, message: `No newsletter with id ${id}.` }
  return { ok: false, status: 409, message: `Cannot ${action} a newsletter that is ${current.status}.` }
}

export const pauseNewsletter = async (payload: Payload, id: Id): Promise<ControlResult> => {
  const newsletter = await transition(
    payload,
    id,
    { or: [{ status: { in: ACTIONS.pause.from } }, { and: [{ status: { equals: 'paused' } }, { leaseOwner: { equals: SMTP_DOWN_OWNER } }] }] },
    // No lease owner: a manual pause stays paused until a person resumes it.
    { status: ACTIONS.pause.to, leaseOwner: null, leaseExpiresAt: null, note: 'Paused by a person.' },
  )
  if (!newsletter) return conflict(payload, id, 'pause')
  return { ok: true, newsletter, message: 'Paused: messages already on their way finish; nothing else is sent until you resume.' }
}

export const resumeNewsletter = async (payload: Payload, id: Id): Promise<ControlResult> => {
  const newsletter = await transition(payload, id, { status: { in: ACTIONS.resume.from } }, { status: ACTIONS.resume.to, leaseOwner: null, leaseExpiresAt: null, note: null })
  if (!newsletter) return conflict(payload, id, 'resume')
  return { ok: true, newsletter, message: 'Resumed: a worker picks it up within a second or two.' }
}

export const cancelNewsletter = async (payload: Payload, id: Id): Promise<ControlResult> => {
  const newsletter = await transition(
    payload,
    id,
    { status: { in: ACTIONS.cancel.from } },
    { status: ACTIONS.cancel.to, leaseOwner: null, leaseExpiresAt: null, finishedAt: new Date().toISOString(), note: 'Cancelled by a person.' },
  )
  if (!newsletter) return conflict(payload, id, 'cancel')
  const cancelled = await cancelQueuedDeliveries(payload, id)
  await refreshCounts(payload, id)
  return { ok: true, newsletter, message: `Cancelled: ${cancelled} queued deliveries will not be sent.` }
}

export const retryFailedDeliveries = async (payload: Payload, id: Id): Promise<ControlResult> => {
  const current = await findNewsletter(payload, id)
  if (!current) return { ok: false, status: 404, message: `No newsletter with id ${id}.` }
  if (!canRun('retry-failed', current.status)) {
    return { ok: false, status: 409, message: `Cannot retry deliveries of a newsletter that is ${current.status}.` }
  }
  const counts = await countDeliveries(payload, id)
  if (!canRetryFailed(current.status, counts.failed)) return { ok: false, status: 409, message: 'There are no failed deliveries to retry (bounced and unknown ones are never resent).' }
  const requeued = await requeueFailedDeliveries(payload, id)
  // A finished send goes back to `sending` so a worker picks it up; a running or paused one keeps its state.
  const reopened = await transition(
    payload,
    id,
    { status: { in: RETRY_REOPENS } },
    { status: 'sending', leaseOwner: null, leaseExpiresAt: null, finishedAt: null, note: null },
  )
  const newsletter = reopened ?? (await findNewsletter(payload, id))!
  await refreshCounts(payload, id)
  return { ok: true, newsletter, message: `${requeued} failed deliveries queued again.` }
}

const refreshCounts = async (payload: Payload, id: Id) => writeStoredCounts(payload, id, await countDeliveries(payload, id))

/** Live counts from the deliveries themselves, and a finish estimate from the rate so far. */
export const newsletterProgress = async (payload: Payload, id: Id): Promise<NewsletterProgress | null> => {
  const newsletter = await findNewsletter(payload, id)
  if (!newsletter) return null
  const counts = await countDeliveries(payload, id)
  const recipients = Math.max(counts.recipients, newsletter.counts?.recipients ?? 0)
  let estimatedFinishAt: string | null = null
  const done = counts.sent + counts.failed + counts.bounced + counts.complained + counts.unknown + counts.skipped
  const remaining = counts.queued + counts.sending
  if (newsletter.status === 'sending' && newsletter.startedAt && done > 0 && remaining > 0) {
    const elapsed = Date.now() - Date.parse(newsletter.startedAt)
    estimatedFinishAt = new Date(Date.now() + (elapsed / done) * remaining).toISOString()
  }
  return {
    status: newsletter.status,
    counts: { ...counts, recipients },
    startedAt: newsletter.startedAt ?? null,
    finishedAt: newsletter.finishedAt ?? null,
    estimatedFinishAt,
    note: newsletter.note ?? null,
  }
}
