import {
  commitTransaction,
  createLocalReq,
  initTransaction,
  killTransaction,
  NotFound,
  type Payload,
} from 'payload'

import { isSchedulableCollection, type SchedulerConfig } from './config'
import { completeChange, recordFailure, type ScheduledChange } from './store'

export type ApplyOutcome = 'applied' | 'lost-lease' | 'retrying' | 'failed'

/** Errors that another attempt cannot fix. */
class PermanentFailure extends Error {}

/**
 * Applies one claimed change exactly as if its author had pressed Publish (or Unpublish)
 * at that moment: a normal `update` with `_status`, so hooks run, `publishedAt` is
 * stamped and one new version is written. The document change and the job's `done`
 * mark commit in one transaction, so a crash can never leave one without the other,
 * and a worker whose lease was taken over rolls back instead of publishing twice.
 */
export const applyChange = async (
  payload: Payload,
  change: ScheduledChange,
  workerId: string,
  config: SchedulerConfig,
): Promise<{ outcome: ApplyOutcome; appliedAt: number; error?: string }> => {
  const req = await createLocalReq({ context: { scheduledChangeId: change.id } }, payload)
  await initTransaction(req)
  const appliedAt = Date.now()
  try {
    const target = change.input?.doc
    const action = change.input?.type ?? 'publish'
    if (!target || !isSchedulableCollection(target.relationTo)) {
      throw new PermanentFailure(`Job ${change.id} does not name a schedulable document.`)
    }
    if (!(await completeChange(payload, change, workerId, appliedAt, req))) {
      await killTransaction(req)
      return { outcome: 'lost-lease', appliedAt }
    }
    const id = payload.db.defaultIDType === 'number' ? Number(target.value) : target.value
    await payload.update({
      collection: target.relationTo,
      id,
      data: { _status: action === 'unpublish' ? 'draft' : 'published' },
      depth: 0,
      overrideAccess: true,
      req,
    })
    await commitTransaction(req)
    return { outcome: 'applied', appliedAt }
  } catch (error) {
    await killTransaction(req)
    const permanent = error instanceof PermanentFailure || error instanceof NotFound
    const attempts = (change.totalTried ?? 0) + 1
    const message = describeError(error)
    const retryAt =
      permanent || attempts >= config.maxAttempts
        ? null
        : Date.now() + config.retryBaseMs * 2 ** (attempts - 1) * (0.5 + Math.random())
    await recordFailure(payload, change, workerId, {
      message: permanent && error instanceof NotFound ? `The document no longer exists (${message}).` : message,
      attempts,
      retryAt,
    })
    return { outcome: retryAt === null ? 'failed' : 'retrying', appliedAt, error: message }
  }
}

/** Validation errors carry the field paths the owner needs to fix. */
const describeError = (error: unknown): string => {
  const fieldErrors = (error as { data?: { errors?: Array<{ path?: string; message?: string }> } })?.data?.errors
  const base = error instanceof Error ? error.message : String(error)
  if (!fieldErrors?.length) return base
  return `${base}: ${fieldErrors.map((field) => `${field.path}: ${field.message}`).join('; ')}`
}
