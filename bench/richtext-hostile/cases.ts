/**
 * Hostile (and big-but-honest) Lexical documents for the rich-text bounds: each is a
 * plausible thing for an editor's browser, a script or an old row to hold.
 */

type Node = Record<string, unknown>

const text = (value: string, extra: Node = {}): Node => ({ type: 'text', text: value, format: 0, style: '', mode: 'normal', detail: 0, version: 1, ...extra })
const element = (type: string, children: Node[], extra: Node = {}): Node => ({ type, format: '', indent: 0, version: 1, direction: 'ltr', children, ...extra })
const paragraph = (children: Node[]) => element('paragraph', children, { textFormat: 0 })
const doc = (children: Node[]) => ({ root: element('root', children) })

/** `depth` elements, each holding the next, the innermost holding one text node. */
const nested = (depth: number, wrap: (inner: Node) => Node, leaf: Node) => {
  let node = leaf
  for (let i = 0; i < depth; i++) node = wrap(node)
  return node
}

export const hostileCases: Record<string, () => unknown> = {
  /** The document: about 2,000 nested quote blocks. */
  deepQuotes: () => doc([nested(Number(process.env.HOSTILE_DEPTH) || 2000, (inner) => element('quote', [inner]), text('deep'))]),
  deepLists: () =>
    doc([nested(1000, (inner) => element('list', [element('listitem', [inner], { value: 1 })], { listType: 'bullet', tag: 'ul', start: 1 }), text('deep'))]),
  deepLinks: () =>
    doc([paragraph([nested(2000, (inner) => element('link', [inner], { fields: { url: 'https://example.com', linkType: 'custom', newTab: false } }), text('deep'))])]),
  deepParagraphs: () => doc([nested(2000, (inner) => paragraph([inner]), text('deep'))]),
  manyNodes: () => doc(Array.from({ length: 20_000 }, (_, i) => paragraph([text(`Paragraph ${i}`, { format: i % 4 })]))),
  longText: () => doc([paragraph([text('a'.repeat(1_500_000))])]),
  longWords: () => doc([paragraph([text('word '.repeat(300_000))])]),
  manyHeadings: () => doc(Array.from({ length: 5000 }, (_, i) => element('heading', [text(`Heading ${i}`)], { tag: 'h2' }))),
  /** Just inside the default limits (src/utilities/lexicalLimits.ts): the most an honest document may cost. */
  largestAllowed: () => doc(Array.from({ length: 2400 }, (_, i) => paragraph([text(`${i} `.padEnd(80, 'x'), { format: i % 8 })]))),
  deepestAllowed: () =>
    doc([nested(15, (inner) => element('list', [element('listitem', [inner], { value: 1 })], { listType: 'bullet', tag: 'ul', start: 1 }), text('deep'))]),
  formattedRuns: () => doc([paragraph(Array.from({ length: 20_000 }, (_, i) => text(`run ${i} `, { format: 127 })))]),
}
