import { describe, expect, it } from 'vitest'

import { contentCacheConfig } from '../../../src/cache/config'
import { ContentCache, httpTransport } from '../../../src/cache/contentCache'
import { changeTags, formatContentTags, slugTag } from '../../../src/cache/contentTags'
import { TaggedStore } from '../../../src/cache/taggedStore'

/** The bookkeeping under the response cache's tag invalidation, without Payload (the HTTP behaviour is in tags.int.spec.ts). */

const entry = (tags: string[]) => ({ tags, size: 100 })

describe('TaggedStore', () => {
  it('drops only the entries carrying a dropped tag', () => {
    const store = new TaggedStore({ maxBytes: 1_000_000, ledgerMs: 60_000, now: Date.now })
    store.setUnlessDroppedSince('a', entry(['articles:1', 'media:4']), store.mark())
    store.setUnlessDroppedSince('b', entry(['articles:2']), store.mark())
    store.setUnlessDroppedSince('c', entry(['articles:list']), store.mark())
    expect(store.dropTags(['media:4', 'articles:list'])).toBe(2)
    expect([store.get('a'), store.get('b'), store.get('c')].map(Boolean)).toEqual([false, true, false])
    expect(store.stats().tags).toBe(1)
  })

  it('refuses a fill when a drop touching its tags happened while it was fetched, and keeps one whose tags were not touched', () => {
    const store = new TaggedStore({ maxBytes: 1_000_000, ledgerMs: 60_000, now: Date.now })
    const before = store.mark()
    store.dropTags(['articles:1'])
    expect(store.setUnlessDroppedSince('stale', entry(['articles:1']), before)).toBe(false)
    expect(store.setUnlessDroppedSince('fine', entry(['articles:2']), before)).toBe(true)
    store.clear()
    expect(store.setUnlessDroppedSince('after-clear', entry(['articles:2']), before)).toBe(false)
  })

  it('refuses a fill older than the drops it remembers', () => {
    let now = 0
    const store = new TaggedStore({ maxBytes: 1_000_000, ledgerMs: 1000, now: () => now })
    const before = store.mark()
    store.dropTags(['articles:1'])
    now = 5000
    store.dropTags(['articles:3'])
    // The first drop aged out of the ledger: the store cannot tell, so it does not keep it.
    expect(store.setUnlessDroppedSince('old', entry(['articles:2']), before)).toBe(false)
  })
})

describe('the change log as another process reports it', () => {
  const cacheWithNoUpstream = () =>
    new ContentCache(contentCacheConfig({} as NodeJS.ProcessEnv), { transport: httpTransport({ port: 9 }), allowedOrigins: [] })

  it('applies each row once, and clears everything when the new token has no row (a gap)', () => {
    const cache = cacheWithNoUpstream()
    const now = Date.now()
    cache.revisionRead('t0', now, [{ id: 1, revision: 't0', tags: ['articles:1'], changedAt: now }])
    expect(cache.counters.invalidations).toBe(0)
    cache.revisionRead('t1', now + 50, [
      { id: 2, revision: 't1', tags: ['articles:2'], changedAt: now + 10 },
      { id: 1, revision: 't0', tags: ['articles:1'], changedAt: now },
    ])
    expect([cache.counters.invalidations, cache.counters.clears]).toEqual([1, 0])
    cache.revisionRead('t1', now + 100)
    expect(cache.counters.invalidations).toBe(1)
    cache.revisionRead('t9', now + 150, [{ id: 2, revision: 't1', tags: ['articles:2'], changedAt: now + 10 }])
    expect(cache.counters.clears).toBe(1)
  })
})

describe('tags', () => {
  it('names a change by document, slugs before and after, list, and the joins listing it', () => {
    expect(
      changeTags('articles', [
        { id: 5, slug: 'old-slug', joinedBy: { conditions: [1] } },
        { id: 5, slug: 'new-slug', joinedBy: { conditions: [2] } },
      ]),
    ).toEqual(['articles:5', 'articles:list', 'articles:slug:new-slug', 'articles:slug:old-slug', 'conditions:1:joins', 'conditions:2:joins', 'content'])
    expect(slugTag('articles', 'a b,c')).toBe('articles:list')
    expect(formatContentTags(Array.from({ length: 2000 }, (_, index) => `articles:${index}`))).toBe('content')
  })
})
