import type { CollectionSlug, Payload } from 'payload'

import { isSchedulableCollection, type SchedulableCollection } from './config'

/**
 * What the pipeline needs to know about the document a change names: its title (for
 * people) and its public state (for the no-op rule). Read the way Payload stores drafts:
 * the collection's own row is the public state; draft saves and autosaves write only
 * versions, so the newest title of a draft is in its newest version.
 */

export type DocumentRef = { relationTo: string; value: number | string }

export const refKey = (ref: DocumentRef) => `${ref.relationTo}:${ref.value}`

const storedId = (payload: Payload, value: number | string) =>
  payload.db.defaultIDType === 'number' ? Number(value) : String(value)

/** The field the admin titles this collection's documents with (`admin.useAsTitle`). */
const titleFieldOf = (payload: Payload, collection: string) => payload.collections[collection as CollectionSlug]?.config.admin?.useAsTitle ?? 'id'

/** "Article", "FAQ": the collection's singular label. */
export const collectionLabel = (payload: Payload, collection: string) => {
  const label = payload.collections[collection as CollectionSlug]?.config.labels?.singular
  return typeof label === 'string' ? label : collection
}

/** `/admin/collections/articles/15`: where the owner edits the document. */
export const documentAdminPath = (payload: Payload, ref: DocumentRef) =>
  `${payload.config.routes.admin}/collections/${ref.relationTo}/${encodeURIComponent(String(ref.value))}`

/**
 * The newest titles (drafts included) of the documents named: the newest version's, else
 * the public row's. Read from the database directly, one or two queries per collection:
 * the Local API without a user reads published documents only (src/hooks/ignoreDraftFlagForPublic.ts),
 * and a draft created by the admin's autosave has its title in its versions only.
 * A document that no longer exists has no entry.
 */
export const loadDocumentTitles = async (payload: Payload, refs: DocumentRef[]): Promise<Map<string, string>> => {
  const idsByCollection = new Map<SchedulableCollection, Set<number | string>>()
  for (const ref of refs) {
    if (!isSchedulableCollection(ref.relationTo)) continue
    const ids = idsByCollection.get(ref.relationTo) ?? new Set()
    ids.add(storedId(payload, ref.value))
    idsByCollection.set(ref.relationTo, ids)
  }
  const titles = new Map<string, string>()
  await Promise.all(
    [...idsByCollection].map(async ([collection, ids]) => {
      const field = titleFieldOf(payload, collection)
      const untitled = `Untitled ${collectionLabel(payload, collection).toLowerCase()}`
      const keep = (id: unknown, title: unknown) =>
        titles.set(`${collection}:${id}`, typeof title === 'string' && title.trim() ? title : untitled)
      const { docs: versions } = await payload.db.findVersions<Record<string, unknown>>({
        collection,
        where: { and: [{ parent: { in: [...ids] } }, { latest: { equals: true } }] },
        limit: 0,
        pagination: false,
      })
      for (const version of versions) keep(version.parent, version.version?.[field])
      const withoutVersions = [...ids].filter((id) => !titles.has(`${collection}:${id}`))
      if (!withoutVersions.length) return
      const { docs } = await payload.db.find<Record<string, unknown>>({
        collection,
        where: { id: { in: withoutVersions } },
        limit: 0,
        pagination: false,
      })
      for (const doc of docs) keep(doc.id, doc[field])
    }),
  )
  return titles
}

export type PublicState = {
  /** The public row says published: anonymous readers see the document. */
  live: boolean
  /** A draft newer than the live version waits: publishing would change what readers see. */
  newerDraft: boolean
  /** When the live version was published (the public row's last write). */
  liveSince: string | null
  /** The last scheduled change applied to it (`appliedScheduleId`, see src/fields/scheduledChangeMarker.ts). */
  appliedScheduleId: string | null
}

/** The document's public state now, or null when it does not exist. */
export const readPublicState = async (payload: Payload, ref: DocumentRef): Promise<PublicState | null> => {
  const collection = ref.relationTo as CollectionSlug
  const id = storedId(payload, ref.value)
  const row = await payload.db.findOne<{ id: number | string; _status?: string | null; updatedAt?: string; appliedScheduleId?: string | null }>({
    collection,
    where: { id: { equals: id } },
  })
  if (!row) return null
  const appliedScheduleId = row.appliedScheduleId ?? null
  if (row._status !== 'published') return { live: false, newerDraft: false, liveSince: null, appliedScheduleId }
  const { docs } = await payload.db.findVersions<{ _status?: string | null }>({
    collection,
    where: { parent: { equals: id } },
    sort: '-updatedAt',
    limit: 1,
    pagination: false,
  })
  return { live: true, newerDraft: docs[0]?.version?._status === 'draft', liveSince: row.updatedAt ?? null, appliedScheduleId }
}
