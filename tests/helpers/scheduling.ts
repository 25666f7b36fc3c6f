import type { Payload } from 'payload'

/** The scheduled changes (Payload jobs) of one document, oldest first: what the scheduling tests read back. */
export const scheduledJobsFor = async (payload: Payload, id: number | string) =>
  (
    await payload.find({
      collection: 'payload-jobs',
      where: { 'input.doc.value': { equals: String(id) } },
      sort: 'createdAt',
      pagination: false,
    })
  ).docs as any[]
