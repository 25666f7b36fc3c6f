/**
 * Text for the search index: Lexical JSON to plain text, words, and their index terms
 * (lower case, stemmed, stop words dropped). The index, the query and the snippet's highlighting
 * all use `indexTerm`, so "Shoulders" in a query marks "shoulder" in a snippet.
 */

/** Bounds a hostile or huge rich-text value: depth and characters read. */
const MAX_DEPTH = 40
const MAX_TEXT = 50_000

/** The text of a Lexical value (or of anything with `text` leaves), paragraphs on their own lines. */
export const lexicalText = (value: unknown): string => {
  const parts: string[] = []
  let length = 0
  const walk = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || depth > MAX_DEPTH || length > MAX_TEXT) return
    const { text, children, root } = node as { text?: unknown; children?: unknown; root?: unknown }
    if (typeof text === 'string') {
      parts.push(text)
      length += text.length
    }
    if (root) walk(root, depth + 1)
    if (Array.isArray(children)) {
      for (const child of children) walk(child, depth + 1)
      parts.push('\n')
    }
  }
  walk(value, 0)
  return parts.join('').replace(/[ \t]+\n/g, '\n').replace(/\n{2,}/g, '\n').trim().slice(0, MAX_TEXT)
}

/** Words and their offsets in `text`: letters and digits, apostrophes inside a word kept ("don't"). */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu

export function* wordsOf(text: string): Generator<{ word: string; start: number; end: number }> {
  for (const match of text.matchAll(WORD)) yield { word: match[0], start: match.index, end: match.index + match[0].length }
}

export const tokenize = (text: string): string[] => text.match(WORD) ?? []

// Short and frequent: they would match nearly every document and crowd the ranking.
const STOP_WORDS = new Set(
  'a an and are as at be but by can do does for from has have how i if in into is it its my of on or our so that the their them then there these they this to was we what when where which who why will with you your'.split(
    ' ',
  ),
)

/**
 * A light English stemmer (plural and common verb endings: "shoulders" → "shoulder",
 * "stretches" → "stretch", "injuries" → "injury", "stretching" → "stretch"). Deliberately
 * conservative: a wrong stem merges words, a missing one only costs a fuzzy match. Applied to
 * documents and queries alike.
 */
export const stem = (word: string): string => {
  if (word.length <= 3) return word
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`
  if (word.endsWith('sses')) return word.slice(0, -2)
  if (/(?:ch|sh|x|z)es$/.test(word)) return word.slice(0, -2)
  if (word.endsWith('s') && !/(?:ss|us|is|ys)$/.test(word)) return word.slice(0, -1)
  if (word.endsWith('ing') && word.length > 5) return undouble(word.slice(0, -3))
  if (word.endsWith('ed') && word.length > 4 && !word.endsWith('eed')) return undouble(word.slice(0, -2))
  return word
}

// "stopped" → "stopp" → "stop"; not "ll"/"ss"/"zz" ("rolled" stays "roll").
const undouble = (word: string) => (/([^aeiouylsz])\1$/.test(word) ? word.slice(0, -1) : word)

/**
 * Snippets look up the term of every word they pass (src/search/snippet.ts), the same few
 * thousand words of the site's vocabulary again and again: remembered here, up to a bound (a
 * query's own words are at most 12 a search, so a stream of made-up words only refills it).
 */
const TERM_MEMO_LIMIT = 20_000
const termMemo = new Map<string, string | null>()

/** The index term of a word, or null for a stop word. Also strips accents ("mobilisation" and "mobilización" meet). */
export const indexTerm = (word: string): string | null => {
  const known = termMemo.get(word)
  if (known !== undefined) return known
  const term = computeIndexTerm(word)
  if (termMemo.size >= TERM_MEMO_LIMIT) termMemo.clear()
  if (word.length <= 64) termMemo.set(word, term)
  return term
}

const computeIndexTerm = (word: string): string | null => {
  // Most words are plain ASCII: skip the Unicode normalisation (the snippets call this for every word they show).
  const plain = /^[A-Za-z0-9]+$/.test(word) ? word : word.normalize('NFKD').replace(/\p{M}/gu, '')
  const lower = plain.toLowerCase().replace(/['’]s$/, '').replace(/['’]/g, '')
  if (!lower || STOP_WORDS.has(lower)) return null
  return stem(lower)
}
