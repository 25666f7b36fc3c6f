import { convertLexicalToHTML, type HTMLConverter, type HTMLConvertersFunction } from '@payloadcms/richtext-lexical/html'
import { sanitizeUrl } from 'payload/shared'

import { absoluteMediaUrl, articleUrl, getSiteUrl } from '../../src/utilities/siteUrl'
import { escapeHtml } from '../escapeHtml'
import { theme } from '../templates/theme'

/**
 * Lexical rich text → HTML that survives email clients: Payload's own converters
 * (`@payloadcms/richtext-lexical/html`), re-styled with inline styles (Gmail drops
 * `<style>` in many cases and never sees the CMS's stylesheet), absolute URLs (an email
 * has no base URL), images width-constrained to the content column, and every CMS text
 * escaped with braces too, so rich text can never form a `{{token}}`.
 */

/** Width of the content column (600 px body − 2 × 24 px section padding). */
export const CONTENT_WIDTH = 552

export type EmailUpload = { url: string; alt: string; width?: number | null; height?: number | null; mimeType?: string | null; filename?: string | null }

export type LexicalEmailContext = {
  /** Upload (media) documents by id, for upload nodes stored unpopulated (depth 0). */
  uploads?: Map<string, EmailUpload>
  /** Slugs of linked articles by id, for internal links stored unpopulated. */
  articleSlugs?: Map<string, string>
}

const FORMAT = { bold: 1, italic: 2, strikethrough: 4, underline: 8, code: 16, subscript: 32, superscript: 64 } as const

const headingSizes: Record<string, string> = { h1: '26px', h2: '22px', h3: '19px', h4: '17px', h5: '16px', h6: '15px' }

/** Relative links (`/articles/x`) point at the public site; only http(s), mailto and tel pass. */
const emailHref = (raw: string): string => {
  const safe = sanitizeUrl(raw)
  if (safe.startsWith('/')) return `${getSiteUrl()}${safe}`
  return safe
}

const idOf = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'object') return 'id' in value ? String((value as { id: unknown }).id) : undefined
  return String(value)
}

const linkHtml = (href: string, children: string, newTab?: boolean) =>
  `<a href="${escapeHtml(href)}" style="color:${theme.primary};text-decoration:underline;"${newTab ? ' target="_blank" rel="noopener noreferrer"' : ''}>${children}</a>`

