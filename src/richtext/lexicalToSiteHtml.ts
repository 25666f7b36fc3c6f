import { convertLexicalToHTML, type HTMLConverters } from '@payloadcms/richtext-lexical/html'
import { sanitizeUrl } from 'payload/shared'

import { escapeHtml } from '../../emails/escapeHtml'
import { lexicalDocumentProblem } from '../utilities/lexicalLimits'
import { absoluteMediaUrl, type FrontEndCollection } from '../utilities/siteUrl'
import { childrenOf, converter, formattedText, idOf, lexicalNodes, smallCount, type AnyNode } from './converterParts'

/**
 * Lexical rich text → HTML for the website (the `<field>Html` siblings, src/fields/richTextHtml.ts):
 * Payload's traversal (`convertLexicalToHTML`) with converters of our own for every node type,
 * under the same rules as the email converter (SECURITY.md "Rich text"): every attribute value
 * ours or checked, every text escaped, nothing from Payload's default converters (its table
 * cell writes `headerState` unescaped into a class). Unlike email, no inline styles (the site
 * has its stylesheet) and site paths stay relative (the page has a base URL); media are absolute
 * at SERVER_URL, internal links go to the linked document's front-end URL.
 */

export type SiteUpload = { url?: string | null; alt?: string | null; width?: number | null; height?: number | null; mimeType?: string | null; filename?: string | null }

export type SiteHtmlContext = {
  /** Media documents by id, looked up in the database (a URL written into the node is not trusted). */
  uploads: Map<string, SiteUpload>
  /** Front-end URLs of linked documents by `collection:id`, for documents the reader may see. */
  documentUrls: Map<string, string>
}

const MAX_CELL_SPAN = 20
const LINKABLE: ReadonlySet<string> = new Set<FrontEndCollection>(['articles', 'conditions', 'services', 'faqs'])

/** Payload's `sanitizeUrl`, then only http(s), mailto, tel, a site path or a fragment; re-serialised so quotes arrive encoded. */
const siteHref = (raw: unknown): string | undefined => {
  if (typeof raw !== 'string' || !raw) return undefined
  const safe = sanitizeUrl(raw)
  if (safe.startsWith('#')) return /^#[\w-]{1,200}$/.test(safe) ? safe : undefined
  if (safe.startsWith('/') && !safe.startsWith('//')) {
    try {
      const url = new URL(safe, 'https://site.invalid')
      return url.origin === 'https://site.invalid' ? `${url.pathname}${url.search}${url.hash}` : undefined
    } catch {
      return undefined
    }
  }
  try {
    const url = new URL(safe)
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : undefined
  } catch {
    return undefined
  }
}

const linkHtml = (href: string | undefined, children: string, newTab?: unknown) => {
  if (!href) return children
  return `<a href="${escapeHtml(href)}"${newTab === true ? ' target="_blank" rel="noopener noreferrer"' : ''}>${children}</a>`
}

/** Payload's `providedStyleTag` carries only text-align from a fixed list; written as a class, never as style. */
const ALIGNMENTS = new Set(['left', 'center', 'right', 'justify', 'start', 'end'])
const alignClass = (node: AnyNode) => (typeof node.format === 'string' && ALIGNMENTS.has(node.format) ? ` class="text-${node.format}"` : '')

