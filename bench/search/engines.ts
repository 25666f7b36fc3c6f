import { createClient } from '@libsql/client'

import { PUBLISHED_CONTENT_COLLECTIONS } from '../../collections/shared/publishedContentSlugs'
import { SearchIndex } from '../../src/search/searchIndex'
import type { SearchEntry } from '../../src/search/sources'
import { tokenize } from '../../src/search/text'
import { percentile } from '../lib/stats'
import { QUERIES } from './content'

export type EngineFigures = { engine: string; buildMs: number; p50Ms: number; p99Ms: number; relevance: string; notes: string }

const ROUNDS = 50

const time = async (run: (q: string) => Promise<unknown> | unknown) => {
  const latencies: number[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const { q } of QUERIES) {
      const started = performance.now()
      await run(q)
      latencies.push(performance.now() - started)
    }
  }
  return latencies.sort((a, b) => a - b)
}

const relevanceOf = async (titlesFor: (q: string) => Promise<string[]> | string[]) => {
  const judged = QUERIES.filter((query) => query.expect)
  let found = 0
  const missed: string[] = []
  for (const { q, expect } of judged) {
    if ((await titlesFor(q)).slice(0, 3).includes(expect!)) found += 1
    else missed.push(q)
  }
  return `${found}/${judged.length} expected titles in the top 3${missed.length ? ` (missed: ${missed.join(', ')})` : ''}`
}

/**
 * The two candidates on the same entries, in this process (the engine alone, no HTTP): the
 * project's MiniSearch index, and SQLite's FTS5 (`porter unicode61` tokenizer: stemming, no
 * typo tolerance) in an in-memory libSQL database, the driver @payloadcms/db-sqlite uses. Build
 * time, per-query latency over the 20 queries (50 rounds), and how many judged queries find
 * their expected title in the first three.
 */
export const compareEngines = async (entries: SearchEntry[]): Promise<EngineFigures[]> => {
  const all = new Set(PUBLISHED_CONTENT_COLLECTIONS)
  let started = performance.now()
  const index = new SearchIndex(entries)
  const miniBuild = performance.now() - started
  const miniSearch = (q: string) => index.search(q, { collections: all, limit: 10 })
  const miniLatencies = await time(miniSearch)
  const miniRelevance = await relevanceOf((q) => miniSearch(q).results.map((hit) => hit.title))

  const db = createClient({ url: ':memory:' })
  started = performance.now()
  await db.execute(`CREATE VIRTUAL TABLE search USING fts5(key UNINDEXED, title, excerpt, body, symptoms, techniques, tokenize = 'porter unicode61')`)
  await db.batch(
    entries.map((entry) => ({
      sql: 'INSERT INTO search (key, title, excerpt, body, symptoms, techniques) VALUES (?, ?, ?, ?, ?, ?)',
      args: [entry.key, entry.title, entry.excerpt, entry.body, entry.symptoms, entry.techniques],
    })),
    'write',
  )
  const ftsBuild = performance.now() - started
  const titles = new Map(entries.map((entry) => [entry.key, entry.title]))
  const ftsSearch = async (q: string) => {
    const words = tokenize(q).map((word) => word.replace(/"/g, ''))
    const match = words.map((word, i) => `"${word}"${i === words.length - 1 && word.length >= 3 ? '*' : ''}`).join(' OR ')
    const { rows } = await db.execute({
      sql: `SELECT key, snippet(search, -1, '<mark>', '</mark>', '…', 24) AS snippet, (SELECT count(*) FROM search WHERE search MATCH ?1) AS total
            FROM search WHERE search MATCH ?1 ORDER BY bm25(search, 0, 4, 2, 1, 2, 1.5) LIMIT 10`,
      args: [match],
    })
    return rows.map((row) => titles.get(String(row.key)) ?? '')
  }
  const ftsLatencies = await time(ftsSearch)
  const ftsRelevance = await relevanceOf(ftsSearch)
  db.close()

  return [
    {
      engine: 'MiniSearch (in-process)',
      buildMs: miniBuild,
      p50Ms: percentile(miniLatencies, 50),
      p99Ms: percentile(miniLatencies, 99),
      relevance: miniRelevance,
      notes: 'the same code on SQLite and MongoDB; typos, stems, prefixes',
    },
    {
      engine: 'SQLite FTS5 (porter)',
      buildMs: ftsBuild,
      p50Ms: percentile(ftsLatencies, 50),
      p99Ms: percentile(ftsLatencies, 99),
      relevance: ftsRelevance,
      notes: 'SQLite only (MongoDB would need $text or Atlas Search: a second implementation); no typo tolerance',
    },
  ]
}
