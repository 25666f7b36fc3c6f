import { ValidationError, type CollectionBeforeChangeHook, type CollectionConfig } from 'payload'

import { isStaff } from '../../src/access/isStaff'
import { formatClinicTime, readClinicTimeZone } from '../../src/utilities/clinicTime'
import { SCHEDULE_TASK } from './config'
import { refuseNoOpSchedule } from './noOpChanges'

/**
 * A scheduled change's life: `queued` → `running` (claimed by one worker, under a lease)
 * → `done`, or back to `queued` for a retry, or `failed` after the last attempt.
 * Cancelling deletes the job (that is what the admin's Schedule drawer does).
 */
export const SCHEDULE_STATES = ['queued', 'running', 'done', 'failed'] as const
export type ScheduleState = (typeof SCHEDULE_STATES)[number]

/** Payload's drawer checks nothing about the date; the pipeline refuses the past. */
const refusePastSchedule: CollectionBeforeChangeHook = async ({ data, operation, req }) => {
  if (operation !== 'create' || data.taskSlug !== SCHEDULE_TASK) return data
  const at = data.waitUntil ? new Date(data.waitUntil) : null
  if (!at || Number.isNaN(at.getTime())) {
    throw new ValidationError({ errors: [{ path: 'waitUntil', message: 'A scheduled change needs a date and time.' }] })
  }
  if (at.getTime() <= Date.now()) {
    const when = formatClinicTime(at, await readClinicTimeZone(req.payload))
    throw new ValidationError({
      errors: [{ path: 'waitUntil', message: `${when} (${at.toISOString()}) is in the past: pick a time in the future.` }],
    })
  }
  return { ...data, scheduledFor: at.toISOString(), state: 'queued' }
}

/** Payload's jobs collection, extended with the lease and outcome of each scheduled change. */
export const extendJobsCollection = ({ defaultJobsCollection }: { defaultJobsCollection: CollectionConfig }): CollectionConfig => ({
  ...defaultJobsCollection,
  labels: { singular: 'Scheduled change', plural: 'Scheduled changes' },
  admin: {
    ...defaultJobsCollection.admin,
    hidden: false,
    group: 'Publishing',
    useAsTitle: 'id',
    defaultColumns: ['id', 'input', 'scheduledFor', 'state', 'appliedAt', 'lastError'],
    description:
      'Publish and unpublish changes planned from the "Schedule" option of the publish button (or the REST API), and what happened to them.',
  },
  // Jobs are made only by the Schedule drawer and the REST endpoint (which check the right
  // to publish the document), applied by the worker, cancelled by deleting them.
  access: {
    read: isStaff,
    create: () => false,
    update: () => false,
    delete: isStaff,
  },
  hooks: {
    ...defaultJobsCollection.hooks,
    beforeChange: [...(defaultJobsCollection.hooks?.beforeChange ?? []), refusePastSchedule, refuseNoOpSchedule],
  },
  fields: [
    ...defaultJobsCollection.fields,
    {
      name: 'state',
      type: 'select',
      options: SCHEDULE_STATES.map((value) => ({ label: value, value })),
      defaultValue: 'queued',
      index: true,
      admin: { position: 'sidebar', readOnly: true },
    },
    {
      name: 'scheduledFor',
      type: 'date',
      admin: { position: 'sidebar', readOnly: true, date: { pickerAppearance: 'dayAndTime' }, description: 'The time asked for (UTC); retries move waitUntil, not this.' },
    },
    { name: 'leaseOwner', type: 'text', admin: { position: 'sidebar', readOnly: true } },
    { name: 'leaseExpiresAt', type: 'date', index: true, admin: { position: 'sidebar', readOnly: true } },
    { name: 'appliedAt', type: 'date', admin: { position: 'sidebar', readOnly: true, date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'latenessMs', type: 'number', admin: { position: 'sidebar', readOnly: true } },
    { name: 'lastError', type: 'text', admin: { readOnly: true } },
    {
      name: 'note',
      type: 'text',
      admin: { readOnly: true, description: 'Why a change that came due did nothing (e.g. the document was already published).' },
    },
  ],
})
