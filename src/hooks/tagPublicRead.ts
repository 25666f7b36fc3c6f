import type { CollectionAfterReadHook, CollectionBeforeOperationHook, GlobalAfterReadHook, PayloadRequest, Where } from 'payload'

import { CLINIC_TAG, CONTENT_TAGS_HEADER, FRONT_END_PATTERNS_TAG, documentTag, formatContentTags, joinTag, listTag, slugTag } from '../cache/contentTags'
import { valueAt } from '../cache/publicRowTags'

/**
 * Tags an anonymous answer with what it contains (src/cache/contentTags.ts): every document
 * read while answering (the answer's own, populated relationships and uploads, the documents
 * JSON-LD names: they all pass through afterRead with the same `req`), what a find or count
 * looked up, and the clinic global. The tags go out as the `x-content-tags` response header
 * (Payload merges `req.responseHeaders` into REST and GraphQL answers); the response cache
 * turns it into `Cache-Tag` and `Surrogate-Key` and drops entries by it. Staff answers are
 * never cached: they get none.
 */

// On the request object itself: Payload hands hooks proxies of it (isolateObjectProperty)
// that forward every other property to the one request, and copies req.context on nested calls.
const TAGS = Symbol.for('clinic.contentTags')
const DEFERRED = Symbol.for('clinic.contentTagsDeferred')
type TaggedRequest = PayloadRequest & { [TAGS]?: Set<string>; [DEFERRED]?: true }

const setHeader = (req: PayloadRequest, known: Set<string>) => {
  req.responseHeaders ??= new Headers()
  req.responseHeaders.set(CONTENT_TAGS_HEADER, formatContentTags(known))
}

const addTags = (req: PayloadRequest, tags: string[]) => {
  if (req.user || tags.length === 0) return
  const tagged = req as TaggedRequest
  const known = (tagged[TAGS] ??= new Set())
  const before = known.size
  for (const tag of tags) known.add(tag)
  if (known.size === before || tagged[DEFERRED]) return
  setHeader(req, known)
}

/**
 * For a handler that builds its response itself once every read is done (src/query/graphqlHandler.ts):
 * tags are only collected, and `writeContentTagsHeader` formats the header once at the end. Otherwise
 * (REST, where Payload builds the response) it is formatted again with every new tag: sorted and
 * joined once per document, ~35 times for the front page.
 */
export const deferContentTagsHeader = (req: PayloadRequest) => {
  ;(req as TaggedRequest)[DEFERRED] = true
}

/** The header of the tags collected so far (the same value addTags would have left there). */
export const writeContentTagsHeader = (req: PayloadRequest) => {
  const known = (req as TaggedRequest)[TAGS]
  if (known?.size) setHeader(req, known)
}

const idsOf = (value: unknown): string[] | null => {
  if (typeof value === 'string') return value.split(',').filter(Boolean)
  if (typeof value === 'number') return [String(value)]
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.map(String)
  return null
}

/**
 * What a find's `where` can match, as tags: one conjunct on `id` (`equals`, `in`) or `slug`
 * (`equals`) limits the answer to those documents, whatever else it asks; anything else
 * (`or`, other fields, no `where`) may list any document of the collection.
 */
export const lookupTags = (collection: string, where: Where | undefined): string[] => {
  const conjuncts: Where[] = []
  const collect = (clause: unknown) => {
    if (!clause || typeof clause !== 'object' || Array.isArray(clause)) return
    for (const [field, condition] of Object.entries(clause as Record<string, unknown>)) {
      if (field === 'and' && Array.isArray(condition)) condition.forEach(collect)
      else if (field !== 'or') conjuncts.push({ [field]: condition } as Where)
    }
  }
  collect(where)
  for (const conjunct of conjuncts) {
    const [[field, condition]] = Object.entries(conjunct) as [[string, Record<string, unknown>]]
    if (!condition || typeof condition !== 'object') continue
    if (field === 'id') {
      const ids = 'equals' in condition ? idsOf(condition.equals) : 'in' in condition ? idsOf(condition.in) : null
      if (ids && ids.length <= 100) return ids.map((id) => documentTag(collection, id))
    }
    if (field === 'slug' && typeof condition.equals === 'string') return [slugTag(collection, condition.equals)]
  }
  return [listTag(collection)]
}

export const tagPublicLookup: CollectionBeforeOperationHook<any> = ({ args, collection, operation, req }) => {
  if (req.user || (operation !== 'read' && operation !== 'count')) return args
  // find and findByID both run as 'read'; the one has `where`, the other `id`.
  const { id, where } = args as { id?: number | string; where?: Where }
  addTags(req, id !== undefined ? [documentTag(collection.slug, id)] : lookupTags(collection.slug, where))
  return args
}

// The paths of a collection's join fields, worked out once per (sanitized) collection: this runs for every document read.
const joinPathsByCollection = new WeakMap<object, string[]>()
const joinPathsOf = (collection: Parameters<CollectionAfterReadHook>[0]['collection']) => {
  let paths = joinPathsByCollection.get(collection)
  if (!paths) joinPathsByCollection.set(collection, (paths = Object.values(collection.joins ?? {}).flat().map((join) => join.joinPath)))
  return paths
}

export const tagPublicDocument: CollectionAfterReadHook = ({ collection, doc, req }) => {
  if (doc?.id === undefined || req.user) return doc
  const tags = [documentTag(collection.slug, doc.id)]
  // Its joins, when the answer has them (a select or defaultPopulate may leave them out).
  if (joinPathsOf(collection).some((path) => valueAt(doc, path) !== undefined)) tags.push(joinTag(collection.slug, doc.id))
  addTags(req, tags)
  return doc
}

export const tagClinicRead: GlobalAfterReadHook = ({ doc, req }) => {
  addTags(req, [CLINIC_TAG])
  return doc
}

/** An answer that used the clinic's front-end path patterns (src/utilities/frontEndPatterns.ts). */
export const tagFrontEndPatternsRead = (req: PayloadRequest) => addTags(req, [FRONT_END_PATTERNS_TAG])
