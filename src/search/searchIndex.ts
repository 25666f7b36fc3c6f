import MiniSearch from 'minisearch'

import type { PublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { buildSnippet } from './snippet'
import { SEARCH_FIELDS, type SearchEntry } from './sources'
import { indexTerm, tokenize } from './text'

export type SearchHit = { collection: PublishedContentSlug; id: number | string; slug: string | null; title: string; snippet: string; score: number }

/**
 * The published documents' search index, in this process's memory (MiniSearch: an inverted
 * index on a radix tree, BM25 ranking, fuzzy and prefix matching). Titles weigh most, then
 * excerpts and symptoms. Each query word matches its stem exactly, within one typo (two for
 * words of eight letters or more), and as a prefix when it is the last word (search-as-you-type).
 */
export class SearchIndex {
  private readonly index: MiniSearch<SearchEntry>
  private readonly entries = new Map<string, SearchEntry>()

  constructor(entries: Iterable<SearchEntry> = []) {
    this.index = new MiniSearch<SearchEntry>({
      idField: 'key',
      fields: [...SEARCH_FIELDS],
      tokenize,
      processTerm: (term) => indexTerm(term) ?? null,
      searchOptions: {
        boost: { title: 4, excerpt: 2, symptoms: 2, techniques: 1.5, body: 1 },
        fuzzy: (term) => (term.length >= 8 ? 2 : term.length >= 4 ? 1 : false),
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
    if (this.entries.has(entry.key)) this.index.discard(entry.key)
    this.entries.set(entry.key, entry)
    this.index.add(entry)
  }

  remove(key: string) {
    if (!this.entries.has(key)) return
    this.index.discard(key)
    this.entries.delete(key)
  }

  search(query: string, { collections, limit }: { collections: ReadonlySet<PublishedContentSlug>; limit: number }): { results: SearchHit[]; total: number } {
    const matches = this.index.search(query, { filter: (result) => collections.has(this.entries.get(result.id)?.collection as PublishedContentSlug) })
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
