import { numberFromEnv } from '../../jobs/shared/env'

/**
 * Rich text is untrusted input: the admin's editor only ever writes small, shallow
 * documents, but the API takes any JSON. Every walker over Lexical JSON (Payload's own
 * hooks and HTML converters, html-to-text, ours) recurses once per nesting level, and at
 * about 2,000 levels Node's stack runs out; Payload's HTML converter catches that and logs
 * it, and a regular expression compiled with the stack exhausted aborts V8 ("RegExpCompiler
 * Allocation failed"), killing the server. So a document's shape, depth, node count and
 * text size are checked, iteratively, before anything else touches it: on save (every
 * richText field, drafts and autosaves too: src/fields/richText.ts), in the newsletter
 * preview and in the email converter. No Payload import here: the email renderer and the
 * worker load this without the whole of Payload.
 */

export type RichTextLimits = {
  /** Longest path of nodes below the root (a paragraph's text is at depth 2). */
  maxDepth: number
  /** Nodes below the root. */
  maxNodes: number
  /** Characters of text, all text nodes together. */
  maxTextLength: number
}

/**
 * Limits from the environment, read on each call so tests can set them. The defaults are
 * far above the demo content (at most depth 3, 37 nodes, 1,406 characters in one
 * value; bench/richtext-hostile/seed-stats.ts) and far below what hurts (stack exhaustion near depth 2,000).
 */
export const richTextLimits = (): RichTextLimits => ({
  maxDepth: numberFromEnv('RICHTEXT_MAX_DEPTH', 32),
  maxNodes: numberFromEnv('RICHTEXT_MAX_NODES', 5_000),
  maxTextLength: numberFromEnv('RICHTEXT_MAX_TEXT_LENGTH', 200_000),
})

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `root.children[0].children[0]…children[2]`: where a problem is, short enough for a message. */
const shortPath = (where: string) => {
  const segments = where.split('.')
  return segments.length <= 5 ? where : `${segments.slice(0, 3).join('.')}…${segments.slice(-2).join('.')}`
}

const describe = (value: unknown) => (Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value)

/**
 * The first problem with a Lexical document, as a sentence an editor or a developer can
 * act on, or `null` when it is well-formed and within the limits. Empty values (null,
 * undefined) are fine: `required` is the field's business. Iterative and stopping at the
 * first problem, so a hostile document costs at most `maxNodes` steps.
 */
export const lexicalDocumentProblem = (value: unknown, limits: RichTextLimits = richTextLimits()): string | null => {
  if (value === null || value === undefined) return null
  if (!isObject(value)) return `Rich text must be a Lexical document ({ "root": { "type": "root", "children": [...] } }), not ${describe(value)}.`
  const root = value.root
  if (!isObject(root) || root.type !== 'root') return 'Rich text must have a "root" node of type "root".'
  if (!Array.isArray(root.children)) return 'The root node\'s "children" must be a list.'

  let nodes = 0
  let textLength = 0
  // [node, depth, path from the root]: the path names the place in a message.
  const pending: Array<[unknown, number, string]> = []
  for (let i = root.children.length - 1; i >= 0; i--) pending.push([root.children[i], 1, `root.children[${i}]`])
  while (pending.length) {
    const [node, depth, fullPath] = pending.pop()!
    const where = shortPath(fullPath)
    if (depth > limits.maxDepth) {
      return `Rich text is nested more than ${limits.maxDepth} levels deep (at ${where}). Flatten the quotes, lists or links.`
    }
    if (++nodes > limits.maxNodes) return `Rich text has more than ${limits.maxNodes} nodes. Split it into several documents.`
    if (!isObject(node)) return `Every rich text node must be an object (${where} is ${describe(node)}).`
    if (typeof node.type !== 'string' || !node.type) return `Every rich text node needs a "type" (${where}).`
    if ('text' in node || node.type === 'text') {
      if (typeof node.text !== 'string') return `A text node's "text" must be text (${where}).`
      textLength += node.text.length
      if (textLength > limits.maxTextLength) {
        return `Rich text is longer than ${limits.maxTextLength} characters. Split it into several documents.`
      }
    }
    for (const key of ['format', 'detail', 'indent'] as const) {
      const field = node[key]
      // Elements store their alignment in `format` as a word; text nodes a bit field.
      if (field !== undefined && typeof field !== 'number' && !(key === 'format' && node.type !== 'text' && typeof field === 'string')) {
        return `"${key}" of a ${node.type} node must be a number (${where}).`
      }
    }
    if (node.style !== undefined && typeof node.style !== 'string') return `"style" of a ${node.type} node must be text (${where}).`
    if (node.fields !== undefined && node.fields !== null && !isObject(node.fields)) return `"fields" of a ${node.type} node must be an object (${where}).`
    if (node.children !== undefined) {
      if (!Array.isArray(node.children)) return `"children" of a ${node.type} node must be a list (${where}).`
      for (let i = node.children.length - 1; i >= 0; i--) pending.push([node.children[i], depth + 1, `${fullPath}.children[${i}]`])
    }
  }
  return null
}
