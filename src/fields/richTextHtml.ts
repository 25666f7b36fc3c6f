import type { CollectionBeforeOperationHook, Field, FieldHook, TextareaField } from 'payload'

import { metrics } from '../metrics/registry'
import { graphqlMaySelect } from '../query/graphqlSelection'
import { collectSiteReferences, lexicalToSiteHtml, type SiteHtmlContext, type SiteUpload } from '../richtext/lexicalToSiteHtml'
import { loadThroughRequest } from '../seams/requestDataLoader'
import { loadFrontEndPatterns } from '../utilities/frontEndPatterns'
import { frontEndUrl } from '../utilities/siteUrl'

/** The sibling's name: `content` → `contentHtml`. src/query/graphqlSelection.ts keeps a source whose sibling is queried. */
export const HTML_SIBLING_SUFFIX = 'Html'
export const htmlSiblingName = (source: string) => `${source}${HTML_SIBLING_SUFFIX}`

const MEDIA_SELECT = { url: true, filename: true, alt: true, width: true, height: true, mimeType: true } as const
const SLUG_ONLY = { slug: true } as const

/**
 * Renders one rich-text value for the website. Media and linked documents are looked up by id
 * through the request's DataLoader (batched across a list; the reader's access, published
 * versions only, so a link to a draft is left as text) and their reads tag a cached answer.
 */
const renderSiteHtml: (source: string) => FieldHook = (source) => async ({ siblingData, req, collection }) => {
  if (!graphqlMaySelect(req, htmlSiblingName(source))) return undefined
  const value = siblingData?.[source]
  // The source was not read (an exclusion `select` leaving it out): nothing to render from.
  if (value === undefined) return undefined
  if (!value) return ''
  metrics().richTextHtmlBuilds.inc()
  const { uploadIds, documents } = collectSiteReferences(value)
  const context: SiteHtmlContext = { uploads: new Map(), documentUrls: new Map() }
  const patterns = documents.length ? await loadFrontEndPatterns(req.payload, req) : undefined
  await Promise.all([
    ...uploadIds.map(async (id) => {
      const media = await loadThroughRequest<SiteUpload>(req, { collection: 'media', id, select: MEDIA_SELECT })
      if (media) context.uploads.set(String(id), media)
    }),
    ...documents.map(async ({ collection: linked, id }) => {
      const doc = await loadThroughRequest<{ id: number | string; slug?: string | null }>(req, { collection: linked, id, select: SLUG_ONLY })
      if (doc) context.documentUrls.set(`${linked}:${id}`, frontEndUrl(linked, doc, patterns))
    }),
  ])
  return lexicalToSiteHtml(value, context, (problem) =>
    req.payload.logger.warn({ event: 'richtext.html.refused', collection: collection?.slug, field: source, id: siblingData?.id, problem }),
  )
}

/**
 * `<source>Html`: a read-only, computed HTML rendering of the rich-text field `source` for
 * front ends that do not render Lexical JSON themselves (src/richtext/lexicalToSiteHtml.ts:
 * escaped, absolute media URLs, internal links to the front end). Virtual (no column), and
 * built only for reads that can show it: not for a GraphQL query that never names it, not for
 * a REST `select` without it (like `jsonLd`, src/fields/jsonLd.ts).
 */
export const richTextHtmlField = (source: string): TextareaField => ({
  name: htmlSiblingName(source),
  type: 'textarea',
  virtual: true,
  admin: { hidden: true, disableListColumn: true, disableListFilter: true },
  access: { create: () => false, update: () => false },
  hooks: { afterRead: [renderSiteHtml(source)] },
})

/**
 * Every rich-text field of `fields` followed by its HTML sibling, in rows, tabs, groups and
 * collapsibles too (the sibling must sit beside its source: it renders from `siblingData`).
 */
export const withHtmlSiblings = (fields: Field[]): Field[] =>
  fields.flatMap((field): Field[] => {
    if (field.type === 'richText') return [field, richTextHtmlField(field.name)]
    if (field.type === 'tabs') return [{ ...field, tabs: field.tabs.map((tab) => ({ ...tab, fields: withHtmlSiblings(tab.fields) })) }]
    if ('fields' in field && Array.isArray(field.fields) && (field.type === 'row' || field.type === 'collapsible' || field.type === 'group')) {
      return [{ ...field, fields: withHtmlSiblings(field.fields) } as Field]
    }
    return [field]
  })

/**
 * A REST `select` naming `contentHtml` but not `content` (`select[contentHtml]=true`) reads
 * `content` too, so the sibling has its source (the answer then carries `content` as well).
 */
export const selectRichTextSources: CollectionBeforeOperationHook<any> = ({ args, operation, collection }) => {
  if (operation !== 'read') return args
  const select = (args as { select?: Record<string, unknown> | null }).select
  if (!select || typeof select !== 'object' || !Object.values(select).some((value) => value === true)) return args
  let added: Record<string, unknown> | undefined
  for (const field of collection.flattenedFields) {
    if (!field.name.endsWith(HTML_SIBLING_SUFFIX) || select[field.name] !== true) continue
    const source = field.name.slice(0, -HTML_SIBLING_SUFFIX.length)
    if (select[source] === undefined && collection.flattenedFields.some((candidate) => candidate.name === source && candidate.type === 'richText')) {
      added = { ...(added ?? select), [source]: true }
    }
  }
  return added ? ({ ...args, select: added } as typeof args) : args
}
