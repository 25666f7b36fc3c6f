import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'

let ctx: TestPayload
let http: typeof import('../helpers/http')
let firstReport: Awaited<ReturnType<typeof import('../../src/seed').seed>>

beforeAll(async () => {
  ctx = await startTestPayload('seed')
  http = await import('../helpers/http')
  const { seed } = await import('../../src/seed')
  firstReport = await seed(ctx.payload)
}, 300_000)

afterAll(() => stopTestPayloadIfStarted(ctx))

const countAll = async () => {
  const { payload } = ctx
  const counts: Record<string, number> = {}
  for (const collection of ['articles', 'conditions', 'services', 'faqs', 'media'] as const) {
    counts[collection] = (await payload.count({ collection, overrideAccess: true })).totalDocs
  }
  counts.articleVersions = (await payload.countVersions({ collection: 'articles', overrideAccess: true })).totalDocs
  return counts
}

describe('demo content', () => {
  it('loads the promised amount of content, some of it draft', async () => {
    const counts = await countAll()
    expect(counts.articles).toBeGreaterThanOrEqual(10)
    expect(counts.conditions).toBeGreaterThanOrEqual(12)
    expect(counts.services).toBeGreaterThanOrEqual(6)
    expect(counts.faqs).toBeGreaterThanOrEqual(8)
    expect(counts.media).toBe(counts.articles)
    const published = await ctx.payload.count({ collection: 'articles', where: { _status: { equals: 'published' } } })
    expect(published.totalDocs).toBeGreaterThan(0)
    expect(published.totalDocs).toBeLessThan(counts.articles)
    const clinic = await ctx.payload.findGlobal({ slug: 'clinic' })
    expect(clinic.name).toMatch(/Stevenson/)
    expect(clinic.timezone).toBeTruthy()
  })

  it('is idempotent: a second run creates nothing and changes nothing', async () => {
    const before = await countAll()
    const { seed } = await import('../../src/seed')
    const second = await seed(ctx.payload)
    expect(Object.values(second).every((item) => item.created === 0)).toBe(true)
    expect(second.articles.existing).toBe(firstReport.articles.created)
    expect(await countAll()).toEqual(before)
  })

  it('generated every image size for the hero images', async () => {
    const { docs } = await ctx.payload.find({ collection: 'media', limit: 1 })
    expect(docs[0].sizes?.thumbnail?.url).toBeTruthy()
    expect(docs[0].sizes?.og?.width).toBe(1200)
  })
})

const ofType = (jsonLd: any, type: string) => {
  expect(jsonLd['@context']).toBe('https://schema.org')
  expect(jsonLd['@type']).toBe(type)
}

describe('JSON-LD structured data', () => {
  it('articles are BlogPosting, over REST and GraphQL', async () => {
    const rest = await http.api('GET', '/articles?limit=1&depth=1')
    const article = rest.json.docs[0]
    const jsonLd = JSON.parse(JSON.stringify(article.jsonLd))
    ofType(jsonLd, 'BlogPosting')
    expect(jsonLd.headline).toBeTruthy()
    expect(jsonLd.url).toBe(`http://localhost:3000/articles/${article.slug}`)
    expect(jsonLd.datePublished).toBe(article.publishedAt)
    expect(jsonLd.image).toMatch(/^http:\/\/localhost:3000\/api\/media\/file\//)
    expect(jsonLd.publisher['@id']).toBe('http://localhost:3000/#clinic')
    expect(jsonLd.about.every((item: any) => item['@type'] === 'MedicalCondition' && item.name)).toBe(true)

    const gql = await http.gql('{ Articles(limit: 1) { docs { slug jsonLd } } }')
    ofType(gql.json.data.Articles.docs[0].jsonLd, 'BlogPosting')
  })

  it('conditions are a MedicalWebPage about a MedicalCondition', async () => {
    const { json } = await http.api('GET', '/conditions?where[slug][equals]=frozen-shoulder&depth=1')
    const condition = json.docs[0] ?? (await http.api('GET', '/conditions?limit=1&depth=1')).json.docs[0]
    const jsonLd = condition.jsonLd
    ofType(jsonLd, 'MedicalWebPage')
    expect(jsonLd.mainEntity['@type']).toBe('MedicalCondition')
    expect(jsonLd.mainEntity.name).toBe(condition.name)
    expect(jsonLd.mainEntity.signOrSymptom.length).toBe(condition.symptoms.length)
    expect(jsonLd.mainEntity.signOrSymptom[0]).toEqual({ '@type': 'MedicalSignOrSymptom', name: condition.symptoms[0].symptom })
    expect(jsonLd.mainEntity.possibleTreatment.length).toBeGreaterThan(0)
    expect(jsonLd.mainEntity.possibleTreatment.every((item: any) => item['@type'] === 'MedicalTherapy')).toBe(true)
    expect(jsonLd.lastReviewed).toBeTruthy()
  })

  it('services are a MedicalTherapy with Offers', async () => {
    const { json } = await http.api('GET', '/services?limit=100')
    const service = json.docs.find((doc: any) => doc.options?.length)
    const jsonLd = service.jsonLd
    ofType(jsonLd, 'MedicalTherapy')
    expect(jsonLd.offers).toHaveLength(service.options.length)
    expect(jsonLd.offers[0]).toMatchObject({ '@type': 'Offer', priceCurrency: 'USD', price: service.options[0].price.toFixed(2) })
    expect(jsonLd.offers[0].url).toMatch(/^https?:\/\//)
  })

  it('FAQs are a FAQPage with the answer as plain text', async () => {
    const gql = await http.gql('{ Faqs(limit: 1) { docs { question jsonLd } } }')
    const faq = gql.json.data.Faqs.docs[0]
    ofType(faq.jsonLd, 'FAQPage')
    expect(faq.jsonLd.mainEntity[0]).toMatchObject({ '@type': 'Question', name: faq.question })
    expect(faq.jsonLd.mainEntity[0].acceptedAnswer['@type']).toBe('Answer')
    expect(faq.jsonLd.mainEntity[0].acceptedAnswer.text.length).toBeGreaterThan(20)
    expect(faq.jsonLd.mainEntity[0].acceptedAnswer.text).not.toMatch(/[{}]|"root"/)
  })

  it('the clinic is a MedicalClinic', async () => {
    const gql = await http.gql('{ Clinic { name jsonLd } }')
    const jsonLd = gql.json.data.Clinic.jsonLd
    ofType(jsonLd, 'MedicalClinic')
    expect(jsonLd['@id']).toBe('http://localhost:3000/#clinic')
    expect(jsonLd.name).toBe(gql.json.data.Clinic.name)
    expect(jsonLd.address['@type']).toBe('PostalAddress')
    expect(jsonLd.openingHoursSpecification[0]['@type']).toBe('OpeningHoursSpecification')
    expect(jsonLd.openingHoursSpecification[0].dayOfWeek[0]).toMatch(/^[A-Z][a-z]+day$/)
  })

  it('cannot be written', async () => {
    const { docs } = await ctx.payload.find({ collection: 'articles', limit: 1 })
    const updated = await ctx.payload.update({ collection: 'articles', id: docs[0].id, data: { jsonLd: { '@type': 'Hacked' } } as any })
    expect((updated.jsonLd as any)['@type']).toBe('BlogPosting')
  })
})