const siteConverters = (context: SiteHtmlContext): HTMLConverters => {
  return {
    text: converter(({ node }) => formattedText(node)),
    linebreak: converter(() => '<br />'),
    tab: converter(() => '\t'),
    paragraph: converter(({ node, nodesToHTML }) => `<p${alignClass(node)}>${childrenOf(node, nodesToHTML) || '<br />'}</p>`),
    heading: converter(({ node, nodesToHTML }) => {
      const tag = typeof node.tag === 'string' && /^h[1-6]$/.test(node.tag) ? node.tag : 'h2'
      return `<${tag}${alignClass(node)}>${childrenOf(node, nodesToHTML)}</${tag}>`
    }),
    list: converter(({ node, nodesToHTML }) => {
      const tag = node.tag === 'ol' ? 'ol' : 'ul'
      const start = tag === 'ol' ? smallCount(node.start, 100_000) : undefined
      return `<${tag}${node.listType === 'check' ? ' class="list-check"' : ''}${start && start > 1 ? ` start="${start}"` : ''}>${childrenOf(node, nodesToHTML)}</${tag}>`
    }),
    listitem: converter(({ node, nodesToHTML, parent }) => {
      const children = childrenOf(node, nodesToHTML)
      const nested = Array.isArray(node.children) && node.children.some((child) => child?.type === 'list')
      if ((parent as AnyNode).listType === 'check') {
        const checked = node.checked === true
        return `<li role="checkbox" aria-checked="${checked}" class="${checked ? 'checked' : 'unchecked'}">${children}</li>`
      }
      return `<li${nested ? ' class="nested"' : ''}>${children}</li>`
    }),
    quote: converter(({ node, nodesToHTML }) => `<blockquote>${childrenOf(node, nodesToHTML)}</blockquote>`),
    link: converter(({ node, nodesToHTML }) => {
      const children = childrenOf(node, nodesToHTML)
      const fields: AnyNode = node.fields ?? {}
      if (fields.linkType === 'internal') {
        const relationTo = fields.doc?.relationTo
        const url = typeof relationTo === 'string' ? context.documentUrls.get(`${relationTo}:${idOf(fields.doc?.value) ?? ''}`) : undefined
        return linkHtml(url, children, fields.newTab)
      }
      return linkHtml(siteHref(fields.url), children, fields.newTab)
    }),
    autolink: converter(({ node, nodesToHTML }) => linkHtml(siteHref(node.fields?.url), childrenOf(node, nodesToHTML), node.fields?.newTab)),
    horizontalrule: converter(() => '<hr />'),
    upload: converter(({ node }) => {
      const upload = node.relationTo === 'media' ? context.uploads.get(idOf(node.value) ?? '') : undefined
      const src = absoluteMediaUrl(upload?.url)
      if (!upload || !src || !/^https?:\/\//i.test(src)) return ''
      const fieldAlt = node.fields?.alt
      const alt = escapeHtml(typeof fieldAlt === 'string' && fieldAlt ? fieldAlt : String(upload.alt ?? ''))
      if (typeof upload.mimeType === 'string' && !upload.mimeType.startsWith('image')) {
        return `<p><a href="${escapeHtml(src)}">${escapeHtml(upload.filename ?? 'Download')}</a></p>`
      }
      const width = smallCount(upload.width, 100_000)
      const height = smallCount(upload.height, 100_000)
      return `<figure><img src="${escapeHtml(src)}" alt="${alt}"${width ? ` width="${width}"` : ''}${height ? ` height="${height}"` : ''} loading="lazy" /></figure>`
    }),
    table: converter(({ node, nodesToHTML }) => `<table><tbody>${childrenOf(node, nodesToHTML)}</tbody></table>`),
    tablerow: converter(({ node, nodesToHTML }) => `<tr>${childrenOf(node, nodesToHTML)}</tr>`),
    tablecell: converter(({ node, nodesToHTML }) => {
      const tag = typeof node.headerState === 'number' && node.headerState > 0 ? 'th' : 'td'
      const colSpan = smallCount(node.colSpan, MAX_CELL_SPAN)
      const rowSpan = smallCount(node.rowSpan, MAX_CELL_SPAN)
      return `<${tag}${colSpan && colSpan > 1 ? ` colspan="${colSpan}"` : ''}${rowSpan && rowSpan > 1 ? ` rowspan="${rowSpan}"` : ''}>${childrenOf(node, nodesToHTML)}</${tag}>`
    }),
    // A relationship embed: a link to the document's page when it has one the reader may see.
    relationship: converter(({ node }) => {
      const url = typeof node.relationTo === 'string' ? context.documentUrls.get(`${node.relationTo}:${idOf(node.value) ?? ''}`) : undefined
      return url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>` : ''
    }),
    // Blocks, inline blocks and any other type have no site form. A function, not '' (Payload prints "unknown node" for '').
    unknown: converter(() => ''),
  }
}

/** The media ids of upload nodes and the documents of internal links and relationship embeds; iterative, at most maxNodes. */
export type LexicalReferenceId = number | string

/** Ids as the document stores them (a number on SQL): the DataLoader matches its answers by them. */
const rawIdOf = (value: unknown): LexicalReferenceId | undefined => {
  const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : value
  return typeof id === 'number' || (typeof id === 'string' && id) ? id : undefined
}

export const collectSiteReferences = (
  data: unknown,
): { uploadIds: LexicalReferenceId[]; documents: Array<{ collection: FrontEndCollection; id: LexicalReferenceId }> } => {
  const uploadIds = new Map<string, LexicalReferenceId>()
  const documents = new Map<string, { collection: FrontEndCollection; id: LexicalReferenceId }>()
  const addDocument = (collection: unknown, value: unknown) => {
    const id = rawIdOf(value)
    if (typeof collection === 'string' && LINKABLE.has(collection) && id !== undefined) documents.set(`${collection}:${id}`, { collection: collection as FrontEndCollection, id })
  }
  for (const node of lexicalNodes(data)) {
    if (node.type === 'upload' && node.relationTo === 'media') {
      const id = rawIdOf(node.value)
      if (id !== undefined) uploadIds.set(String(id), id)
    }
    if (node.type === 'relationship') addDocument(node.relationTo, node.value)
    if (node.type === 'link' && node.fields?.linkType === 'internal') addDocument(node.fields.doc?.relationTo, node.fields.doc?.value)
  }
  return { uploadIds: [...uploadIds.values()], documents: [...documents.values()] }
}

type LexicalDocument = Parameters<typeof convertLexicalToHTML>[0]['data']

/**
 * Site HTML for a Lexical document ('' for none). A document over the rich-text limits or
 * malformed (a row written past the save hooks) renders as '' with a logged reason rather than
 * walking Payload's recursive converter (see src/utilities/lexicalLimits.ts): `onProblem` is told.
 */
export const lexicalToSiteHtml = (data: unknown, context: SiteHtmlContext, onProblem?: (problem: string) => void): string => {
  if (!data || typeof data !== 'object' || !('root' in data)) return ''
  const problem = lexicalDocumentProblem(data)
  if (problem) {
    onProblem?.(problem)
    return ''
  }
  return convertLexicalToHTML({ data: data as LexicalDocument, converters: siteConverters(context), disableContainer: true, disableIndent: true })
}
