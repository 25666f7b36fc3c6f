import { ValidationError, type CollectionBeforeChangeHook, type CollectionConfig } from 'payload'

import { isStaff } from '../../src/access/isStaff'
import { SCHEDULE_TASK } from './config'

/**
 * A scheduled change's life: `queued` → `running` (claimed by one worker, under a lease)
 * → `done`, or back to `queued` for a retry, or `failed` after the last attempt.
 * Cancelling deletes the job (that is what the admin's Schedule drawer does).
 */
export const SCHEDULE_STATES = ['queued', 'running', 'done', 'failed'] as const
export type ScheduleState = (typeof SCHEDULE_STATES)[number]

/** Payload's drawer checks nothing about the date; the pipeline refuses the past. */
const refusePastSchedule: CollectionBeforeChangeHook = ({ data, operation }) => {
  if (operation !== 'create' || data.taskSlug !== SCHEDULE_TASK) return data
  const at = data.waitUntil ? new Date(data.waitUntil) : null
  if (!at || Number.isNaN(at.getTime())) {
    throw new ValidationError({ errors: [{ path: 'waitUntil', message: 'A scheduled change needs a date and time.' }] })
  }
  if (at.getTime() <= Date.now()) {
    throw new ValidationError({
      errors: [{ path: 'waitUntil', message: `${at.toISOString()} is in the past: pick a time in the future.` }],
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
  access: {
    read: isStaff,
    create: isStaff,
    update: isStaff,
    delete: isStaff,
  },
  hooks: {
    ...defaultJobsCollection.hooks,
    beforeChange: [...(defaultJobsCollection.hooks?.beforeChange ?? []), refusePastSchedule],
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
  ],
})
