import { convertLexicalToHTML, type HTMLConverters } from '@payloadcms/richtext-lexical/html'
import { sanitizeUrl } from 'payload/shared'

import { childrenOf, converter, formattedText, idOf, lexicalNodes, smallCount, type AnyNode } from '../../src/richtext/converterParts'
import { lexicalDocumentProblem } from '../../src/utilities/lexicalLimits'
import { absoluteMediaUrl, articleUrl, getSiteUrl, type FrontEndPatterns } from '../../src/utilities/siteUrl'
import { escapeHtml } from '../escapeHtml'
import { theme } from '../templates/theme'

/**
 * Lexical rich text → HTML that survives email clients: Payload's traversal
 * (`convertLexicalToHTML` from `@payloadcms/richtext-lexical/html`) with converters of our
 * own for every node type: inline styles (Gmail drops `<style>` in many cases and never
 * sees the CMS's stylesheet), absolute URLs (an email has no base URL), images
 * width-constrained to the content column, every attribute value ours or checked, and
 * every CMS text escaped with braces too, so rich text can never form a `{{token}}`.
 * What each node may write: SECURITY-richtext.md.
 */

/** Width of the content column (600 px body − 2 × 24 px section padding). */
export const CONTENT_WIDTH = 552

export type EmailUpload = { url: string; alt: string; width?: number | null; height?: number | null; mimeType?: string | null; filename?: string | null }

export type LexicalEmailContext = {
  /** Upload (media) documents by id, for upload nodes stored unpopulated (depth 0). */
  uploads?: Map<string, EmailUpload>
  /** Slugs of linked articles by id, for internal links stored unpopulated. */
  articleSlugs?: Map<string, string>
  /** The clinic global's front-end paths (defaults when absent). */
  patterns?: FrontEndPatterns
}

const headingSizes: Record<string, string> = { h1: '26px', h2: '22px', h3: '19px', h4: '17px', h5: '16px', h6: '15px' }

/** Cells a table cell may span: more is never an honest table in a 552 px column. */
const MAX_CELL_SPAN = 20

/**
 * An absolute URL for a link, or undefined when it must not be one: Payload's
 * `sanitizeUrl` (http, https, mailto, tel, relative), then site paths made absolute (an
 * email has no base URL) and everything else (fragments, protocol-relative `//host`, bare
 * words) dropped. Re-serialised by `URL`, so quotes and brackets arrive percent-encoded.
 */
const emailHref = (raw: unknown): string | undefined => {
  if (typeof raw !== 'string') return undefined
  const safe = sanitizeUrl(raw)
  try {
    if (safe.startsWith('/') && !safe.startsWith('//')) return new URL(`${getSiteUrl()}${safe}`).href
    const url = new URL(safe)
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : undefined
  } catch {
    return undefined
  }
}

/** A link around `children`, or `children` alone when the URL is not one an email may carry. */
const linkHtml = (rawHref: unknown, children: string, newTab?: unknown) => {
  const href = emailHref(rawHref)
  if (!href) return children
  return `<a href="${escapeHtml(href)}" style="color:${theme.primary};text-decoration:underline;"${newTab === true ? ' target="_blank" rel="noopener noreferrer"' : ''}>${children}</a>`
}


/**
 * Every node type the email knows, each writing only attributes of its own: fixed strings,
 * values from a fixed list, numbers checked as numbers, and escaped text and URLs. Nothing
 * from Payload's default converters is used as is (its table cell writes `headerState`
 * unescaped into a class attribute) and any other type, blocks and inline blocks included,
 * is left out (`unknown`). `providedCSSString` is Payload's text-align from a fixed list.
 */
