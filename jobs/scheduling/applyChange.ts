import { NotFound, type Payload } from 'payload'

import { attemptsOf } from '../../src/seams/jobsCollection'
import { isSchedulableCollection, type SchedulerConfig } from './config'
import { readPublicState } from './documents'
import { describeNoOpAtApply, noOpReason } from './noOpChanges'
import { completeChange, recordFailure, renewLease, type ScheduledChange } from './store'

export type ApplyOutcome = 'applied' | 'already-applied' | 'nothing-to-do' | 'lost-lease' | 'retrying' | 'failed'

/** Errors that another attempt cannot fix. */
class PermanentFailure extends Error {}

/**
 * Applies one claimed change exactly as if its author had pressed Publish (or Unpublish)
 * at that moment: a normal `update` with `_status`, so hooks run, `publishedAt` is
 * stamped and one new version is written.
 *
 * Exactly once without relying on transactions (SQLite here runs without them):
 * 1. the document may already carry this change's id (`appliedScheduleId`): a previous
 *    holder applied it and died before marking the job done, so only the mark is left;
 * 2. a change that would do nothing now (someone published or unpublished by hand since it
 *    was scheduled: see noOpChanges.ts) leaves the document alone and is marked done with a
 *    note saying so, never a silent "done";
 * 3. the lease is re-checked just before the update, so a worker that stalled past its
 *    lease does not publish behind the worker that took over;
 * 4. the update writes the change's id together with `_status`;
 * 5. the job is marked done only by its current lease holder.
 */
export const applyChange = async (
  payload: Payload,
  change: ScheduledChange,
  workerId: string,
  config: SchedulerConfig,
): Promise<{ outcome: ApplyOutcome; appliedAt: number; error?: string; note?: string }> => {
  const appliedAt = Date.now()
  try {
    const target = change.input?.doc
    const action = change.input?.type ?? 'publish'
    if (!target || !isSchedulableCollection(target.relationTo)) {
      throw new PermanentFailure(`Job ${change.id} does not name a schedulable document.`)
    }
    const id = payload.db.defaultIDType === 'number' ? Number(target.value) : target.value
    const current = await readPublicState(payload, target)
    if (!current) throw new NotFound()
    const alreadyApplied = current.appliedScheduleId === String(change.id)
    if (!alreadyApplied) {
      const reason = noOpReason(action, current)
      if (reason) {
        const note = await describeNoOpAtApply(payload, reason, current)
        if (!(await completeChange(payload, change, workerId, appliedAt, note))) return { outcome: 'lost-lease', appliedAt }
        return { outcome: 'nothing-to-do', appliedAt, note }
      }
      if (!(await renewLease(payload, change, workerId, config.leaseMs))) return { outcome: 'lost-lease', appliedAt }
      await payload.update({
        collection: target.relationTo,
        id,
        data: { _status: action === 'unpublish' ? 'draft' : 'published', appliedScheduleId: String(change.id) },
        depth: 0,
        overrideAccess: true,
        context: { scheduledChangeId: change.id },
      })
    }
    if (!(await completeChange(payload, change, workerId, appliedAt))) return { outcome: 'lost-lease', appliedAt }
    return { outcome: alreadyApplied ? 'already-applied' : 'applied', appliedAt }
  } catch (error) {
    const permanent = error instanceof PermanentFailure || error instanceof NotFound
    const attempts = (attemptsOf(change) ?? 0) + 1
    const message = describeError(error, change.input?.type === 'unpublish' ? 'unpublish' : 'publish')
    const retryAt =
      permanent || attempts >= config.maxAttempts
        ? null
        : Date.now() + config.retryBaseMs * 2 ** (attempts - 1) * (0.5 + Math.random())
    await recordFailure(payload, change, workerId, {
      message: error instanceof NotFound ? 'The document no longer exists.' : message,
      attempts,
      retryAt,
    })
    return { outcome: retryAt === null ? 'failed' : 'retrying', appliedAt, error: message }
  }
}

/** In words for the owner (the list shows it); validation errors name the fields to fix. */
const describeError = (error: unknown, action: 'publish' | 'unpublish'): string => {
  const fieldErrors = (error as { data?: { errors?: Array<{ path?: string; message?: string }> } })?.data?.errors
  const verb = action === 'unpublish' ? 'unpublished' : 'published'
  if (fieldErrors?.length) {
    return `It could not be ${verb} because some fields need fixing: ${fieldErrors.map((field) => `${field.path} (${field.message})`).join('; ')}.`
  }
  return `It could not be ${verb}: ${error instanceof Error ? error.message : String(error)}`
}
