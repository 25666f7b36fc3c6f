import { LRUCache } from 'lru-cache'
import type { Payload, Where } from 'payload'

import type { Newsletter } from '../../payload-types'
import { ANONYMOUS_NAME, compileNewsletter, personaliseNewsletter, webVersionUrl } from './compile'

/**
 * A newsletter's public web copy ("View in browser", the archive): the same build as the email
 * with no reader in it — the greeting's name is "there", and the opt-out links and the "View in
 * browser" link are left out (the template's `web` shape), so no token, subscriber id or address
 * can appear. Public once the send has started (a reader may click while it runs), unless the
 * owner unticked `webVersion`. Drafts, scheduled and failed sends are never shown.
 */

/** Statuses at which copies have gone out; `cancelled` and `paused` ones may have reached some readers. */
export const ARCHIVED_STATUSES = ['sending', 'paused', 'sent', 'cancelled'] as const

type ArchiveRow = Pick<Newsletter, 'id' | 'subject' | 'preheader' | 'startedAt' | 'finishedAt' | 'updatedAt'>
export type ArchiveItem = { id: string | number; subject: string; preheader: string | null; sentAt: string | null; url: string }

const archived: Where = {
  and: [{ status: { in: [...ARCHIVED_STATUSES] } }, { webVersion: { not_equals: false } }, { startedAt: { exists: true } }],
}

const itemOf = (row: ArchiveRow): ArchiveItem => ({
  id: row.id,
  subject: row.subject,
  preheader: row.preheader ?? null,
  sentAt: row.startedAt ?? null,
  url: webVersionUrl(row.id),
})

/** One page of the archive, newest first. `limit` and `page` are bounded by the caller. */
export const listArchive = async (payload: Payload, { page, limit }: { page: number; limit: number }) => {
  const result = await payload.find({
    collection: 'newsletters',
    where: archived,
    select: { subject: true, preheader: true, startedAt: true },
    sort: '-startedAt',
    depth: 0,
    overrideAccess: true,
    limit,
    page,
  })
  return { docs: (result.docs as ArchiveRow[]).map(itemOf), page: result.page ?? page, totalPages: result.totalPages, totalDocs: result.totalDocs }
}

/** The archived newsletter with this id, or null (not sent yet, opted out, or no such id). */
export const findArchivedNewsletter = async (payload: Payload, id: string | number): Promise<Newsletter | null> => {
  const { docs } = await payload.find({
    collection: 'newsletters',
    where: { and: [{ id: { equals: id } }, archived] },
    depth: 0,
    overrideAccess: true,
    limit: 1,
    pagination: false,
  })
  return (docs[0] as Newsletter | undefined) ?? null
}

export type WebVersion = ArchiveItem & { html: string; text: string }

// Built copies by id and last change: a link clicked by many readers is built once, not per
// request (the build reads the clinic and the articles and, cold, compiles MJML).
const built = new LRUCache<string, Promise<WebVersion>>({ max: 50, ttl: 10 * 60_000 })

export const renderWebVersion = (payload: Payload, newsletter: Newsletter): Promise<WebVersion> => {
  const key = `${newsletter.id}:${newsletter.updatedAt}`
  const cached = built.get(key)
  if (cached) return cached
  const building = (async () => {
    const compiled = await compileNewsletter(payload, newsletter, { web: true })
    // No opt-out links in the web shape: these values fill nothing, but the call requires them.
    const { html, text } = personaliseNewsletter(compiled, { name: ANONYMOUS_NAME, unsubscribeUrl: webVersionUrl(newsletter.id), preferencesUrl: webVersionUrl(newsletter.id) })
    return { ...itemOf(newsletter), html, text }
  })()
  building.catch(() => built.delete(key))
  built.set(key, building)
  return building
}
