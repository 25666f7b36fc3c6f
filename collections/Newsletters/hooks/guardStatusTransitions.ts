import { ValidationError, type CollectionBeforeValidateHook } from 'payload'

import { audienceProblem } from '../../../jobs/newsletters/audience'
import { canSaveAs, SAVE_TRANSITIONS, type NewsletterStatus } from '../../../jobs/newsletters/states'
import type { Newsletter } from '../../../payload-types'

/**
 * What a person (admin or REST) may do to a newsletter's state. Scheduling is a normal
 * save with `status: scheduled` (+ `sendAt`, default now); a scheduled newsletter can go
 * back to draft or be cancelled. Everything after that (sending, pausing, counts, leases)
 * belongs to the worker and to the pause/resume/cancel/retry endpoints, which write through
 * `payload.db` and never reach this hook. Whether a scheduled newsletter has something to
 * say (an intro or a published article) is validateNewsletterContent's check, once.
 */

/** Fields only the pipeline writes; values sent by API users are ignored. */
const PIPELINE_FIELDS = ['counts', 'startedAt', 'finishedAt', 'note', 'snapshotDone', 'snapshotCursor', 'leaseOwner', 'leaseExpiresAt'] as const

const refuse = (path: string, message: string): never => {
  throw new ValidationError({ errors: [{ path, message }] })
}

export const guardStatusTransitions: CollectionBeforeValidateHook<Newsletter> = ({ data, originalDoc, operation }) => {
  if (!data) return data
  for (const field of PIPELINE_FIELDS) {
    if (operation === 'create') delete (data as Record<string, unknown>)[field]
    else (data as Record<string, unknown>)[field] = (originalDoc as Record<string, unknown> | undefined)?.[field]
  }
  const from: NewsletterStatus = operation === 'create' ? 'draft' : (originalDoc?.status ?? 'draft')
  const to: NewsletterStatus = data.status ?? from
  if (to !== from || operation === 'create') {
    if (!canSaveAs(from, to)) {
      const allowed = SAVE_TRANSITIONS[from]
      refuse(
        'status',
        allowed
          ? `A ${from} newsletter can only become ${allowed.filter((s) => s !== from).join(' or ')} here, not ${to}.`
          : `This newsletter is ${from}: use its pause, resume, cancel or retry-failed actions (POST /api/newsletters/{id}/…) instead of changing its status.`,
      )
    }
  }
  if (to === 'scheduled') {
    const merged = { ...originalDoc, ...data } as Partial<Newsletter>
    if (!merged.subject?.trim()) refuse('subject', 'A newsletter needs a subject before it can be scheduled.')
    const audience = audienceProblem(merged)
    if (audience) refuse(audience.path, audience.message)
    if (!merged.sendAt) data.sendAt = new Date().toISOString()
    else if (Number.isNaN(Date.parse(merged.sendAt))) refuse('sendAt', 'sendAt must be a date and time (ISO 8601).')
  }
  return data
}
