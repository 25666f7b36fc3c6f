import type { SearchEntry } from './sources'
import { indexTerm, words } from './text'

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
  for (const text of [entry.excerpt, entry.body, entry.symptoms, entry.techniques, entry.title]) {
    if (!text) continue
    const found = words(text).filter(({ word }) => {
      const term = indexTerm(word)
      return term !== null && matchedTerms.has(term)
    })
    if (found.length === 0) continue
    const first = found[0]
    let start = Math.max(0, first.start - Math.floor(SNIPPET_LENGTH / 3))
    // Start at a word boundary.
    if (start > 0) start = text.indexOf(' ', start) + 1 || start
    let end = Math.min(text.length, start + SNIPPET_LENGTH)
    if (end < text.length) end = text.lastIndexOf(' ', end) > first.end ? text.lastIndexOf(' ', end) : end
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
