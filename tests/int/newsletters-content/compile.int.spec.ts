/** What a compiled newsletter says and looks like: compileNewsletter, personalisation, the preview and the templates. Set-up: ./setup.ts. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'

import { compileNewsletter, personaliseNewsletter, personaliseNewsletterParts, renderNewsletterPreview } from '../../../emails/newsletters/compile'
import { mjmlCompileCount } from '../../../emails/render'
import { richText } from '../../helpers/fixtures'
import { payload, markdown, image, publishedArticle, createNewsletter, uploadNode, useNewsletterContent } from './setup'

useNewsletterContent()

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

    // Article cards, in order: image (the hero crop, full width so text in it survives; absolute), linked title, excerpt, "Read more".
    const firstAt = html.indexOf('Easing a stiff neck')
    const secondAt = html.indexOf('Why scars tighten')
    expect(firstAt).toBeGreaterThan(0)
    expect(secondAt).toBeGreaterThan(firstAt)
    expect(html).toMatch(/src="http:\/\/localhost:3000\/api\/media\/file\/calm-room-1920x800\.jpg"/)
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
    const { createMailer } = await import('../../../emails/transport')
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
    expect(announcement.html).toContain('calm-room-1920x800.jpg')
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
