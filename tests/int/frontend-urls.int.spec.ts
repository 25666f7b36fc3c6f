import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { drawHeroImage } from '../../src/seed/heroImage'
import { richText } from '../helpers/fixtures'
import { stopTestPayloadIfStarted, type TestPayload } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * Links to the website come from SITE_URL and the clinic global's path patterns, the same in
 * JSON-LD and emails; media stay at SERVER_URL (the CMS serves them).
 */
const SITE_URL = 'https://www.clinic.test'
const SERVER_URL = 'http://localhost:3000'

let ctx: TestPayload
let payload: Payload
let http: typeof import('../helpers/http')
let ids: { article: number; condition: number; service: number; faq: number; media: number }

beforeAll(async () => {
  process.env.SITE_URL = `${SITE_URL}/`
  ;({ ctx, http } = await startStaffPayload('frontend-urls', { name: 'Clinic', bookingUrl: 'https://example.com/book' }))
  payload = ctx.payload
  const data = await drawHeroImage('Calm', 0)
  const media = await payload.create({ collection: 'media', data: { alt: 'A calm room' }, file: { data, mimetype: 'image/jpeg', name: 'calm.jpg', size: data.length } })
  const condition = await payload.create({ collection: 'conditions', data: { _status: 'published', name: 'Frozen shoulder', slug: 'frozen-shoulder', summary: 'Stiff.' } })
  const service = await payload.create({
    collection: 'services',
    data: { _status: 'published', name: 'Medical massage', slug: 'medical-massage', category: 'medical', options: [{ durationMinutes: 60, price: 90 }] },
  })
  const article = await payload.create({
    collection: 'articles',
    data: { _status: 'published', title: 'Easing a stiff neck', slug: 'stiff-neck', content: richText('Words.'), heroImage: media.id, conditions: [condition.id] },
  })
  const faq = await payload.create({ collection: 'faqs', data: { _status: 'published', question: 'Do you bill insurance?', answer: richText('Yes.'), category: 'insurance' } })
  ids = { article: article.id, condition: condition.id, service: service.id, faq: faq.id, media: media.id }
}, 120_000)

afterAll(async () => {
  delete process.env.SITE_URL
  await stopTestPayloadIfStarted(ctx)
})

const jsonLdOf = async (collection: string, id: number) => {
  const { status, json } = await http.api('GET', `/${collection}/${id}?depth=1`)
  expect(status).toBe(200)
  return json.jsonLd
}

describe('front-end URLs', () => {
  it('JSON-LD places pages at SITE_URL with the default patterns and media at SERVER_URL', async () => {
    const article = await jsonLdOf('articles', ids.article)
    expect(article.url).toBe(`${SITE_URL}/articles/stiff-neck`)
    expect(article['@id']).toBe(`${SITE_URL}/articles/stiff-neck#article`)
    expect(article.publisher['@id']).toBe(`${SITE_URL}/#clinic`)
    expect(article.image).toBe(`${SERVER_URL}/api/media/file/calm.jpg`)
    expect((await jsonLdOf('conditions', ids.condition)).url).toBe(`${SITE_URL}/conditions/frozen-shoulder`)
    expect((await jsonLdOf('services', ids.service)).url).toBe(`${SITE_URL}/services/medical-massage`)
    expect((await jsonLdOf('faqs', ids.faq)).url).toBe(`${SITE_URL}/faq#${ids.faq}`)
    const clinic = await http.api('GET', '/globals/clinic')
    expect(clinic.json.jsonLd.url).toBe(SITE_URL)
    expect(clinic.json.frontEnd).toEqual({ articlePath: '/articles/{slug}', conditionPath: '/conditions/{slug}', servicePath: '/services/{slug}', faqPath: '/faq#{slug}' })
    const media = await http.api('GET', `/media/${ids.media}`)
    expect(media.json.url).toBe(`${SERVER_URL}/api/media/file/calm.jpg`)
  })

  it('follows the clinic global\'s patterns everywhere: JSON-LD (REST and GraphQL) and emails', async () => {
    await payload.updateGlobal({
      slug: 'clinic',
      data: { frontEnd: { articlePath: '/blog/{slug}', conditionPath: '/treat/{id}-{slug}', servicePath: '/services/{slug}', faqPath: '/help#q-{id}' } },
    })
    try {
      expect((await jsonLdOf('articles', ids.article)).url).toBe(`${SITE_URL}/blog/stiff-neck`)
      expect((await jsonLdOf('conditions', ids.condition)).url).toBe(`${SITE_URL}/treat/${ids.condition}-frozen-shoulder`)
      expect((await jsonLdOf('faqs', ids.faq)).url).toBe(`${SITE_URL}/help#q-${ids.faq}`)
      const gql = await http.gql(`{ Articles(limit: 5) { docs { slug jsonLd } } }`)
      expect(gql.json.data.Articles.docs[0].jsonLd.url).toBe(`${SITE_URL}/blog/stiff-neck`)
      const { compileNewsletter } = await import('../../emails/newsletters/compile')
      const newsletter = await payload.create({
        collection: 'newsletters',
        data: { subject: 'News', template: 'newsletter', featuredArticles: [ids.article] } as never,
        overrideAccess: true,
      })
      const { html } = await compileNewsletter(payload, newsletter)
      expect(html).toContain(`href="${SITE_URL}/blog/stiff-neck"`)
      expect(html).not.toContain('/articles/stiff-neck')
    } finally {
      await payload.updateGlobal({ slug: 'clinic', data: { frontEnd: { articlePath: '/articles/{slug}', conditionPath: '/conditions/{slug}', faqPath: '/faq#{slug}' } } })
    }
  })

  it('refuses a pattern that cannot place pages with a 400 naming the field', async () => {
    for (const [pattern, message] of [
      ['/articles/fixed', /\{slug\} or \{id\}/],
      ['https://elsewhere.test/{slug}', /single "\/"/],
      ['/a/{slug}/{title}', /not a placeholder/],
    ] as const) {
      const { status, json } = await http.api('POST', '/globals/clinic', { credentials: { token: (await adminToken()) }, body: { frontEnd: { articlePath: pattern } } })
      expect(status, pattern).toBe(400)
      expect(http.fieldErrors(json)[0].path).toBe('frontEnd.articlePath')
      expect(http.fieldErrors(json)[0].message).toMatch(message)
    }
  })
})

let admin: string | undefined
const adminToken = async () => {
  const { PASSWORD } = await import('../helpers/fixtures')
  admin ??= await http.login('owner@clinic.test', PASSWORD)
  return admin
}
