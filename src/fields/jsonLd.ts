import type { CollectionSlug, Field, FieldHook, PayloadRequest } from 'payload'

import { metrics } from '../metrics/registry'
import { graphqlMaySelect } from '../query/graphqlSelection'
import { loadThroughRequest } from '../seams/requestDataLoader'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { type FrontEndPatterns } from '../utilities/siteUrl'

/** Returns the related documents the reader may see, whether the value arrived populated or as IDs. */
export type RelatedDocs = <T extends Record<string, any>>(
  collection: CollectionSlug,
  value: unknown,
  select: Record<string, true>,
) => Promise<T[]>

/** Where pages live on the front end: the clinic global's path patterns, read at most once per request. */
export type FrontEndContext = { patterns: () => Promise<FrontEndPatterns> }

export type JsonLdBuilder = (doc: Record<string, any>, related: RelatedDocs, site: FrontEndContext) => Promise<Record<string, unknown>>

/**
 * Related documents come through Payload's per-request DataLoader (src/seams): a list of ten articles
 * costs one batched query per related collection, and access control applies, so a draft
 * condition's name never leaks into a public article's JSON-LD.
 *
 * `select` is required, and must not include `jsonLd`: conditions and services point at
 * each other, and a related document computing its own JSON-LD would wait on the very
 * batch that is loading it (a DataLoader cycle that never settles).
 */
const relatedDocsFor =
  (req: PayloadRequest): RelatedDocs =>
  async (collection, value, select) => {
    const values = Array.isArray(value) ? value : value ? [value] : []
    const docs = await Promise.all(
      values.map((item) => {
        if (typeof item === 'object' && item !== null) return item
        return loadThroughRequest(req, { collection, id: item as number | string, select })
      }),
    )
    return docs.filter(Boolean)
  }

/**
 * A computed, read-only schema.org JSON-LD object. `virtual` means it has no column: it
 * is built on every read from the document itself, so it can never go stale.
 */
export const jsonLdField = (build: JsonLdBuilder): Field => {
  // REST `select` without jsonLd never reaches this hook (Payload strips unselected fields
  // first); GraphQL passes no select by default, so a query that never names jsonLd is
  // answered without building it (GraphQL sends only the selected fields anyway).
  const computeJsonLd: FieldHook = ({ data, siblingData, req }) => {
    if (!graphqlMaySelect(req, 'jsonLd')) return undefined
    metrics().jsonLdBuilds.inc()
    return build({ ...(data ?? {}), ...(siblingData ?? {}) }, relatedDocsFor(req), { patterns: () => loadFrontEndPatterns(req.payload, req) })
  }
  return {
    name: 'jsonLd',
    type: 'json',
    virtual: true,
    label: 'Structured data (JSON-LD)',
    admin: {
      readOnly: true,
      description: 'Computed from this document on every read; front ends place it in a <script type="application/ld+json"> tag.',
      disableListColumn: true,
      disableListFilter: true,
      // Formatted text, not Payload's Monaco editor (downloaded from a public CDN).
      components: { Field: '/src/components/admin/LocalCodeField#LocalJsonField' },
    },
    access: { create: () => false, update: () => false },
    hooks: { afterRead: [computeJsonLd] },
  }
}
