import type { HTMLConverter } from '@payloadcms/richtext-lexical/html'

import { escapeHtml } from '../../emails/escapeHtml'
import { richTextLimits } from '../utilities/lexicalLimits'

/**
 * What the two Lexical → HTML converters of our own share (emails/newsletters/lexicalToEmailHtml.ts
 * for email, src/richtext/lexicalToSiteHtml.ts for the website): how a text node's format bits
 * become tags around its escaped text, how values from the JSON are read (ids, small counts), and
 * one bounded, iterative walk over a document's nodes. Each converter keeps its own markup and
 * URL policy.
 */

export type AnyNode = { [key: string]: any; children?: AnyNode[] }
export type Render = Extract<HTMLConverter<AnyNode>, Function>
type NodesToHtml = Parameters<Render>[0]['nodesToHTML']

/** Lexical's text format bits. */
const FORMAT = { bold: 1, italic: 2, strikethrough: 4, underline: 8, code: 16, subscript: 32, superscript: 64 } as const

/**
 * A text node as HTML: its text escaped (braces too, so it never forms a `{{token}}`), wrapped in
 * a tag per format bit; `codeOpen` is the opening tag for code (email adds a font). The node's
 * `style` string (CSS) is never written.
 */
export const formattedText = (node: AnyNode, codeOpen = '<code>') => {
  let html = typeof node.text === 'string' ? escapeHtml(node.text) : ''
  const format = typeof node.format === 'number' ? node.format : 0
  if (format & FORMAT.bold) html = `<strong>${html}</strong>`
  if (format & FORMAT.italic) html = `<em>${html}</em>`
  if (format & FORMAT.strikethrough) html = `<s>${html}</s>`
  if (format & FORMAT.underline) html = `<u>${html}</u>`
  if (format & FORMAT.code) html = `${codeOpen}${html}</code>`
  if (format & FORMAT.subscript) html = `<sub>${html}</sub>`
  if (format & FORMAT.superscript) html = `<sup>${html}</sup>`
  return html
}

/** The HTML of a node's children (none: ''). */
export const childrenOf = (node: AnyNode, nodesToHTML: NodesToHtml) =>
  Array.isArray(node.children) ? nodesToHTML({ nodes: node.children as never }).join('') : ''

/** Types a converter function (Payload's HTMLConverter is a union with a string form). */
export const converter = (render: Render) => render

/** The id of a relationship value stored unpopulated (an id) or populated (an object), as a string. */
export const idOf = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'object') return 'id' in value ? String((value as { id: unknown }).id) : undefined
  return String(value)
}

/** A positive whole number up to `max`, or undefined: attribute values from JSON are never trusted as they are. */
export const smallCount = (value: unknown, max: number) => (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max ? value : undefined)

export type LexicalNode = { type?: string; text?: unknown; children?: unknown; value?: unknown; relationTo?: string; fields?: Record<string, any> }

/**
 * Every node of a document, depth first, without recursion (a hostile document may be
 * thousands of levels deep; these walkers run before the limits are checked) and at most
 * `maxNodes` of them.
 */
export function* lexicalNodes(data: unknown, maxNodes = richTextLimits().maxNodes): Generator<LexicalNode> {
  const root = (data as { root?: unknown } | null)?.root
  const pending: unknown[] = root && typeof root === 'object' ? [root] : []
  let seen = 0
  while (pending.length && seen++ <= maxNodes) {
    const node = pending.pop() as LexicalNode
    if (!node || typeof node !== 'object') continue
    yield node
    if (Array.isArray(node.children)) for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i])
  }
}
