import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { UnlistedOriginLog } from '../../src/security/unlistedOrigins'
import { getAllowedOrigins } from '../../src/utilities/allowedOrigins'
import { richText } from '../helpers/fixtures'
import { startSiteServer, type SiteServer } from './feeds-site-server'

/**
 * CORS over real HTTP, through the response cache in front of the REST routes as `npm start`
 * wires them: an origin in CORS_ORIGINS gets Access-Control-Allow-Origin on cached and passed-
 * through answers, any other gets none, and the server logs each unlisted origin once.
 */
const FRONT_END = 'https://www.clinic.test'

let site: SiteServer
const logged: string[] = []

beforeAll(async () => {
  process.env.CORS_ORIGINS = `${FRONT_END}/`
  site = await startSiteServer('cors-unlisted-origins', undefined, { allowedOrigins: getAllowedOrigins(), logUnlistedOrigin: (message) => logged.push(message) })
  await site.ctx.payload.create({ collection: 'articles', data: { _status: 'published', title: 'Hello', slug: 'hello', content: richText('x') } })
}, 120_000)

afterAll(async () => {
  delete process.env.CORS_ORIGINS
  await site?.stop()
})

describe('CORS', () => {
  it('allows a listed origin, on a cache miss, a hit and a passed-through answer', async () => {
    const miss = await site.get('/api/articles?limit=1', { Origin: FRONT_END })
    const hit = await site.get('/api/articles?limit=1', { Origin: FRONT_END })
    expect(hit.headers.get('x-cache')).toBe('HIT')
    const passed = await site.get('/api/users/me', { Origin: FRONT_END })
    expect(passed.headers.get('x-cache')).toBe('BYPASS')
    for (const response of [miss, hit, passed]) expect(response.headers.get('access-control-allow-origin')).toBe(FRONT_END)
    expect(logged).toEqual([])
  })

  it('gives an unlisted origin no Access-Control-Allow-Origin and logs it once', async () => {
    const answers = [
      await site.get('/api/articles?limit=1', { Origin: 'https://evil.test' }),
      await site.get('/api/articles?limit=1', { Origin: 'https://evil.test' }),
      await site.get('/api/users/me', { Origin: 'https://evil.test' }),
      await site.get('/feeds/articles.rss', { Origin: 'https://evil.test' }),
    ]
    for (const response of answers) {
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
    }
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(/^CORS: a request from origin "https:\/\/evil\.test" got no Access-Control-Allow-Origin/)
    expect(logged[0]).toMatch(/add it to CORS_ORIGINS/)
    await site.get('/api/articles?limit=1', { Origin: 'http://localhost:5173' })
    expect(logged).toHaveLength(2)
    expect(logged[1]).toContain('"http://localhost:5173"')
  })

  it('remembers a bounded number of origins: a flood costs fixed memory, one line per origin not seen recently', () => {
    const lines: string[] = []
    const log = new UnlistedOriginLog([FRONT_END], (message) => lines.push(message))
    for (let i = 0; i < 1500; i++) log.note(`https://flood-${i}.test`)
    expect(lines).toHaveLength(1500)
    // The most recent are remembered, the oldest were let go.
    expect(log.note('https://flood-1499.test')).toBe(false)
    expect(log.note('https://flood-0.test')).toBe(true)
    expect(log.note(FRONT_END)).toBe(false)
    expect(log.note(undefined)).toBe(false)
    expect(log.note(`https://${'x'.repeat(5000)}.test`)).toBe(true)
    expect(lines.at(-1)!.length).toBeLessThan(600)
  })
})
