import type { SearchEntry } from './sources'
import { indexTerm, wordsOf } from './text'

/** Characters of context in a snippet, around its first highlighted word. */
const SNIPPET_LENGTH = 180

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

/**
 * An HTML snippet of the entry: the first field (excerpt, body, symptoms, techniques, title)
 * with a word whose index term the result matched, about SNIPPET_LENGTH characters around it,
 * every matching word in `<mark>`, everything else escaped (the text is the editors', the
 * snippet goes into a page as HTML). Without a matching word: the start of the excerpt or body.
 */
export const buildSnippet = (entry: SearchEntry, matchedTerms: ReadonlySet<string>): string => {
  const matches = (word: string) => {
    const term = indexTerm(word)
    return term !== null && matchedTerms.has(term)
  }
  for (const text of [entry.excerpt, entry.body, entry.symptoms, entry.techniques, entry.title]) {
    if (!text) continue
    // Words are read lazily: up to the first match, then to the end of its window only.
    let first: { start: number; end: number } | undefined
    let start = 0
    let end = text.length
    const found: Array<{ start: number; end: number }> = []
    for (const { word, start: wordStart, end: wordEnd } of wordsOf(text)) {
      if (first && wordEnd > end) break
      if (!matches(word)) continue
      if (!first) {
        first = { start: wordStart, end: wordEnd }
        start = Math.max(0, wordStart - Math.floor(SNIPPET_LENGTH / 3))
        // Start at a word boundary.
        if (start > 0) start = text.indexOf(' ', start) + 1 || start
        end = Math.min(text.length, start + SNIPPET_LENGTH)
        if (end < text.length) end = text.lastIndexOf(' ', end) > wordEnd ? text.lastIndexOf(' ', end) : end
      }
      found.push({ start: wordStart, end: wordEnd })
    }
    if (!first) continue
    let html = start > 0 ? '…' : ''
    let at = start
    for (const { start: wordStart, end: wordEnd } of found) {
      if (wordStart < start || wordEnd > end) continue
      html += `${escapeHtml(text.slice(at, wordStart))}<mark>${escapeHtml(text.slice(wordStart, wordEnd))}</mark>`
      at = wordEnd
    }
    html += escapeHtml(text.slice(at, end)) + (end < text.length ? '…' : '')
    return html.replace(/\s+/g, ' ')
  }
  const fallback = entry.excerpt || entry.body
  return escapeHtml(fallback.slice(0, SNIPPET_LENGTH)).replace(/\s+/g, ' ') + (fallback.length > SNIPPET_LENGTH ? '…' : '')
}
