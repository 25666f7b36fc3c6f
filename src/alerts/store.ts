import type { Payload, Where } from 'payload'

import type { Alert } from '../../payload-types'
import { claimOne } from '../seams/database'

const ALERTS = 'alerts' as const
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Every read and write of incidents, in one file (as jobs/*\/store.ts). Each transition is
 * one conditional statement that only one app process can win:
 *
 * - open: insert with the unique `key` (`kind:subject`): a second process's insert fails;
 * - resolve: `state open → resolved` (and the key renamed, so the problem may open again);
 * - email: `pending → sending` under a lease (owner, expiry), then `sent` by the owner only;
 *   a failed send goes back to `pending` (or `skipped` if the incident resolved meanwhile).
 */

export type Problem = {
  kind: Alert['kind']
  /** What it is about (a job, newsletter or webhook id; `workers`); with the kind, the key. */
  subject: string
  title: string
  detail: string
}

export const alertKey = (problem: Pick<Problem, 'kind' | 'subject'>) => `${problem.kind}:${problem.subject}`

export const findOpenAlerts = async (payload: Payload): Promise<Alert[]> => {
  const { docs } = await payload.db.find({ collection: ALERTS, where: { state: { equals: 'open' } }, limit: 0, pagination: false, sort: 'openedAt' })
  return docs as unknown as Alert[]
}

/** True when this process opened it; false when it was already open (another process won). */
export const openAlert = async (payload: Payload, problem: Problem, now = Date.now()): Promise<boolean> => {
  const key = alertKey(problem)
  try {
    await payload.db.create({
      collection: ALERTS,
      data: { key, ...problem, state: 'open', openedAt: iso(now), openingEmail: 'pending', recoveryEmail: 'none' },
      returning: false,
    })
    return true
  } catch (error) {
    const existing = await payload.db.findOne({ collection: ALERTS, where: { key: { equals: key } } })
    if (existing) return false
    throw error
  }
}

/**
 * Clears an open incident. If nobody was told yet, nobody needs telling it is over: both
 * emails are skipped. Otherwise the recovery email becomes due.
 */
export const resolveAlert = async (payload: Payload, alert: Alert, now = Date.now()): Promise<boolean> => {
  const resolved = { state: 'resolved', resolvedAt: iso(now), key: `${alert.key}@${iso(now)}` }
  const untold = await claimOne(payload, {
    collection: ALERTS,
    id: alert.id,
    when: { and: [{ state: { equals: 'open' } }, { openingEmail: { in: ['pending', 'skipped'] } }] },
    data: { ...resolved, openingEmail: 'skipped', recoveryEmail: 'skipped' },
  })
  if (untold) return true
  const told = await claimOne(payload, {
    collection: ALERTS,
    id: alert.id,
    when: { state: { equals: 'open' } },
    data: { ...resolved, recoveryEmail: 'pending' },
  })
  return Boolean(told)
}

export type EmailType = 'problem' | 'recovery'
const FIELD = { problem: 'openingEmail', recovery: 'recoveryEmail' } as const

const claimable = (type: EmailType, now: number): Where => {
  const field = FIELD[type]
  return {
    and: [
      type === 'problem' ? { state: { equals: 'open' } } : { openingEmail: { equals: 'sent' } },
      {
        or: [
          { [field]: { equals: 'pending' } },
          { and: [{ [field]: { equals: 'sending' } }, { emailLeaseExpiresAt: { less_than: iso(now) } }] },
        ],
      },
    ],
  }
}

/** The incidents whose email of `type` is due, each claimed for `owner`: only the winners are returned. */
export const claimDueEmails = async (payload: Payload, type: EmailType, owner: string, leaseMs: number, now = Date.now()): Promise<Alert[]> => {
  const { docs } = await payload.db.find({ collection: ALERTS, where: claimable(type, now), limit: 100, pagination: false, sort: 'openedAt' })
  const claimed: Alert[] = []
  for (const candidate of docs as unknown as Alert[]) {
    const won = await claimOne<Alert>(payload, {
      collection: ALERTS,
      id: candidate.id,
      when: claimable(type, now),
      data: { [FIELD[type]]: 'sending', emailLeaseOwner: owner, emailLeaseExpiresAt: iso(now + leaseMs) },
    })
    if (won) claimed.push(won)
  }
  return claimed
}

const ownedBy = (type: EmailType, owner: string): Where => ({
  and: [{ emailLeaseOwner: { equals: owner } }, { [FIELD[type]]: { equals: 'sending' } }],
})

export const markEmailed = async (payload: Payload, alerts: Alert[], type: EmailType, owner: string, now = Date.now()) => {
  for (const alert of alerts) {
    await claimOne(payload, {
      collection: ALERTS,
      id: alert.id,
      when: ownedBy(type, owner),
      data: { [FIELD[type]]: 'sent', [type === 'problem' ? 'notifiedAt' : 'recoveryNotifiedAt']: iso(now), emailLeaseOwner: null, emailLeaseExpiresAt: null },
    })
  }
}

/** The send failed (or had nobody to go to): due again next check, unless it resolved meanwhile. */
export const releaseEmails = async (payload: Payload, alerts: Alert[], type: EmailType, owner: string, outcome: 'pending' | 'skipped') => {
  for (const alert of alerts) {
    const lease = { emailLeaseOwner: null, emailLeaseExpiresAt: null }
    if (type === 'problem' && outcome === 'pending') {
      const stillOpen = await claimOne(payload, {
        collection: ALERTS,
        id: alert.id,
        when: { and: [ownedBy(type, owner), { state: { equals: 'open' } }] },
        data: { openingEmail: 'pending', ...lease },
      })
      if (stillOpen) continue
      await claimOne(payload, { collection: ALERTS, id: alert.id, when: ownedBy(type, owner), data: { openingEmail: 'skipped', recoveryEmail: 'skipped', ...lease } })
      continue
    }
    await claimOne(payload, { collection: ALERTS, id: alert.id, when: ownedBy(type, owner), data: { [FIELD[type]]: outcome, ...lease } })
  }
}