const emailConverters = (context: LexicalEmailContext): HTMLConverters => {
  return {
    text: converter(({ node }) => formattedText(node, '<code style="font-family:Menlo,Consolas,monospace;font-size:14px;">')),
    linebreak: converter(() => '<br />'),
    tab: converter(() => ' '),
    paragraph: converter(({ node, nodesToHTML, providedCSSString }) => {
      const children = childrenOf(node, nodesToHTML)
      return `<p style="margin:0 0 16px;${providedCSSString}">${children || '<br />'}</p>`
    }),
    heading: converter(({ node, nodesToHTML, providedCSSString }) => {
      // The email's title is its one <h1> (templates): an h1 in the intro becomes an h2.
      const tag = typeof node.tag === 'string' && /^h[2-6]$/.test(node.tag) ? node.tag : 'h2'
      return `<${tag} style="margin:24px 0 8px;font-size:${headingSizes[tag]};line-height:1.3;font-weight:700;color:${theme.primary};${providedCSSString}">${childrenOf(node, nodesToHTML)}</${tag}>`
    }),
    list: converter(({ node, nodesToHTML }) => {
      const tag = node.tag === 'ol' ? 'ol' : 'ul'
      return `<${tag} style="margin:0 0 16px;padding:0 0 0 24px;">${childrenOf(node, nodesToHTML)}</${tag}>`
    }),
    listitem: converter(({ node, nodesToHTML, parent }) => {
      const children = childrenOf(node, nodesToHTML)
      const nested = Array.isArray(node.children) && node.children.some((child) => child?.type === 'list')
      if ((parent as AnyNode).listType === 'check') {
        // No form controls in email: a ballot box character reads everywhere.
        return `<li style="margin:0 0 4px;list-style-type:none;">${node.checked === true ? '&#9745;' : '&#9744;'} ${children}</li>`
      }
      return `<li style="margin:0 0 4px;${nested ? 'list-style-type:none;' : ''}">${children}</li>`
    }),
    quote: converter(
      ({ node, nodesToHTML }) =>
        `<blockquote style="margin:0 0 16px;padding:4px 0 4px 16px;border-left:4px solid ${theme.accent};color:${theme.mutedText};font-style:italic;">${childrenOf(node, nodesToHTML)}</blockquote>`,
    ),
    link: converter(({ node, nodesToHTML }) => {
      const children = childrenOf(node, nodesToHTML)
      const fields: AnyNode = node.fields ?? {}
      if (fields.linkType === 'internal') {
        // Only published articles have public pages the email can point at (their slugs were
        // looked up by id; a slug written into the node is not trusted); other links go to the site.
        const slug = fields.doc?.relationTo === 'articles' ? context.articleSlugs?.get(idOf(fields.doc?.value) ?? '') : undefined
        return linkHtml(slug ? articleUrl(slug, context.patterns) : getSiteUrl(), children, fields.newTab)
      }
      return linkHtml(fields.url, children, fields.newTab)
    }),
    autolink: converter(({ node, nodesToHTML }) => linkHtml(node.fields?.url, childrenOf(node, nodesToHTML), node.fields?.newTab)),
    horizontalrule: converter(() => `<hr style="border:none;border-top:1px solid ${theme.accent};margin:24px 0;" />`),
    upload: converter(({ node }) => {
      // Media documents from the database only (looked up by id): a URL, size or MIME type
      // written into the node's value would put any remote image into every recipient's email.
      const upload = node.relationTo === 'media' ? context.uploads?.get(idOf(node.value) ?? '') : undefined
      const src = absoluteMediaUrl(upload?.url)
      if (!upload || !src || !/^https?:\/\//i.test(src)) return ''
      const fieldAlt = node.fields?.alt
      const alt = escapeHtml(typeof fieldAlt === 'string' && fieldAlt ? fieldAlt : String(upload.alt ?? ''))
      if (typeof upload.mimeType === 'string' && !upload.mimeType.startsWith('image')) {
        return `<p style="margin:0 0 16px;">${linkHtml(src, escapeHtml(upload.filename ?? 'Download'))}</p>`
      }
      // A fixed width attribute for Outlook, max-width for phones; height follows the ratio.
      const width = Math.min(smallCount(upload.width, 100_000) ?? CONTENT_WIDTH, CONTENT_WIDTH)
      return `<p style="margin:0 0 16px;"><img src="${escapeHtml(src)}" alt="${alt}" width="${width}" style="display:block;width:100%;max-width:${width}px;height:auto;border:0;border-radius:6px;" /></p>`
    }),
    // Tables (not in the editor's features today, but possible in stored JSON): header cells
    // from a number, spans as checked integers, no colours or classes from the document.
    table: converter(
      ({ node, nodesToHTML }) =>
        `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;margin:0 0 16px;"><tbody>${childrenOf(node, nodesToHTML)}</tbody></table>`,
    ),
    tablerow: converter(({ node, nodesToHTML }) => `<tr>${childrenOf(node, nodesToHTML)}</tr>`),
    tablecell: converter(({ node, nodesToHTML }) => {
      const tag = typeof node.headerState === 'number' && node.headerState > 0 ? 'th' : 'td'
      const colSpan = smallCount(node.colSpan, MAX_CELL_SPAN)
      const rowSpan = smallCount(node.rowSpan, MAX_CELL_SPAN)
      const spans = `${colSpan && colSpan > 1 ? ` colspan="${colSpan}"` : ''}${rowSpan && rowSpan > 1 ? ` rowspan="${rowSpan}"` : ''}`
      return `<${tag}${spans} style="border:1px solid ${theme.accent};padding:8px;text-align:left;vertical-align:top;">${childrenOf(node, nodesToHTML)}</${tag}>`
    }),
    // Relationship embeds, blocks, inline blocks and any other type have no email form. A
    // function, not '': Payload treats an empty-string converter as missing and prints "unknown node".
    relationship: converter(() => ''),
    unknown: converter(() => ''),
  }
}

type LexicalDocument = Parameters<typeof convertLexicalToHTML>[0]['data']

/**
 * Email-safe HTML for a Lexical document (empty string when it has no text). Throws when
 * the document is malformed or over the rich-text limits (src/utilities/lexicalLimits.ts): saves
 * and the preview refuse those already, but a row written past the hooks (the Local API's
 * `payload.db`, a migration, an old database) must fail with a message, not walk Payload's
 * recursive converter into a stack overflow.
 */
export const lexicalToEmailHtml = (data: unknown, context: LexicalEmailContext = {}): string => {
  if (!data || typeof data !== 'object' || !('root' in data)) return ''
  const problem = lexicalDocumentProblem(data)
  if (problem) throw new Error(`The rich text cannot be rendered: ${problem}`)
  return convertLexicalToHTML({
    data: data as LexicalDocument,
    converters: emailConverters(context),
    disableContainer: true,
    // Indents become padding-inline-start, which Outlook ignores; lists carry their own.
    disableIndent: true,
  })
}

/**
 * The ids an email needs to look up: media of upload nodes and articles of internal links,
 * whether the document was read at depth 0 (ids) or populated (objects, which in a preview
 * come from the browser and are not trusted, so only their id is used).
 */
export const collectLexicalReferences = (data: unknown): { uploadIds: string[]; articleIds: string[] } => {
  const uploadIds = new Set<string>()
  const articleIds = new Set<string>()
  for (const node of lexicalNodes(data)) {
    if (node.type === 'upload' && node.relationTo === 'media') {
      const id = idOf(node.value)
      if (id) uploadIds.add(id)
    }
    if (node.type === 'link' && node.fields?.linkType === 'internal' && node.fields.doc?.relationTo === 'articles') {
      const id = idOf(node.fields.doc.value)
      if (id) articleIds.add(id)
    }
  }
  return { uploadIds: [...uploadIds], articleIds: [...articleIds] }
}

/** Whether a Lexical document has any visible text or image (an empty editor still has a root). */
export const hasLexicalContent = (data: unknown): boolean => {
  for (const node of lexicalNodes(data)) {
    if ((node.type === 'text' && typeof node.text === 'string' && node.text.trim()) || node.type === 'upload') return true
  }
  return false
}
