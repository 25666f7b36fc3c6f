import { TZDate } from '@date-fns/tz'
import type { PayloadRequest, Where } from 'payload'

import { SUBSCRIBER_STATUSES } from '../../collections/Subscribers'

export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number]

export type AudienceCounts = {
  byStatus: Record<SubscriberStatus, number>
  /** Everyone still on the list, whatever their status. */
  total: number
  /** Added since the first day of this month, on the clinic's clock (any status). */
  newThisMonth: number
  /** The start of "this month" as an instant, for the label. */
  monthStart: Date
}

/** Midnight on the first of the month that `now` falls in, in `timeZone`. */
export const startOfClinicMonth = (now: Date, timeZone: string): Date => {
  const local = new TZDate(now.getTime(), timeZone)
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), 1, 0, 0, 0, 0, timeZone).getTime())
}

/**
 * The audience as it is now, counted by the database (one `count` per number, nothing
 * loaded): with `req`'s user and access rules, so only staff get numbers. No personal data
 * leaves here. Erased subscribers are not in the table any more: the audience-stats global
 * keeps their count.
 */
export const countAudience = async (req: PayloadRequest, { timeZone, now = new Date() }: { timeZone: string; now?: Date }): Promise<AudienceCounts> => {
  const monthStart = startOfClinicMonth(now, timeZone)
  const count = async (where: Where) =>
    (await req.payload.count({ collection: 'subscribers', where, req, overrideAccess: false })).totalDocs
  const [statusCounts, total, newThisMonth] = await Promise.all([
    Promise.all(SUBSCRIBER_STATUSES.map((status) => count({ status: { equals: status } }))),
    count({}),
    count({ createdAt: { greater_than_equal: monthStart.toISOString() } }),
  ])
  const byStatus = Object.fromEntries(SUBSCRIBER_STATUSES.map((status, index) => [status, statusCounts[index]])) as AudienceCounts['byStatus']
  return { byStatus, total, newThisMonth, monthStart }
}
