import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { simpleParser } from 'mailparser'
import { createLocalReq, type Payload } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { queueAnnouncement } from '../../collections/Articles/hooks/queueAnnouncement'
import {
  compileNewsletter,
  newsletterTemplates,
  personaliseNewsletter,
  personaliseNewsletterParts,
  renderNewsletterPreview,
} from '../../emails/newsletters/compile'
import { mjmlCompileCount } from '../../emails/render'
import { createDueDigest, latestDigestSlot } from '../../jobs/newsletters/digest'
import type { Article, Media, Newsletter } from '../../payload-types'
import { drawHeroImage } from '../../src/seed/heroImage'
import { createMarkdownConverter } from '../../src/seed/lexical'
import { createStaff, PASSWORD, richText } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'
import { waitFor } from '../helpers/waitFor'

/**
 * What a newsletter says and looks like, and the two automatic newsletters (article
 * announcements, the weekly digest), on a real Payload with its own SQLite file, the REST
 * handlers, and a real worker process for the scheduled publish.
 */

let ctx: TestPayload
let payload: Payload
let http: typeof import('../helpers/http')
let editorToken: string
let markdown: (text: string) => any
let image: Media
const workers: WorkerProcess[] = []


const workerLogs = () => workers.map((w) => w.output()).join('\n---\n').slice(-4000)

const CLINIC = {
  name: 'Stevenson Therapeutic Medical Massage & Facials',
  tagline: 'Medical massage, tailored to your recovery',
  bookingUrl: 'https://book.clinic.test/',
  timezone: 'America/Chicago',
  mailingAddress: '4100 Example Avenue, Suite 2\nSpringfield, IL 62701',
  medicalDisclaimer: 'This email is general education, not medical advice.',
}

beforeAll(async () => {
  ctx = await startTestPayload('newsletters-content')
  payload = ctx.payload
  http = await import('../helpers/http')
  await createStaff(payload)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
  await payload.updateGlobal({ slug: 'clinic', data: CLINIC })
  markdown = await createMarkdownConverter(payload)
  const data = await drawHeroImage('Calm', 0)
  image = await payload.create({
    collection: 'media',
    data: { alt: 'A calm treatment room' },
    file: { data, mimetype: 'image/jpeg', name: 'calm-room.jpg', size: data.length },
  })
})

afterEach(() => stopWorkers(workers))

afterAll(async () => {
  if (ctx) await stopTestPayload(ctx)
})

let counter = 0
const publishedArticle = async (overrides: Partial<Article> = {}) => {
  counter++
  return payload.create({
    collection: 'articles',
    data: {
      title: `Article ${counter}`,
      slug: `article-${counter}`,
      excerpt: `Excerpt of article ${counter}.`,
      content: richText('Body.'),
      _status: 'published',
      ...overrides,
    } as Article,
  })
}

const draftArticle = async (overrides: Partial<Article> = {}) => {
  counter++
  return payload.create({
    collection: 'articles',
    draft: true,
    data: { title: `Draft ${counter}`, slug: `draft-${counter}`, content: richText('Body.'), _status: 'draft', ...overrides } as Article,
  })
}

const createNewsletter = (data: Partial<Newsletter>) =>
  payload.create({ collection: 'newsletters', data: { subject: 'Winter news', ...data } as Newsletter, depth: 0 })

/** A Lexical upload node, as the editor stores it (depth 0: the media id). */
const uploadNode = (media: Media) => ({
  type: 'upload',
  version: 3,
  format: '',
  relationTo: 'media',
  value: media.id,
  fields: null,
})

