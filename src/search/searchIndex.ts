import MiniSearch from 'minisearch'

import { PUBLISHED_CONTENT_COLLECTIONS, type PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { buildSnippet } from './snippet'
import { SEARCH_FIELDS, type SearchEntry } from './sources'
import { indexTerm, tokenize } from './text'

export type SearchHit = { collection: PublishedContentSlug; id: number | string; slug: string | null; title: string; snippet: string; score: number }

/**
 * The published documents' search index, in this process's memory (MiniSearch: an inverted
 * index on a radix tree, BM25 ranking, fuzzy and prefix matching). Titles weigh most, then
 * excerpts and symptoms. Each query word matches its stem exactly, and as a prefix when it is the
 * last word (search-as-you-type). A word that appears nowhere on the site is taken for a typo and
 * matches within one edit (two for words of eight letters or more): "sholder" finds "shoulder",
 * while "joint", which the site contains, does not also find every "point". That is also what
 * keeps a search cheap: a fuzzy lookup walks the whole term tree, and a real word's neighbours
 * add their documents to score (bench:search).
 */
export class SearchIndex {
  private readonly index: MiniSearch<SearchEntry>
  private readonly entries = new Map<string, SearchEntry>()
  /** How many entries contain each index term: a query word the site does not contain is a typo. */
  private readonly termCounts = new Map<string, number>()

  constructor(entries: Iterable<SearchEntry> = []) {
    this.index = new MiniSearch<SearchEntry>({
      idField: 'key',
      fields: [...SEARCH_FIELDS],
      tokenize,
      processTerm: (term) => indexTerm(term) ?? null,
      searchOptions: {
        boost: { title: 4, excerpt: 2, symptoms: 2, techniques: 1.5, body: 1 },
        fuzzy: (term) => (this.termCounts.has(term) ? false : term.length >= 8 ? 2 : term.length >= 4 ? 1 : false),
        maxFuzzy: 2,
        prefix: (term, index, terms) => index === terms.length - 1 && term.length >= 3,
        weights: { fuzzy: 0.6, prefix: 0.5 },
      },
    })
    for (const entry of entries) this.upsert(entry)
  }

  get size() {
    return this.entries.size
  }

  upsert(entry: SearchEntry) {
    this.remove(entry.key)
    this.entries.set(entry.key, entry)
    this.countTerms(entry, 1)
    this.index.add(entry)
  }

  remove(key: string) {
    const entry = this.entries.get(key)
    if (!entry) return
    this.index.discard(key)
    this.countTerms(entry, -1)
    this.entries.delete(key)
  }

  /** Whether any entry contains the index term `term` (tests, and the fuzzy rule above). */
  hasTerm(term: string) {
    return this.termCounts.has(term)
  }

  private countTerms(entry: SearchEntry, change: 1 | -1) {
    const terms = new Set<string>()
    for (const field of SEARCH_FIELDS) {
      for (const word of tokenize(entry[field])) {
        const term = indexTerm(word)
        if (term !== null) terms.add(term)
      }
    }
    for (const term of terms) {
      const count = (this.termCounts.get(term) ?? 0) + change
      if (count > 0) this.termCounts.set(term, count)
      else this.termCounts.delete(term)
    }
  }

  search(query: string, { collections, limit }: { collections: ReadonlySet<PublishedContentSlug>; limit: number }): { results: SearchHit[]; total: number } {
    // Every collection (the default): no filter to call once per matching document.
    const everyCollection = PUBLISHED_CONTENT_COLLECTIONS.every((collection) => collections.has(collection))
    const filter = everyCollection ? undefined : (result: { id: string }) => collections.has(this.entries.get(result.id)?.collection as PublishedContentSlug)
    const matches = this.index.search(query, filter ? { filter } : {})
    const results = matches.slice(0, limit).map((match): SearchHit => {
      const entry = this.entries.get(match.id)!
      return {
        collection: entry.collection,
        id: entry.id,
        slug: entry.slug,
        title: entry.title,
        snippet: buildSnippet(entry, new Set(match.terms)),
        score: Math.round(match.score * 1000) / 1000,
      }
    })
    return { results, total: matches.length }
  }
}
