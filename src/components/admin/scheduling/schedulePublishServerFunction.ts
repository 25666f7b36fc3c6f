import { canAccessAdmin, type ServerFunction } from 'payload'
import type { SchedulePublishHandlerArgs } from '@payloadcms/ui/utilities/schedulePublishHandler'

import { SCHEDULE_TASK } from '../../../../jobs/scheduling/config'
import { checkTarget, isRefusal, queueChange } from '../../../../jobs/scheduling/scheduleChange'
import { readClinicTimeZone } from '../../../utilities/clinicTime'

export type SchedulePublishResult = { message: string } | { error: string }

/**
 * Replaces Payload's `schedule-publish` server function (the Schedule drawer's Save and ×),
 * registered in src/app/(payload)/layout.tsx. Payload 3.90's own handler hides why a change
 * was refused (it answers "Error scheduling publish for document with ID 15") and, after a
 * cancel, goes on to queue an empty job. This one schedules through the same path as the
 * REST endpoint (jobs/scheduling/scheduleChange.ts: the right to publish, a future time, never
 * a change that would do nothing) and answers the owner's message as `error`, which the
 * drawer shows as a toast (see PublishButton.tsx).
 */
export const schedulePublishServerFunction: ServerFunction<SchedulePublishHandlerArgs, Promise<SchedulePublishResult>> = async (args) => {
  const { type, date, deleteID, doc, global, localeToPublish, req, timezone } = args
  await canAccessAdmin({ req })
  try {
    if (deleteID !== undefined && deleteID !== null) {
      await req.payload.delete({
        collection: 'payload-jobs',
        where: { and: [{ id: { equals: deleteID } }, { taskSlug: { equals: SCHEDULE_TASK } }] },
        overrideAccess: false,
        req,
      })
      return { message: req.i18n.t('general:success') }
    }
    if (global || !doc) return { error: 'Only articles, conditions, services and FAQs can be scheduled.' }
    const target = await checkTarget(req, doc.relationTo, String(doc.value))
    if (isRefusal(target)) return { error: target.message }
    if (type !== 'publish' && type !== 'unpublish') return { error: 'Choose Publish or Unpublish.' }
    const at = date ? new Date(date) : null
    if (!at || Number.isNaN(at.getTime())) return { error: 'Pick a date and time for the change.' }
    const job = await queueChange(req, target, {
      action: type,
      at,
      timezone: timezone || (await readClinicTimeZone(req.payload)),
      locale: localeToPublish,
    })
    if (isRefusal(job)) return { error: job.message }
    return { message: req.i18n.t('general:success') }
  } catch (error) {
    req.payload.logger.error({ err: error, event: 'schedule-drawer.failed', doc, deleteID }, 'The Schedule drawer could not save')
    return { error: `The change could not be saved: ${error instanceof Error ? error.message : String(error)}` }
  }
}