describe('compileNewsletter', () => {
  it('builds the newsletter: preheader, styled intro, article cards with absolute image URLs, footer, tokens', async () => {
    const first = await publishedArticle({ title: 'Easing a stiff neck', excerpt: 'Three stretches for desk days.', heroImage: image.id })
    const second = await publishedArticle({ title: 'Why scars tighten', excerpt: 'And what massage can do.' })
    const intro = markdown(
      [
        '## This winter at the clinic',
        '',
        'We have **new hours** and a [booking page](https://book.clinic.test/winter) and [our services](/services).',
        '',
        '- Longer Saturday hours',
        '- Gift cards',
        '',
        '1. Book online',
        '2. Arrive ten minutes early',
        '',
        '> Massage helped me sleep again.',
      ].join('\n'),
    )
    intro.root.children.push(uploadNode(image))
    const newsletter = await createNewsletter({ preheader: 'New hours and two articles', intro, featuredArticles: [first.id, second.id] })

    const compiled = await compileNewsletter(payload, newsletter)
    const { html, text } = compiled
    expect(compiled.subject).toBe('Winter news')
    expect(compiled.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(html).toContain('New hours and two articles')
    expect(html).not.toMatch(/<script/i)

    // Header branding and the intro, converted by Payload's Lexical converters with inline styles.
    expect(html).toContain('Stevenson Therapeutic Medical Massage &amp; Facials')
    expect(html).toMatch(/<h2 style="[^"]*font-size:22px[^"]*">This winter at the clinic<\/h2>/)
    expect(html).toMatch(/<strong>new hours<\/strong>/)
    expect(html).toMatch(/<a href="https:\/\/book\.clinic\.test\/winter" style="color:#0f4c5c;[^"]*">booking page<\/a>/)
    expect(html).toContain('href="http://localhost:3000/services"')
    expect(html).toMatch(/<ul style="[^"]+"><li style="[^"]*">Longer Saturday hours<\/li>/)
    expect(html).toMatch(/<ol style="[^"]+"><li style="[^"]*">Book online<\/li>/)
    expect(html).toMatch(/<blockquote style="[^"]*border-left:4px solid[^"]*">/)
    expect(html).toMatch(/<img src="http:\/\/localhost:3000\/api\/media\/file\/calm-room\.jpg" alt="A calm treatment room" width="552" style="[^"]*max-width:552px/)

    // Article cards, in order: image (the card crop, absolute), linked title, excerpt, "Read more".
    const firstAt = html.indexOf('Easing a stiff neck')
    const secondAt = html.indexOf('Why scars tighten')
    expect(firstAt).toBeGreaterThan(0)
    expect(secondAt).toBeGreaterThan(firstAt)
    expect(html).toMatch(/src="http:\/\/localhost:3000\/api\/media\/file\/calm-room-768x512\.jpg"/)
    expect(html).toContain(`href="http://localhost:3000/articles/${first.slug}"`)
    expect(html).toContain('Three stretches for desk days.')
    expect(html.match(/Read more/g)?.length).toBeGreaterThanOrEqual(2)

    // Footer: postal address, disclaimer, visible opt-out links (tokens until personalised).
    expect(html).toContain('4100 Example Avenue, Suite 2<br />Springfield, IL 62701')
    expect(html).toContain('This email is general education, not medical advice.')
    expect(html).toMatch(/<a href="\{\{unsubscribeUrl\}\}"[^>]*>Unsubscribe<\/a>/)
    expect(html).toMatch(/<a href="\{\{preferencesUrl\}\}"[^>]*>Manage preferences<\/a>/)
    expect(html).toContain('Hi {{name}},')

    // The plain-text part, made once by html-to-text, keeps the same tokens and links.
    expect(text).toContain('Hi {{name}},')
    expect(text).toContain('Unsubscribe [{{unsubscribeUrl}}]')
    expect(text).toContain('Manage preferences [{{preferencesUrl}}]')
    expect(text).toContain(`[http://localhost:3000/articles/${first.slug}]`)
    expect(text).toContain(' * Longer Saturday hours')
    expect(text).toContain('Springfield, IL 62701')
    expect(text).not.toContain('<')
  })

  it('links articles to SITE_URL when the public site lives elsewhere', async () => {
    const article = await publishedArticle()
    const newsletter = await createNewsletter({ featuredArticles: [article.id] })
    process.env.SITE_URL = 'https://www.clinic.test/'
    try {
      const { html } = await compileNewsletter(payload, newsletter)
      expect(html).toContain(`href="https://www.clinic.test/articles/${article.slug}"`)
      // Images still come from the CMS that stores them.
      expect(html).not.toContain('https://www.clinic.test/api/media')
    } finally {
      delete process.env.SITE_URL
    }
  })

  it('personalises by substitution only: values escaped in HTML, plain in text, no token left', async () => {
    // CMS text that looks like a token stays text: it is escaped at compile time.
    const article = await publishedArticle({ title: 'Braces {{unsubscribeUrl}} in a title' })
    const newsletter = await createNewsletter({ featuredArticles: [article.id], intro: richText('Hello {{name}} from the intro') })
    const compiled = await compileNewsletter(payload, newsletter)
    const recipient = {
      name: 'Ana <Lee> & "Co" {{preferencesUrl}}',
      unsubscribeUrl: 'https://cms.clinic.test/email/unsubscribe?token=a.b&x="1"',
      preferencesUrl: 'https://cms.clinic.test/email/preferences?token=a.b',
    }
    const { html, text } = personaliseNewsletter(compiled, recipient)
    expect(html).toContain('Hi Ana &lt;Lee&gt; &amp; &quot;Co&quot; &#123;&#123;preferencesUrl&#125;&#125;,')
    expect(html).toContain('href="https://cms.clinic.test/email/unsubscribe?token=a.b&amp;x=&quot;1&quot;"')
    expect(html).not.toMatch(/\{\{/)
    expect(html).toContain('Braces &#123;&#123;unsubscribeUrl&#125;&#125; in a title')
    expect(html).toContain('Hello &#123;&#123;name&#125;&#125; from the intro')

    expect(text).toContain(`Hi ${recipient.name},`)
    expect(text).toContain(`Unsubscribe [${recipient.unsubscribeUrl}]`)
    // The literal braces from the CMS were not taken for tokens in the text part either.
    expect(text).toContain('Braces {{unsubscribeUrl}} in a title')
    expect(text).toContain('Hello {{name}} from the intro')

    // The compiled parts are untouched (personalising never mutates the shared copy).
    expect(compiled.html).toContain('{{unsubscribeUrl}}')
    // A copy of the compiled object (serialised by a caller) personalises the same way.
    expect(personaliseNewsletter({ ...compiled }, recipient).html).toBe(html)
    const braces = await compileNewsletter(payload, await createNewsletter({ intro: richText('Type {{anything}} here') }))
    expect(personaliseNewsletter({ ...braces }, recipient).text).toContain('Type {{anything}} here')
    // No name: a friendly greeting, never an empty one.
    expect(personaliseNewsletter(compiled, { ...recipient, name: null }).text).toContain('Hi there,')
    // No unsubscribe link: refused.
    expect(() => personaliseNewsletter(compiled, { ...recipient, unsubscribeUrl: '' })).toThrow(/unsubscribe/)
  })

  it('encodes the parts for the wire once: a built message decodes to exactly the personalised copy', async () => {
    const article = await publishedArticle({ title: 'Zoë’s frozen shoulder — week 3 ✓' })
    const longLine = `A line with no spaces for a while: ${'x'.repeat(200)}, then trailing spaces   `
    const newsletter = await createNewsletter({ featuredArticles: [article.id], intro: richText(`Hello {{name}}. ${longLine}`) })
    const compiled = await compileNewsletter(payload, newsletter)
    const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsletter-parts-'))
    const { createMailer } = await import('../../emails/transport')
    const mailer = createMailer({ smtpUrl: '', outboxDir, logger: { info: () => {} } })
    const recipients = [
      { name: 'Zoë Ångström 😀 <&> =3D', unsubscribeUrl: `https://cms.clinic.test/email/unsubscribe?token=${'ab.'.repeat(60)}&x=="1"`, preferencesUrl: 'https://cms.clinic.test/p?t=a=b' },
      { name: null, unsubscribeUrl: 'https://u.test/1', preferencesUrl: 'https://p.test/1' },
    ]
    for (const recipient of recipients) {
      const expected = personaliseNewsletter(compiled, recipient)
      const parts = personaliseNewsletterParts(compiled, recipient)
      const sent = await mailer.send({ to: 'reader@example.com', subject: compiled.subject, ...parts })
      const raw = fs.readFileSync(sent.path!, 'utf8')
      // Quoted-printable keeps every line within 76 characters.
      expect(raw.split('\r\n').filter((line) => line.length > 76 && !/^[A-Za-z-]+: /.test(line))).toEqual([])
      const parsed = await simpleParser(raw)
      const lf = (value: string) => value.replace(/\r\n/g, '\n')
      expect(lf(String(parsed.html))).toBe(lf(expected.html))
      expect(lf(parsed.text ?? '')).toBe(lf(expected.text))
    }
    fs.rmSync(outboxDir, { recursive: true, force: true })
  })

  it('compiles the MJML once per newsletter content, never per recipient', async () => {
    const article = await publishedArticle()
    const newsletter = await createNewsletter({ featuredArticles: [article.id], intro: richText('Once only.') })
    const first = await compileNewsletter(payload, newsletter)
    const before = mjmlCompileCount()
    for (let i = 0; i < 3; i++) expect((await compileNewsletter(payload, newsletter)).hash).toBe(first.hash)
    for (let i = 0; i < 2_000; i++) {
      personaliseNewsletter(first, { name: `Reader ${i}`, unsubscribeUrl: `https://u.test/${i}`, preferencesUrl: `https://p.test/${i}` })
    }
    expect(mjmlCompileCount()).toBe(before)

    // Changed content is a new email: one more compilation (by the save check), then cached.
    const edited = await payload.update({ collection: 'newsletters', id: newsletter.id, data: { subject: 'Edited subject' }, depth: 0 })
    expect(mjmlCompileCount()).toBe(before + 1)
    const recompiled = await compileNewsletter(payload, edited)
    expect(recompiled.hash).not.toBe(first.hash)
    expect(mjmlCompileCount()).toBe(before + 1)
  })

  it('never emails a draft: unpublished featured articles are left out, and the published text is used', async () => {
    const live = await publishedArticle({ title: 'Live title' })
    const withdrawn = await publishedArticle({ title: 'Soon withdrawn' })
    // Only published articles can be featured: a newsletter holds a draft when an article is
    // unpublished after it was picked.
    const newsletter = await createNewsletter({ featuredArticles: [withdrawn.id, live.id] })
    await payload.update({ collection: 'articles', id: withdrawn.id, data: { _status: 'draft', title: 'Secret draft' } })
    // A newer draft of a published article must not leak into the email.
    await payload.update({ collection: 'articles', id: live.id, draft: true, data: { title: 'Unreviewed draft title' } })
    const { html } = await compileNewsletter(payload, newsletter)
    expect(html).toContain('Live title')
    expect(html).not.toContain('Unreviewed draft title')
    expect(html).not.toContain('Secret draft')
    expect(html).not.toContain('Soon withdrawn')
  })

  it('previews with a sample name and links that go nowhere', async () => {
    const newsletter = await createNewsletter({ intro: richText('Preview me.') })
    const preview = await renderNewsletterPreview(payload, newsletter, { sampleName: 'Sam' })
    expect(preview.subject).toBe('Winter news')
    expect(preview.html).toContain('Hi Sam,')
    expect(preview.html).toContain('href="#preview-unsubscribe"')
    expect(preview.text).toContain('Unsubscribe [#preview-unsubscribe]')
    expect(preview.html).not.toMatch(/\{\{|email\/unsubscribe/)
  })

  it('renders the article and digest templates', async () => {
    const article = await publishedArticle({ title: 'A new article', excerpt: 'Its excerpt.', heroImage: image.id })
    const announcement = await compileNewsletter(payload, await createNewsletter({ template: 'article', subject: 'A new article', featuredArticles: [article.id] }))
    expect(announcement.html).toContain('Read the article')
    expect(announcement.html).toContain('calm-room-768x512.jpg')
    expect(announcement.html).toContain(`http://localhost:3000/articles/${article.slug}`)

    const other = await publishedArticle({ title: 'Another one', publishedAt: '2026-11-04T15:00:00.000Z' })
    const digest = await compileNewsletter(
      payload,
      await createNewsletter({ template: 'digest', subject: 'This week', featuredArticles: [other.id, article.id], digestSince: '2026-10-29T13:00:00.000Z' }),
    )
    expect(digest.html).toContain('2 new articles since October 29, 2026')
    expect(digest.html).toContain('November 4, 2026')
    expect(digest.html.indexOf('Another one')).toBeLessThan(digest.html.indexOf('A new article'))
  })
})

describe('saving a newsletter', () => {
  it('refuses a broken template with a 400 naming the MJML problem', async () => {
    const created = await http.api('POST', '/newsletters', { body: { subject: 'Fine', intro: richText('Hello.') }, credentials: { token: editorToken } })
    expect(created.status, created.text).toBe(201)
    const original = newsletterTemplates.newsletter
    // A developer's mistake in a template: <mj-text> directly inside <mj-section>.
    newsletterTemplates.newsletter = (_clinic, content) => ({
      subject: content.subject,
      mjml: '<mjml><mj-body><mj-section><mj-text>Broken</mj-text></mj-section></mj-body></mjml>',
    })
    try {
      const refused = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, { body: { subject: 'Changed' }, credentials: { token: editorToken } })
      expect(refused.status).toBe(400)
      const [problem] = refused.json.errors[0].data.errors
      expect(problem.path).toBe('template')
      expect(problem.message).toMatch(/"newsletter" email template is invalid/)
      expect(problem.message).toMatch(/line 1 <mj-text>: mj-text cannot be used inside mj-section/)
      const stored = await payload.findByID({ collection: 'newsletters', id: created.json.doc.id })
      expect(stored.subject).toBe('Fine')

      // A token the sender cannot fill is a template error too.
      newsletterTemplates.newsletter = (clinic, content) => original(clinic, { ...content, introHtml: '{{favouriteColour}}' })
      const unknownToken = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, { body: { subject: 'Changed' }, credentials: { token: editorToken } })
      expect(unknownToken.status).toBe(400)
      expect(JSON.stringify(unknownToken.json)).toMatch(/unknown token \{\{favouriteColour\}\}/)
    } finally {
      newsletterTemplates.newsletter = original
    }
    const fixed = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, { body: { subject: 'Changed' }, credentials: { token: editorToken } })
    expect(fixed.status, fixed.text).toBe(200)
  })

  it('refuses a draft featured article on any save, and on scheduling one unpublished since, naming it', async () => {
    const draft = await draftArticle({ title: 'Unfinished stretches guide' })
    const live = await publishedArticle()
    // Only published articles can be featured (the admin's picker offers no other): a
    // draft is refused even in a draft newsletter, with its title, not an id.
    const withDraft = await http.api('POST', '/newsletters', { body: { subject: 'Soon', featuredArticles: [live.id, draft.id] }, credentials: { token: editorToken } })
    expect(withDraft.status).toBe(400)
    expect(withDraft.json.errors[0].data.errors[0]).toMatchObject({ path: 'featuredArticles' })
    expect(withDraft.json.errors[0].data.errors[0].message).toMatch(/"Unfinished stretches guide" is not published: only published articles can be featured/)

    // An article unpublished after it was picked is refused when scheduling.
    const withdrawn = await publishedArticle({ title: 'Withdrawn stretches guide' })
    const created = await http.api('POST', '/newsletters', { body: { subject: 'Soon', featuredArticles: [live.id, withdrawn.id] }, credentials: { token: editorToken } })
    expect(created.status, created.text).toBe(201)
    await payload.update({ collection: 'articles', id: withdrawn.id, data: { _status: 'draft' } })
    const refused = await http.api('PATCH', `/newsletters/${created.json.doc.id}`, {
      body: { status: 'scheduled', sendAt: new Date(Date.now() + 3_600_000).toISOString() },
      credentials: { token: editorToken },
    })
    expect(refused.status).toBe(400)
    expect(refused.json.errors[0].data.errors[0]).toMatchObject({ path: 'featuredArticles' })
    expect(refused.json.errors[0].data.errors[0].message).toMatch(/"Withdrawn stretches guide" is not published/)
    expect((await payload.findByID({ collection: 'newsletters', id: created.json.doc.id })).status).toBe('draft')

    const nothing = await http.api('POST', '/newsletters', { body: { subject: 'Empty', status: 'scheduled', sendAt: new Date().toISOString() }, credentials: { token: editorToken } })
    expect(nothing.status).toBe(400)
    expect(nothing.json.errors[0].data.errors[0]).toMatchObject({ path: 'intro' })
  })
})

const newslettersFor = async (articleId: number | string) =>
  (await payload.find({ collection: 'newsletters', where: { sourceArticle: { equals: articleId } }, depth: 0, pagination: false })).docs

describe('article announcements', () => {
  it('queues one announcement when the article first goes live, never again', async () => {
    const conditions = await Promise.all(
      ['Neck pain', 'Scar tissue'].map((name, index) => payload.create({ collection: 'conditions', data: { name, summary: `About ${name}.`, slug: `condition-${index}-${Date.now()}` } as any })),
    )
    const article = await draftArticle({ title: 'Scar care after surgery', emailSubscribers: true, conditions: conditions.map((c) => c.id) })
    // Draft saves (the admin's autosave) never announce.
    await payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Scar care after surgery (v2)' } })
    expect(await newslettersFor(article.id)).toHaveLength(0)

    await payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    const [announcement, ...others] = await newslettersFor(article.id)
    expect(others).toHaveLength(0)
    expect(announcement).toMatchObject({
      template: 'article',
      subject: 'Scar care after surgery (v2)',
      status: 'scheduled',
      audience: 'topics',
      featuredArticles: [article.id],
      sourceArticle: article.id,
    })
    expect([...(announcement!.audienceTopics as number[])].sort()).toEqual(conditions.map((c) => c.id).sort())
    expect(Date.parse(announcement!.sendAt!)).toBeLessThanOrEqual(Date.now())
    // The link is on the article, in its published document and its latest version.
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0 })).announcement).toBe(announcement!.id)
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0, draft: true })).announcement).toBe(announcement!.id)

    // Edit and republish, draft save, unpublish and publish again: still the one announcement.
    await payload.update({ collection: 'articles', id: article.id, data: { title: 'Scar care, revised', _status: 'published' } })
    await payload.update({ collection: 'articles', id: article.id, draft: true, data: { excerpt: 'A draft edit.' } })
    await payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    await payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    expect(await newslettersFor(article.id)).toHaveLength(1)
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0, draft: true })).announcement).toBe(announcement!.id)
  })

  it('announces to everyone when the article has no conditions, and not at all when not ticked', async () => {
    const general = await publishedArticle({ emailSubscribers: true })
    expect(await newslettersFor(general.id)).toMatchObject([{ audience: 'all', status: 'scheduled' }])
    const quiet = await publishedArticle({ emailSubscribers: false })
    expect(await newslettersFor(quiet.id)).toHaveLength(0)
    // Ticking the box on an article that is already live (an autosaved draft, then Publish)
    // does not announce it: it went live before.
    await payload.update({ collection: 'articles', id: quiet.id, draft: true, autosave: true, data: { emailSubscribers: true } })
    await payload.update({ collection: 'articles', id: quiet.id, data: { _status: 'published' } })
    expect(await newslettersFor(quiet.id)).toHaveLength(0)
  })

  it('two processes racing to announce the same publish create one newsletter', async () => {
    const article = await draftArticle({ emailSubscribers: true })
    // Publish the row without hooks, then run the hook as two requests would, at once.
    const published = (await payload.db.updateOne({ collection: 'articles', id: article.id, data: { _status: 'published' } })) as unknown as Article
    const run = async () =>
      queueAnnouncement({
        doc: published,
        previousDoc: article,
        operation: 'update',
        req: await createLocalReq({}, payload),
        context: {},
        collection: payload.collections.articles.config,
        data: {},
      } as any)
    await Promise.all([run(), run(), run()])
    const newsletters = await newslettersFor(article.id)
    expect(newsletters).toHaveLength(1)
    expect(newsletters[0]!.status).toBe('scheduled')
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0 })).announcement).toBe(newsletters[0]!.id)
  })

  it('fires when the worker publishes a scheduled article', async () => {
    const article = await draftArticle({ title: 'Scheduled and announced', emailSubscribers: true })
    const at = new Date(Date.now() + 1_500).toISOString()
    await payload.db.create({
      collection: 'payload-jobs',
      data: {
        taskSlug: 'schedulePublish',
        queue: 'default',
        input: { type: 'publish', doc: { relationTo: 'articles', value: String(article.id) } },
        waitUntil: at,
        scheduledFor: at,
        state: 'queued',
      },
    })
    const worker = startWorker({
      DATABASE_URI: process.env.DATABASE_URI!,
      MEDIA_DIR: process.env.MEDIA_DIR!,
      PAYLOAD_SECRET: process.env.PAYLOAD_SECRET!,
      EMAIL_OUTBOX_DIR: `${ctx.dir}/outbox`,
    })
    workers.push(worker)
    await worker.ready
    const [announcement] = await waitFor('the announcement of the scheduled article', async () => {
      const found = await newslettersFor(article.id)
      return found.length ? found : null
    }, { timeoutMs: 20_000, explain: workerLogs })
    expect((await payload.findByID({ collection: 'articles', id: article.id, depth: 0 }))._status).toBe('published')
    expect(announcement).toMatchObject({ template: 'article', subject: 'Scheduled and announced', featuredArticles: [article.id] })
    // The worker's sender may already be at work on it.
    expect(['scheduled', 'sending', 'sent']).toContain(announcement!.status)
    expect(await newslettersFor(article.id)).toHaveLength(1)
  })
})

