import { ValidationError, type CollectionBeforeChangeHook, type CollectionConfig, type Field } from 'payload'

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

/** The states in the owner's words (the list's filter; the cells say more, see describeChange.ts). */
export const STATE_LABELS: Record<ScheduleState, string> = { queued: 'Waiting', running: 'In progress', done: 'Done', failed: 'Failed' }

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

const COMPONENTS = '/src/components/admin/scheduling'

/** Payload's own fields are the machinery (raw input, queue, lease, log): kept, never shown. */
const hiddenFromAdmin = (field: Field): Field => {
  if (field.type === 'tabs') return { ...field, tabs: field.tabs.map((tab) => ({ ...tab, fields: tab.fields.map(hiddenFromAdmin) })) }
  if ('fields' in field && !('name' in field)) return { ...field, fields: field.fields.map(hiddenFromAdmin) } as Field
  return { ...field, admin: { ...field.admin, hidden: true } } as Field
}

/**
 * Payload's jobs collection, extended with the lease and outcome of each scheduled change,
 * and shown to the owner as a calendar of changes: document, change, time in the clinic's
 * zone, status in words. Jobs are made only by the Schedule drawer and the REST endpoint
 * (which check the right to publish the document), applied by the worker, cancelled by
 * deleting them: never created or edited by hand, so there is no job form.
 */
export const extendJobsCollection = ({ defaultJobsCollection }: { defaultJobsCollection: CollectionConfig }): CollectionConfig => ({
  ...defaultJobsCollection,
  labels: { singular: 'Scheduled change', plural: 'Scheduled changes' },
  defaultSort: '-scheduledFor',
  admin: {
    ...defaultJobsCollection.admin,
    hidden: false,
    group: 'Publishing',
    useAsTitle: 'id',
    defaultColumns: ['document', 'action', 'scheduledFor', 'state'],
    hideAPIURL: true,
    description:
      'Publish and unpublish changes planned from the "Schedule" option of the publish button (or the REST API), and what happened to them. Times are in the clinic\'s timezone. To cancel a change that has not run, delete it.',
    components: {
      ...defaultJobsCollection.admin?.components,
      beforeListTable: [`${COMPONENTS}/ScheduledChangesFilters#ScheduledChangesFilters`],
      views: {
        ...defaultJobsCollection.admin?.components?.views,
        edit: { default: { Component: `${COMPONENTS}/ScheduledChangeView#ScheduledChangeView` } },
      },
    },
  },
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
    ...defaultJobsCollection.fields.map(hiddenFromAdmin),
    // Columns of the list, shown in words by their cells (src/components/admin/scheduling).
    {
      name: 'document',
      type: 'text',
      virtual: true,
      label: 'Document',
      admin: { disableListFilter: true, disableBulkEdit: true, components: { Cell: `${COMPONENTS}/cells#DocumentCell` } },
      // "articles/15": the document the change names (from `input.doc`).
      hooks: { afterRead: [({ siblingData }) => (siblingData?.input?.doc ? `${siblingData.input.doc.relationTo}/${siblingData.input.doc.value}` : null)] },
    },
    {
      name: 'action',
      type: 'text',
      virtual: true,
      label: 'Change',
      admin: { disableListFilter: true, disableBulkEdit: true, components: { Cell: `${COMPONENTS}/cells#ActionCell` } },
      // "publish" or "unpublish" (from `input.type`).
      hooks: { afterRead: [({ siblingData }) => siblingData?.input?.type ?? null] },
    },
    {
      name: 'scheduledFor',
      type: 'date',
      label: 'When',
      admin: {
        readOnly: true,
        date: { pickerAppearance: 'dayAndTime' },
        description: 'The time asked for (stored in UTC; shown in the clinic\'s timezone). Retries move waitUntil, not this.',
        components: { Cell: `${COMPONENTS}/cells#WhenCell` },
      },
    },
    {
      name: 'state',
      type: 'select',
      label: 'Status',
      options: SCHEDULE_STATES.map((value) => ({ label: STATE_LABELS[value], value })),
      defaultValue: 'queued',
      index: true,
      admin: { readOnly: true, components: { Cell: `${COMPONENTS}/cells#StatusCell` } },
    },
    { name: 'leaseOwner', type: 'text', admin: { hidden: true } },
    { name: 'leaseExpiresAt', type: 'date', index: true, admin: { hidden: true } },
    { name: 'appliedAt', type: 'date', admin: { hidden: true } },
    { name: 'latenessMs', type: 'number', admin: { hidden: true } },
    { name: 'lastError', type: 'text', admin: { hidden: true } },
    {
      name: 'note',
      type: 'text',
      admin: { hidden: true, description: 'Why a change that came due did nothing (e.g. the document was already published).' },
    },
  ],
})
