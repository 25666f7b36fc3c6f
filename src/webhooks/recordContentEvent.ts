import type {
  CollectionAfterChangeHook,
  CollectionAfterDeleteHook,
  CollectionBeforeChangeHook,
  CollectionSlug,
  Payload,
  PayloadRequest,
} from 'payload'

import type { Webhook } from '../../payload-types'
import { changeTags, type PublicRowTags } from '../cache/contentTags'
import { publicRowTags } from '../cache/publicRowTags'
import { anonymousRequestLike } from '../seams/localRequest'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { frontEndPath, isFrontEndCollection } from '../utilities/siteUrl'

export type ContentEvent = 'publish' | 'unpublish' | 'update' | 'delete'

/** The public state of a document: its row in the collection's own table, and what its change would touch (src/cache/contentTags.ts). */
type PublicState = { published: boolean; updatedAt: string | null; slug: string | null; tags: PublicRowTags | null }

/**
 * Events are decided from what an anonymous reader can see, i.e. the collection's own
 * table, not from `previousDoc`/`doc`. In Payload 3.90.1 `previousDoc` is the newest
 * *version* (possibly a draft saved over the published document), and a `draft: true`
 * save (autosave, "Save draft") only writes a version and leaves the table alone. So:
 * `beforeChange` reads the table row, `afterChange` reads it again and compares:
 *
 * - not published → published: `publish` (a create with `_status: published`, Publish
 *   in the admin, the worker's scheduled publish, which is a plain `payload.update`);
 * - published → not published: `unpublish`;
 * - published → published with a new `updatedAt` (Payload stamps it on every table
 *   write): `update`; a draft save does not write the table, so it produces nothing;
 * - a published row deleted: `delete`.
 *
 * A hook records intent only: one `webhook-deliveries` row per subscribed, enabled
 * webhook, written with the same `req` (so in the change's transaction where the database
 * has them); the worker posts it (jobs/webhooks/). `req.context.disableWebhooks` skips
 * recording (bulk imports the front ends rebuild from anyway).
 */

/**
 * Kept in `req.context`, not keyed by `req`: Payload hands some hooks a wrapped copy of the
 * request (restoreVersion's beforeChange) and replaces `req.context` with a shallow copy on
 * nested Local API calls; both keep this same Map.
 */
const STATES = 'webhookPublicStates'
const statesOf = (req: PayloadRequest): Map<string, PublicState[]> => {
  const context = req.context as Record<string, unknown>
  const existing = context[STATES]
  if (existing instanceof Map) return existing as Map<string, PublicState[]>
  const created = new Map<string, PublicState[]>()
  context[STATES] = created
  return created
}
const keyOf = (collection: string, id: number | string) => `${collection}:${id}`

const readPublicState = async (payload: Payload, collection: CollectionSlug, id: number | string, req: PayloadRequest) => {
  const row = await payload.db.findOne<{ id: number | string } & Record<string, unknown>>({ collection, where: { id: { equals: id } }, req })
  if (!row) return null
  return {
    published: row._status === 'published',
    updatedAt: typeof row.updatedAt === 'string' ? row.updatedAt : row.updatedAt ? new Date(row.updatedAt as string).toISOString() : null,
    slug: typeof row.slug === 'string' ? row.slug : null,
    tags: publicRowTags(payload, collection, row),
  } satisfies PublicState
}

/** Remembers the public state before an update; nested updates of the same document stack up. */
export const rememberPublicState: CollectionBeforeChangeHook = async ({ collection, data, operation, originalDoc, req }) => {
  if (operation !== 'update' || req.context?.disableWebhooks || !originalDoc?.id) return data
  const state = (await readPublicState(req.payload, collection.slug as CollectionSlug, originalDoc.id, req)) ?? {
    published: false,
    updatedAt: null,
    slug: null,
    tags: null,
  }
  const states = statesOf(req)
  const key = keyOf(collection.slug, originalDoc.id)
  states.set(key, [...(states.get(key) ?? []), state])
  return data
}

const decide = (before: PublicState | null, after: PublicState | null): ContentEvent | null => {
  const wasPublic = Boolean(before?.published)
  const isPublic = Boolean(after?.published)
  if (!wasPublic && isPublic) return 'publish'
  if (wasPublic && !isPublic) return 'unpublish'
  if (wasPublic && isPublic && before?.updatedAt !== after?.updatedAt) return 'update'
  return null
}

/**
 * The public state remembered before this update (the top of its stack), for afterChange hooks
 * that run before recordContentChange (the automatic redirects: src/hooks/redirectChangedSlug.ts);
 * undefined when none was remembered (webhooks disabled for the request).
 */
export const publicStateBefore = (req: PayloadRequest, collection: string, id: number | string): PublicState | undefined => {
  const stack = statesOf(req).get(keyOf(collection, id))
  return stack?.[stack.length - 1]
}