describe('weekly digest', () => {
  const setDigest = (newsletterDigest: Record<string, unknown>) =>
    payload.updateGlobal({ slug: 'clinic', data: { newsletterDigest } as any, depth: 0 })
  const lastDigestAt = async () => (await payload.findGlobal({ slug: 'clinic', depth: 0 })).newsletterDigest?.lastDigestAt
  const digests = async () =>
    (
      await payload.find({
        collection: 'newsletters',
        // Only this test's digests (the template test above made one by hand).
        where: { and: [{ template: { equals: 'digest' } }, { digestSince: { greater_than_equal: '2026-11-05T00:00:00.000Z' } }] },
        sort: 'createdAt',
        depth: 0,
        pagination: false,
      })
    ).docs

  it('finds the latest clinic-local slot, across daylight saving', () => {
    // Thursday 08:00 in Chicago: 08:30 CST on Thu 5 Nov 2026 is after this week's slot …
    expect(latestDigestSlot(new Date('2026-11-05T14:30:00Z'), 'thursday', '08:00', 'America/Chicago').toISOString()).toBe('2026-11-05T14:00:00.000Z')
    // … 07:30 is before it, so the slot is the previous Thursday, still on summer time (CDT).
    expect(latestDigestSlot(new Date('2026-11-05T13:30:00Z'), 'thursday', '08:00', 'America/Chicago').toISOString()).toBe('2026-10-29T13:00:00.000Z')
    expect(latestDigestSlot(new Date('2026-11-05T14:00:00Z'), 'thursday', '08:00', 'America/Chicago').toISOString()).toBe('2026-11-05T14:00:00.000Z')
    expect(latestDigestSlot(new Date('2026-11-09T03:00:00Z'), 'sunday', '20:30', 'Europe/London').toISOString()).toBe('2026-11-08T20:30:00.000Z')
  })

  it('creates one digest per week at the clinic-local time, skips empty weeks, and only once', async () => {
    expect(await createDueDigest(payload, new Date('2026-11-05T14:30:00Z'))).toEqual({ outcome: 'disabled' })

    // First seen enabled: the period starts at the latest slot, nothing is sent yet.
    await setDigest({ enabled: true, day: 'thursday', time: '08:00', lastDigestAt: null })
    expect(await createDueDigest(payload, new Date('2026-11-05T14:30:00Z'))).toMatchObject({ outcome: 'initialised' })
    expect(await lastDigestAt()).toBe('2026-11-05T14:00:00.000Z')

    // Two articles published during the week (one before the period, one draft: not included).
    await publishedArticle({ title: 'Before the period', publishedAt: '2026-11-04T12:00:00.000Z' })
    const monday = await publishedArticle({ title: 'Monday piece', publishedAt: '2026-11-09T15:00:00.000Z' })
    const wednesday = await publishedArticle({ title: 'Wednesday piece', publishedAt: '2026-11-11T15:00:00.000Z' })
    await draftArticle({ title: 'Not yet', publishedAt: '2026-11-10T15:00:00.000Z' })

    // Thursday 07:59 clinic time: not yet.
    expect(await createDueDigest(payload, new Date('2026-11-12T13:59:00Z'))).toEqual({ outcome: 'not-due' })
    expect(await digests()).toHaveLength(0)

    // 08:00 has passed: three workers check at once, one digest results.
    const now = new Date('2026-11-12T14:00:20Z')
    const outcomes = await Promise.all([createDueDigest(payload, now), createDueDigest(payload, now), createDueDigest(payload, now)])
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1)
    const [digest, ...more] = await digests()
    expect(more).toHaveLength(0)
    expect(digest).toMatchObject({
      template: 'digest',
      status: 'scheduled',
      audience: 'all',
      featuredArticles: [wednesday.id, monday.id],
      digestSince: '2026-11-05T14:00:00.000Z',
    })
    expect(await lastDigestAt()).toBe('2026-11-12T14:00:00.000Z')
    // Later ticks the same week do nothing.
    expect(await createDueDigest(payload, new Date('2026-11-12T18:00:00Z'))).toEqual({ outcome: 'not-due' })

    // A week with no new articles: skipped, and the period moves on.
    expect(await createDueDigest(payload, new Date('2026-11-19T14:01:00Z'))).toMatchObject({ outcome: 'skipped-empty' })
    expect(await digests()).toHaveLength(1)
    expect(await lastDigestAt()).toBe('2026-11-19T14:00:00.000Z')

    // The settings survive the bookkeeping write.
    const settings = (await payload.findGlobal({ slug: 'clinic', depth: 0 })).newsletterDigest
    expect(settings).toMatchObject({ enabled: true, day: 'thursday', time: '08:00' })
    await setDigest({ enabled: false })
  })
})
