import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Article } from '../../payload-types'
import { richText } from '../helpers/fixtures'
import { startStaffPayload, type StaffPayload } from '../helpers/staffPayload'

/**
 * What the templates must be for inbox placement (emails/templates, emails/render.ts): a
 * preheader hidden without colour or tiny-font tricks, colour-scheme metas and dark styles with
 * a visible button, valid image attributes, one <h1>, a text part with one link per line,
 * whitespace collapsed (but not in <pre>), featured articles capped at 12 on save, the size
 * shown in the preview, and a digest that never passes 90 KB. SpamAssassin's verdict on every
 * message type is `npm run check:deliverability` (bench/deliverability).
 */
const CLINIC = { name: 'Stevenson Clinic', tagline: 'Medical massage', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago', mailingAddress: '1 Main St', medicalDisclaimer: 'Not medical advice.' }
let staff: StaffPayload
let counter = 0
const published = (overrides: Partial<Article> = {}) =>
  staff.ctx.payload.create({
    collection: 'articles',
    data: { title: `Article ${++counter}`, slug: `article-${counter}`, excerpt: `Excerpt of article ${counter}.`, content: richText('Body.'), _status: 'published', ...overrides } as Article,
  })

beforeAll(async () => {
  staff = await startStaffPayload('deliverability-templates', CLINIC)
})

afterAll(async () => {
  const { stopTestPayload } = await import('../helpers/payload')
  if (staff) await stopTestPayload(staff.ctx)
})

/** Relative luminance and contrast ratio (WCAG 2.1). */
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

const checkHtml = (html: string, what: string) => {
  expect(html, what).toContain('<meta name="color-scheme" content="light dark"')
  expect(html, what).toContain('<meta name="supported-color-schemes" content="light dark"')
  expect(html, what).toMatch(/@media \(prefers-color-scheme: dark\)[\s\S]*\.dm-button/)
  expect(html.match(/<h1\b/g) ?? [], what).toHaveLength(1)
  expect(html, what).not.toMatch(/<img\b[^>]*\sheight="auto"/)
  // The old MJML preheader: white 1px text on the tinted page.
  expect(html, what).not.toMatch(/font-size:1px;color:#ffffff/)
  expect(html, what).not.toMatch(/font-size:\s*[0-4]px;/)
  expect(html, what).toMatch(/<div class="preheader" style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;">[^<]+(&#8204;&nbsp;){90}<\/div>/)
  // Collapsed: no indentation left (MJML's is 2+ spaces at the start of each line).
  expect(html, what).not.toMatch(/\n[ \t]+</)
  expect(html, what).not.toMatch(/ {2,}/)
}

/** Every line of the text part holds at most one link. */
const checkText = (text: string, what: string) => {
  for (const line of text.split('\n')) expect((line.match(/https?:\/\/|#preview-/g) ?? []).length, `${what}: ${line}`).toBeLessThanOrEqual(1)
}

describe('templates', () => {
  it('every subscriber email and newsletter template: metas, dark styles, one <h1>, valid images, clean preheader, collapsed HTML, one link per text line', async () => {
    const { renderEmail } = await import('../../emails/render')
    const templates = await import('../../emails/templates')
    const tokens = { name: 'Robin', confirmUrl: 'https://example.com/email/confirm?token=t', preferencesUrl: 'https://example.com/email/preferences?token=t', unsubscribeUrl: 'https://example.com/email/unsubscribe?token=t' }
    for (const name of ['confirmSubscription', 'alreadySubscribed', 'welcome', 'reminder'] as const) {
      const email = await renderEmail(templates[name], CLINIC, tokens)
      checkHtml(email.html, name)
      checkText(email.text, name)
    }
    const image = await staff.ctx.payload.create({
      collection: 'media',
      data: { alt: 'A calm room' },
      file: { data: await (await import('../../src/seed/heroImage')).drawHeroImage('Calm', 0), mimetype: 'image/jpeg', name: 'calm.jpg', size: 1 },
    })
    const articles = await Promise.all([1, 2, 3].map(() => published({ heroImage: image.id })))
    const { renderNewsletterPreview } = await import('../../emails/newsletters/compile')
    const intro = richText('Three stretches for cold mornings.')
    for (const template of ['newsletter', 'article', 'digest'] as const) {
      const preview = await renderNewsletterPreview(staff.ctx.payload, {
        subject: `A ${template}`,
        intro,
        template,
        featuredArticles: template === 'article' ? [articles[0]!.id] : articles.map((doc) => doc.id),
        digestSince: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      } as never)
      checkHtml(preview.html, template)
      checkText(preview.text, template)
      // Card images: the hero crop (full width, around the focal point), not the 3:2 card crop. The digest has none.
      if (template !== 'digest') expect(preview.html, template).toMatch(/src="http:\/\/localhost:3000\/api\/media\/file\/calm-1920x800\.jpg"/)
    }
  })

  it('dark mode keeps the button visible: ≥ 3:1 against the dark page, its label ≥ 4.5:1, and its border ≥ 3:1 on forced-dark near-black', async () => {
    const { theme } = await import('../../emails/templates/theme')
    expect(contrast(theme.dark.button, theme.dark.page)).toBeGreaterThanOrEqual(3)
    expect(contrast(theme.dark.button, theme.dark.card)).toBeGreaterThanOrEqual(3)
    expect(contrast(theme.dark.onButton, theme.dark.button)).toBeGreaterThanOrEqual(4.5)
    expect(contrast(theme.dark.text, theme.dark.card)).toBeGreaterThanOrEqual(4.5)
    expect(contrast(theme.accent, '#121212')).toBeGreaterThanOrEqual(3)
    const { renderEmail } = await import('../../emails/render')
    const { welcome } = await import('../../emails/templates')
    const { html } = await renderEmail(welcome, CLINIC, { name: 'A', preferencesUrl: 'https://e.com/p', unsubscribeUrl: 'https://e.com/u' })
    expect(html).toContain(`border:2px solid ${theme.accent}`)
    expect(html).toContain(`.dm-button td, .dm-button a, .dm-button p { background-color: ${theme.dark.button} !important; color: ${theme.dark.onButton} !important; }`)
  })

  it('collapses whitespace except inside <pre>, where it is content', async () => {
    const { tidyCompiledHtml } = await import('../../emails/render')
    expect(tidyCompiledHtml('<div>\n    <p>a   b</p>\n\n  <img src="x" height="auto" width="552" />\n</div>')).toBe('<div>\n<p>a b</p>\n<img src="x" width="552" />\n</div>')
    const pre = '<pre>line 1\n    indented   wide\n\n</pre>'
    expect(tidyCompiledHtml(`<div>\n   ${pre}\n  </div>`)).toBe(`<div>\n${pre}\n</div>`)
  })
})

describe('size', () => {
  it('refuses a newsletter with more than 12 featured articles at save, naming the limit; 12 are fine', async () => {
    const ids = (await Promise.all(Array.from({ length: 20 }, () => published()))).map((doc) => doc.id)
    const refused = await staff.http.api('POST', '/newsletters', {
      credentials: { token: staff.editorToken },
      body: { subject: 'Too many', intro: richText('Hi'), featuredArticles: ids, template: 'newsletter', audience: 'all', status: 'draft' },
    })
    expect(refused.status).toBe(400)
    expect(refused.text).toMatch(/at most 12 articles; this one has 20\. Remove 8/)
    const accepted = await staff.http.api('POST', '/newsletters', {
      credentials: { token: staff.editorToken },
      body: { subject: 'Twelve', intro: richText('Hi'), featuredArticles: ids.slice(0, 12), template: 'newsletter', audience: 'all', status: 'draft' },
    })
    expect(accepted.status, accepted.text).toBe(201)

    // The preview tells the owner the size (and would warn above 90 KB).
    const preview = await staff.http.api('POST', '/newsletters/preview', {
      credentials: { token: staff.editorToken },
      body: { subject: 'Twelve', intro: richText('Hi'), featuredArticles: ids.slice(0, 12), template: 'newsletter' },
    })
    expect(preview.status).toBe(200)
    expect(preview.json.htmlBytes).toBe(Buffer.byteLength(preview.json.html))
    expect(preview.json.htmlBytes).toBeLessThan(90 * 1024)
    expect(preview.json.htmlSizeWarning).toBeUndefined()
    const { htmlSizeReport } = await import('../../emails/newsletters/compile')
    expect(htmlSizeReport('x'.repeat(91 * 1024)).htmlSizeWarning).toMatch(/91\.0 KB, over 90 KB: Gmail clips it/)
  })

  it('a digest of a busy month stays under 90 KB: fewer items and a link to the rest on the site', async () => {
    const long = 'A long excerpt that says a good deal about the article, as excerpts written for the blog tend to do, with a second sentence too. '.repeat(2)
    const ids = (await Promise.all(Array.from({ length: 40 }, () => published({ excerpt: long.slice(0, 280) })))).map((doc) => doc.id)
    const { compileNewsletter } = await import('../../emails/newsletters/compile')
    const digest = await compileNewsletter(staff.ctx.payload, { subject: 'New this month', template: 'digest', featuredArticles: ids, digestSince: new Date(Date.now() - 30 * 86_400_000).toISOString() } as never)
    const bytes = Buffer.byteLength(digest.html)
    expect(bytes).toBeLessThanOrEqual(90 * 1024 - 2048)
    const shown = digest.html.match(/Read more &#8594;|Read more →/g)?.length ?? 0
    expect(shown).toBeGreaterThan(5)
    expect(shown).toBeLessThan(40)
    expect(digest.html).toContain(`${40 - shown} more articles on our site`)
    expect(digest.html).toContain('href="http://localhost:3000/articles"')
    expect(digest.html).toMatch(/40 new articles since/)
    // Parses as a whole message part, the footer's unsubscribe link intact.
    const parsed = await simpleParser(`Content-Type: text/html; charset=utf-8\r\n\r\n${digest.html}`)
    expect(parsed.html).toContain('{{unsubscribeUrl}}')
  })
})
