import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { PUBLIC_COLLECTIONS, PUBLIC_GLOBALS, PUBLIC_GRAPHQL_ROOT_FIELDS } from '../../../src/cache/publicContent'
import { classifyGraphql, classifyRest, isAuthenticated } from '../../../src/cache/rules'
import { ROOT } from '../../helpers/server'
import { useContentCacheTest } from './setup'

useContentCacheTest()

describe('which requests the cache may answer', () => {
  it('lists only public read fields, all of which exist in the schema and the config', async () => {
    const schema = fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8')
    const queryType = /(?:^|\n)type Query \{\n([\s\S]*?)\n\}/.exec(schema)![1]
    const queryFields = new Set([...queryType.matchAll(/^ {2}(\w+)/gm)].map((match) => match[1]))
    for (const field of PUBLIC_GRAPHQL_ROOT_FIELDS) if (field !== '__typename') expect(queryFields).toContain(field)
    for (const field of PUBLIC_GRAPHQL_ROOT_FIELDS) expect(field).not.toMatch(/version|docAccess|User|Subscriber|Newsletter|Deliver|Webhook|Payload/)

    const config = await (await import('../../../payload.config')).default
    for (const [slug, names] of Object.entries(PUBLIC_COLLECTIONS)) {
      const collection = config.collections.find((candidate) => candidate.slug === slug)!
      // The schema's own names for this collection's find-one and find-many.
      const singular = new RegExp(`^  ${names.singular}\\(id: `, 'm')
      const plural = new RegExp(`^  ${names.plural}\\(draft: Boolean, .*\\): ${names.plural}\\b`, 'm')
      expect([slug, singular.test(queryType), plural.test(queryType)]).toEqual([slug, true, true])
      // Every public collection clears the cache when it changes.
      expect(collection.hooks.afterChange?.some((hook) => hook.name === 'bumpContentRevisionAfterChange')).toBe(true)
      expect(collection.hooks.afterDelete?.some((hook) => hook.name === 'bumpContentRevisionAfterDelete')).toBe(true)
    }
    for (const slug of Object.keys(PUBLIC_GLOBALS)) {
      const global = config.globals.find((candidate) => candidate.slug === slug)!
      expect(global.hooks.afterChange?.some((hook) => hook.name === 'bumpContentRevisionAfterGlobalChange')).toBe(true)
    }
  })

  it('classifies REST paths', () => {
    const rest = (url: string) => {
      const parsed = new URL(url, 'http://x')
      return classifyRest(parsed.pathname, parsed.searchParams).cacheable
    }
    expect(rest('/api/articles?limit=10')).toBe(true)
    expect(rest('/api/articles/12')).toBe(true)
    expect(rest('/api/articles/count')).toBe(true)
    expect(rest('/api/media')).toBe(true)
    expect(rest('/api/globals/clinic')).toBe(true)
    expect(rest('/api/articles?draft=true')).toBe(false)
    expect(rest('/api/articles?draft=false')).toBe(false)
    expect(rest('/api/articles/12?draft=true')).toBe(false)
    expect(rest('/api/articles/versions')).toBe(false)
    expect(rest('/api/articles/versions/3')).toBe(false)
    expect(rest('/api/articles/12/schedule')).toBe(false)
    expect(rest('/api/media/file/x.jpg')).toBe(false)
    expect(rest('/api/globals/clinic/versions')).toBe(false)
    expect(rest('/api/globals/audience-stats')).toBe(false)
    for (const slug of ['users', 'subscribers', 'newsletters', 'deliveries', 'webhooks', 'webhook-deliveries', 'payload-jobs']) {
      expect(rest(`/api/${slug}`)).toBe(false)
    }
    // One key whatever the order of the parameters.
    const a = classifyRest('/api/articles', new URLSearchParams('limit=2&sort=-publishedAt'))
    const b = classifyRest('/api/articles', new URLSearchParams('sort=-publishedAt&limit=2'))
    expect(a).toEqual(b)
  })

  it('classifies GraphQL operations', () => {
    const cacheable = (query: string, variables?: unknown, operationName?: string) =>
      classifyGraphql({ query, variables, operationName }).cacheable
    expect(cacheable('{ Articles { docs { title } } }')).toBe(true)
    expect(cacheable('query Q($s: String) { Articles(where: { slug: { equals: $s } }) { docs { title } } Clinic { name } }', { s: 'x' })).toBe(true)
    expect(cacheable('query { ...F } fragment F on Query { Conditions { totalDocs } countFaqs { totalDocs } }')).toBe(true)
    expect(cacheable('{ allMedia { docs { url } } Media(id: 1) { alt } }')).toBe(true)
    expect(cacheable('{ Articles(draft: true) { docs { title } } }')).toBe(false)
    expect(cacheable('{ Article(id: 1, draft: false) { title } }')).toBe(false)
    expect(cacheable('{ Articles { docs { conditions { relatedArticles(draft: true) { docs { id } } } } } }')).toBe(false)
    expect(cacheable('{ versionsArticles { docs { id } } }')).toBe(false)
    expect(cacheable('{ Users { docs { email } } }')).toBe(false)
    expect(cacheable('{ Subscribers { totalDocs } }')).toBe(false)
    expect(cacheable('{ Articles { totalDocs } Users { totalDocs } }')).toBe(false)
    expect(cacheable('{ meUser { user { email } } }')).toBe(false)
    expect(cacheable('{ __schema { types { name } } }')).toBe(false)
    expect(cacheable('mutation { loginUser(email: "a", password: "b") { token } }')).toBe(false)
    expect(cacheable('query A { Articles { totalDocs } } mutation B { logoutUser }', undefined, 'B')).toBe(false)
    expect(cacheable('{ Articles { docs { title }')).toBe(false)
    // Formatting, comments and variable key order do not split the cache.
    const a = classifyGraphql({ query: '{Articles{docs{title}}}', variables: { a: 1, b: 2 } })
    const b = classifyGraphql({ query: '# front page\n{ Articles { docs { title } } }', variables: { b: 2, a: 1 } })
    expect(a.cacheable && a.key).toBe(b.cacheable && b.key)
  })

  it('treats any credentials as authenticated', () => {
    expect(isAuthenticated({})).toBe(false)
    expect(isAuthenticated({ cookie: 'theme=dark; other=1' })).toBe(false)
    expect(isAuthenticated({ cookie: 'theme=dark; payload-token=abc' })).toBe(true)
    expect(isAuthenticated({ authorization: 'JWT abc' })).toBe(true)
    expect(isAuthenticated({ authorization: 'users API-Key abc' })).toBe(true)
  })
})