const converters =
  (context: LexicalEmailContext): HTMLConvertersFunction =>
  ({ defaultConverters }) => {
    const text: HTMLConverter<{ text: string; format: number }> = ({ node }) => {
      let html = escapeHtml(node.text)
      const format = node.format ?? 0
      if (format & FORMAT.bold) html = `<strong>${html}</strong>`
      if (format & FORMAT.italic) html = `<em>${html}</em>`
      if (format & FORMAT.strikethrough) html = `<s>${html}</s>`
      if (format & FORMAT.underline) html = `<u>${html}</u>`
      if (format & FORMAT.code) html = `<code style="font-family:Menlo,Consolas,monospace;font-size:14px;">${html}</code>`
      if (format & FORMAT.subscript) html = `<sub>${html}</sub>`
      if (format & FORMAT.superscript) html = `<sup>${html}</sup>`
      return html
    }
    return {
      ...defaultConverters,
      text,
      paragraph: ({ node, nodesToHTML, providedCSSString }) => {
        const children = nodesToHTML({ nodes: node.children }).join('')
        return `<p style="margin:0 0 16px;${providedCSSString}">${children || '<br />'}</p>`
      },
      heading: ({ node, nodesToHTML, providedCSSString }) => {
        const tag = /^h[1-6]$/.test(node.tag) ? node.tag : 'h2'
        const children = nodesToHTML({ nodes: node.children }).join('')
        return `<${tag} style="margin:24px 0 8px;font-size:${headingSizes[tag]};line-height:1.3;font-weight:700;color:${theme.primary};${providedCSSString}">${children}</${tag}>`
      },
      list: ({ node, nodesToHTML }) => {
        const tag = node.tag === 'ol' ? 'ol' : 'ul'
        const children = nodesToHTML({ nodes: node.children }).join('')
        return `<${tag} style="margin:0 0 16px;padding:0 0 0 24px;">${children}</${tag}>`
      },
      listitem: ({ node, nodesToHTML, parent }) => {
        const children = nodesToHTML({ nodes: node.children }).join('')
        const nested = node.children.some((child) => child.type === 'list')
        if ('listType' in parent && parent.listType === 'check') {
          // No form controls in email: a ballot box character reads everywhere.
          return `<li style="margin:0 0 4px;list-style-type:none;">${node.checked ? '&#9745;' : '&#9744;'} ${children}</li>`
        }
        return `<li style="margin:0 0 4px;${nested ? 'list-style-type:none;' : ''}">${children}</li>`
      },
      quote: ({ node, nodesToHTML }) => {
        const children = nodesToHTML({ nodes: node.children }).join('')
        return `<blockquote style="margin:0 0 16px;padding:4px 0 4px 16px;border-left:4px solid ${theme.accent};color:${theme.mutedText};font-style:italic;">${children}</blockquote>`
      },
      link: ({ node, nodesToHTML }) => {
        const children = nodesToHTML({ nodes: node.children }).join('')
        const fields = node.fields ?? {}
        let href = fields.url ?? ''
        if (fields.linkType === 'internal') {
          const doc = fields.doc
          const slug =
            doc && typeof doc.value === 'object' && doc.value && 'slug' in doc.value
              ? String(doc.value.slug ?? '')
              : context.articleSlugs?.get(idOf(doc?.value) ?? '')
          // Only articles have public pages the email can point at; other links go to the site.
          href = doc?.relationTo === 'articles' && slug ? articleUrl(slug) : getSiteUrl()
        }
        return linkHtml(emailHref(href), children, fields.newTab)
      },
      autolink: ({ node, nodesToHTML }) => {
        const children = nodesToHTML({ nodes: node.children }).join('')
        return linkHtml(emailHref(node.fields?.url ?? ''), children, node.fields?.newTab)
      },
      horizontalrule: `<hr style="border:none;border-top:1px solid ${theme.accent};margin:24px 0;" />`,
      upload: ({ node }) => {
        const value = node.value as unknown
        const upload: EmailUpload | undefined =
          value && typeof value === 'object' && 'url' in value
            ? (value as EmailUpload)
            : context.uploads?.get(idOf(value) ?? '')
        const src = absoluteMediaUrl(upload?.url)
        if (!upload || !src) return ''
        const alt = escapeHtml(String((node.fields as { alt?: string } | undefined)?.alt || upload.alt || ''))
        if (upload.mimeType && !upload.mimeType.startsWith('image')) {
          return `<p style="margin:0 0 16px;">${linkHtml(src, escapeHtml(upload.filename ?? 'Download'))}</p>`
        }
        // A fixed width attribute for Outlook, max-width for phones; height follows the ratio.
        const width = Math.min(upload.width || CONTENT_WIDTH, CONTENT_WIDTH)
        return `<p style="margin:0 0 16px;"><img src="${escapeHtml(src)}" alt="${alt}" width="${width}" style="display:block;width:100%;max-width:${width}px;height:auto;border:0;border-radius:6px;" /></p>`
      },
      // Relationship and block nodes have no email form: leave them out rather than print "unknown node".
      relationship: '',
      unknown: '',
    }
  }

type LexicalDocument = Parameters<typeof convertLexicalToHTML>[0]['data']

/** Email-safe HTML for a Lexical document (empty string when it has no text). */
export const lexicalToEmailHtml = (data: unknown, context: LexicalEmailContext = {}): string => {
  if (!data || typeof data !== 'object' || !('root' in data)) return ''
  return convertLexicalToHTML({
    data: data as LexicalDocument,
    converters: converters(context),
    disableContainer: true,
    // Indents become padding-inline-start, which Outlook ignores; lists carry their own.
    disableIndent: true,
  })
}

type LexicalNode = { type?: string; children?: LexicalNode[]; value?: unknown; relationTo?: string; fields?: Record<string, any> }

/** The ids an email needs to look up when a document was read at depth 0. */
export const collectLexicalReferences = (data: unknown): { uploadIds: string[]; articleIds: string[] } => {
  const uploadIds = new Set<string>()
  const articleIds = new Set<string>()
  const visit = (node: LexicalNode | undefined) => {
    if (!node) return
    if (node.type === 'upload' && node.relationTo === 'media' && typeof node.value !== 'object') {
      const id = idOf(node.value)
      if (id) uploadIds.add(id)
    }
    if (node.type === 'link' && node.fields?.linkType === 'internal' && node.fields.doc?.relationTo === 'articles') {
      const value = node.fields.doc.value
      if (typeof value !== 'object') {
        const id = idOf(value)
        if (id) articleIds.add(id)
      }
    }
    node.children?.forEach(visit)
  }
  visit((data as { root?: LexicalNode } | null)?.root)
  return { uploadIds: [...uploadIds], articleIds: [...articleIds] }
}

/** Whether a Lexical document has any visible text or image (an empty editor still has a root). */
export const hasLexicalContent = (data: unknown): boolean => {
  let found = false
  const visit = (node: LexicalNode & { text?: string }) => {
    if (found) return
    if ((node.type === 'text' && node.text?.trim()) || node.type === 'upload') found = true
    node.children?.forEach(visit)
  }
  const root = (data as { root?: LexicalNode } | null)?.root
  if (root) visit(root)
  return found
}
