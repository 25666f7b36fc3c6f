import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { drawHeroImage } from '../../src/seed/heroImage'
import { richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayloadIfStarted, type TestPayload } from '../helpers/payload'

/**
 * Every rich-text field of published content has a computed HTML sibling (`content` →
 * `contentHtml`), escaped, with absolute media URLs and internal links to the front end,
 * built only for reads that can show it (counted through `clinic_richtext_html_builds_total`).
 */
const SITE_URL = 'https://www.clinic.test'

let ctx: TestPayload
let payload: Payload
let http: typeof import('../helpers/http')
let builds: () => Promise<number>
let article: { id: number }
let linked: { id: number }

const text = (value: string, format = 0) => ({ type: 'text', text: value, format, style: '', mode: 'normal', detail: 0, version: 1 })
const paragraph = (...children: unknown[]) => ({ type: 'paragraph', format: '', indent: 0, version: 1, direction: 'ltr', textFormat: 0, children })
const link = (fields: Record<string, unknown>, label: string) => ({ type: 'link', format: '', indent: 0, version: 3, direction: 'ltr', fields, children: [text(label)] })
const doc = (...children: unknown[]) => ({ root: { type: 'root', format: '', indent: 0, version: 1, direction: 'ltr', children } })

beforeAll(async () => {
  process.env.SITE_URL = SITE_URL
  ctx = await startTestPayload('frontend-urls-richtext-html')
  payload = ctx.payload
  http = await import('../helpers/http')
  const { metrics } = await import('../../src/metrics/registry')
  builds = async () => (await metrics().richTextHtmlBuilds.get()).values.reduce((sum, value) => sum + value.value, 0)
  const data = await drawHeroImage('Calm', 0)
  const media = await payload.create({ collection: 'media', data: { alt: 'A "calm" room' }, file: { data, mimetype: 'image/jpeg', name: 'calm.jpg', size: data.length } })
  linked = await payload.create({ collection: 'articles', data: { _status: 'published', title: 'Desk stretches', slug: 'desk-stretches', content: richText('x') } })
  const draft = await payload.create({ collection: 'articles', data: { _status: 'draft', title: 'Secret draft', slug: 'secret-draft', content: richText('x') } })
  article = await payload.create({
    collection: 'articles',
    data: {
      _status: 'published',
      title: 'Rich',
      slug: 'rich',
      content: doc(
        { type: 'heading', tag: 'h2', format: '', indent: 0, version: 1, direction: 'ltr', children: [text('Why <it> helps')] },
        paragraph(text('Bold', 1), text(' and <script>alert(1)</script> {{name}}')),
        paragraph(link({ linkType: 'custom', url: 'javascript:alert(1)' }, 'evil'), link({ linkType: 'custom', url: 'https://example.com/a"b', newTab: true }, 'outside')),
        paragraph(link({ linkType: 'internal', doc: { relationTo: 'articles', value: linked.id } }, 'published'), link({ linkType: 'internal', doc: { relationTo: 'articles', value: draft.id } }, 'draft')),
        { type: 'upload', version: 3, format: '', relationTo: 'media', value: media.id, fields: null },
      ) as never,
    },
  })
  await payload.create({
    collection: 'conditions',
    data: { _status: 'published', name: 'Neck pain', slug: 'neck-pain', summary: 'Sore.', howMassageHelps: richText('Loosens the trapezius.') },
  })
  await payload.create({ collection: 'faqs', data: { _status: 'published', question: 'Insurance?', answer: richText('We bill most plans.'), category: 'insurance' } })
  await payload.create({
    collection: 'services',
    data: { _status: 'published', name: 'Facial', slug: 'facial', category: 'facial', description: richText('Calm skin.'), options: [{ durationMinutes: 60, price: 80 }] },
  })
}, 120_000)

afterAll(async () => {
  delete process.env.SITE_URL
  await stopTestPayloadIfStarted(ctx)
})

const buildsDuring = async <T>(read: () => Promise<T>) => {
  const before = await builds()
  const result = await read()
  return { result, builds: (await builds()) - before }
}

describe('rich-text HTML siblings', () => {
  it('renders escaped HTML with safe links, internal links to the front end and absolute media', async () => {
    const { status, json } = await http.api('GET', `/articles/${article.id}?depth=0`)
    expect(status).toBe(200)
    const html: string = json.contentHtml
    expect(html).toContain('<h2>Why &lt;it&gt; helps</h2>')
    expect(html).toContain('<p><strong>Bold</strong> and &lt;script&gt;alert(1)&lt;/script&gt; &#123;&#123;name&#125;&#125;</p>')
    expect(html).not.toMatch(/<script|javascript:/i)
    expect(html).toContain('evil')
    expect(html).toContain('<a href="https://example.com/a%22b" target="_blank" rel="noopener noreferrer">outside</a>')
    expect(html).toContain(`<a href="${SITE_URL}/articles/desk-stretches">published</a>`)
    // A draft is no page: its link stays text, and its slug never appears.
    expect(html).toContain('draft')
    expect(html).not.toContain('secret-draft')
    expect(html).toMatch(/<figure><img src="http:\/\/localhost:3000\/api\/media\/file\/calm\.jpg" alt="A &quot;calm&quot; room" width="\d+" height="\d+" loading="lazy" \/><\/figure>/)
  })

  it('every rich-text field has one: howMassageHelps (in a tab), answer, description', async () => {
    const condition = await http.api('GET', '/conditions?where[slug][equals]=neck-pain')
    expect(condition.json.docs[0].howMassageHelpsHtml).toBe('<p>Loosens the trapezius.</p>')
    const faq = await http.api('GET', '/faqs?limit=1')
    expect(faq.json.docs[0].answerHtml).toBe('<p>We bill most plans.</p>')
    const service = await http.api('GET', '/services?where[slug][equals]=facial')
    expect(service.json.docs[0].descriptionHtml).toBe('<p>Calm skin.</p>')
  })

  it('is built only when selected: GraphQL naming it (without its source), REST select; not otherwise', async () => {
    const plain = await buildsDuring(() => http.gql('{ Articles(limit: 10) { docs { title slug excerpt } } }'))
    expect(plain.result.json.data.Articles.docs.length).toBeGreaterThan(0)
    expect(plain.builds).toBe(0)
    const selected = await buildsDuring(() => http.gql(`{ Article(id: ${article.id}) { contentHtml } }`))
    expect(selected.builds).toBe(1)
    const rest = await http.api('GET', `/articles/${article.id}?depth=0`)
    expect(selected.result.json.data.Article.contentHtml).toBe(rest.json.contentHtml)
    const restSelect = await buildsDuring(() => http.api('GET', `/articles/${article.id}?select[contentHtml]=true`))
    expect(restSelect.result.json.contentHtml).toBe(rest.json.contentHtml)
    expect(restSelect.builds).toBe(1)
    const without = await buildsDuring(() => http.api('GET', '/articles?select[title]=true&limit=10'))
    expect(without.builds).toBe(0)
    for (const item of without.result.json.docs) expect(item).not.toHaveProperty('contentHtml')
  })

  it('a row stored past the save limits renders as empty, not a 500', async () => {
    let deep: any = text('bottom')
    for (let i = 0; i < 200; i++) deep = { type: 'quote', format: '', indent: 0, version: 1, direction: 'ltr', children: [deep] }
    await payload.db.updateOne({ collection: 'articles', id: article.id, data: { content: doc(deep) } })
    const { status, json } = await http.api('GET', `/articles/${article.id}?depth=0`)
    expect(status).toBe(200)
    expect(json.contentHtml).toBe('')
  })
})