/**
 * For the response cache (src/hooks/bumpContentRevision.ts), from an afterChange hook that runs
 * before recordContentChange: did this update change what an anonymous reader sees (the same
 * test as the webhook events), and which tags does it touch? `undefined` when no state was
 * remembered (webhooks disabled for the request): the caller must then assume it did.
 */
export const updatePublicChange = async (req: PayloadRequest, collection: CollectionSlug, id: number | string) => {
  const stack = statesOf(req).get(keyOf(collection, id))
  const before = stack?.[stack.length - 1]
  if (!before) return undefined
  const after = await readPublicState(req.payload, collection, id, req)
  return { changed: decide(before, after) !== null, tags: changeTags(collection, [before.tags, after?.tags]) }
}

/** The tags a created or deleted document touches, from the document (afterChange's or afterDelete's `doc`). */
export const documentChangeTags = (payload: Payload, collection: string, doc: Record<string, unknown> & { id: number | string }) =>
  changeTags(collection, [publicRowTags(payload, collection, doc)])

export const recordContentChange: CollectionAfterChangeHook = async ({ collection, doc, operation, req }) => {
  if (req.context?.disableWebhooks) return doc
  let before: PublicState | null = null
  if (operation === 'update') {
    const stack = statesOf(req).get(keyOf(collection.slug, doc.id))
    before = stack?.pop() ?? null
    // An update made by a hook while this document's own update is still running (same
    // request): the outer update reports the result once, with the final document.
    if (stack?.length) return doc
  }
  const slug = collection.slug as CollectionSlug
  const after = await readPublicState(req.payload, slug, doc.id, req)
  const event = decide(before, after)
  if (!event) return doc
  await recordEvent(req, {
    event,
    collection: slug,
    id: doc.id,
    slug: after?.slug ?? null,
    previousSlug: event === 'update' && before?.slug !== after?.slug ? before?.slug : undefined,
    tags: changeTags(slug, [before?.tags, after?.tags]),
  })
  return doc
}

export const recordContentDelete: CollectionAfterDeleteHook = async ({ collection, doc, req }) => {
  // `doc` here is the deleted row of the collection's table: its `_status` is the public one.
  if (req.context?.disableWebhooks || doc?._status !== 'published') return doc
  await recordEvent(req, {
    event: 'delete',
    collection: collection.slug as CollectionSlug,
    id: doc.id,
    slug: doc.slug ?? null,
    tags: documentChangeTags(req.payload, collection.slug, doc),
  })
  return doc
}

/** The document as an anonymous reader would get it (REST/GraphQL without credentials), or null. */
const publicDocument = async (req: PayloadRequest, collection: CollectionSlug, id: number | string) => {
  // A request of its own (src/seams/localRequest.ts): no user, no staff-only fields; the transaction is shared.
  const anonymous = await anonymousRequestLike(req)
  try {
    return await req.payload.findByID({ collection, id, depth: 1, draft: false, overrideAccess: false, disableErrors: true, req: anonymous })
  } catch {
    return null
  }
}

const recordEvent = async (
  req: PayloadRequest,
  event: { event: ContentEvent; collection: CollectionSlug; id: number | string; slug: string | null; previousSlug?: string | null; tags: string[] },
) => {
  const { payload } = req
  const { docs: webhooks } = await payload.find({
    collection: 'webhooks',
    where: {
      and: [{ enabled: { equals: true } }, { events: { in: [event.event] } }, { collections: { in: [event.collection] } }],
    },
    depth: 0,
    limit: 0,
    pagination: false,
    overrideAccess: true,
    req,
  })
  if (!webhooks.length) return
  const doc = event.event === 'publish' || event.event === 'update' ? await publicDocument(req, event.collection, event.id) : null
  // The front-end path the document had (SITE_URL-relative, from the clinic's patterns): a static site removes that page.
  const oldPath =
    event.previousSlug && isFrontEndCollection(event.collection)
      ? frontEndPath(event.collection, { id: event.id, slug: event.previousSlug }, await loadFrontEndPatterns(payload, req))
      : undefined
  const body = JSON.stringify({
    event: event.event,
    collection: event.collection,
    id: event.id,
    slug: event.slug,
    ...(event.previousSlug ? { previousSlug: event.previousSlug, oldPath } : {}),
    occurredAt: new Date().toISOString(),
    // What a CDN in front should purge (Cache-Tag / Surrogate-Key; README "Caching").
    tags: event.tags,
    doc,
  })
  for (const webhook of webhooks as Webhook[]) {
    await queueDelivery(payload, req, { webhook: webhook.id, event: event.event, collectionSlug: event.collection, documentId: String(event.id), body })
  }
}

export const queueDelivery = (
  payload: Payload,
  req: PayloadRequest | undefined,
  delivery: { webhook: number; event: string; collectionSlug: string; documentId: string; body: string; status?: 'queued' },
) =>
  payload.create({
    collection: 'webhook-deliveries',
    data: { status: 'queued', attempts: 0, nextAttemptAt: new Date().toISOString(), ...delivery },
    depth: 0,
    overrideAccess: true,
    req,
  })
