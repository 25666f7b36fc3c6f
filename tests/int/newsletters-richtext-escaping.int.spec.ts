import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { hostileCases } from '../../bench/richtext-hostile/cases'
import { lexicalToEmailHtml } from '../../emails/newsletters/lexicalToEmailHtml'
import type { Media } from '../../payload-types'
import { drawHeroImage } from '../../src/seed/heroImage'
import { richText } from '../helpers/fixtures'
import { type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'
import { startStaffPayload } from '../helpers/staffPayload'

/**
 * Rich text an editor (or a script with an editor's key) writes can carry attribute values
 * of its own in any field of any node. None of them may reach a recipient's email as markup:
 * every attribute the email converter writes is ours, escaped or from a fixed list; unknown
 * nodes are left out; and a document too deep to render is refused, whoever wrote it.
 */

let ctx: TestPayload
let payload: Payload
let http: typeof import('../helpers/http')
let token: string
let image: Media

beforeAll(async () => {
  ;({ ctx, http, editorToken: token } = await startStaffPayload('newsletters-richtext-escaping'))
  payload = ctx.payload
  const data = await drawHeroImage('Calm', 0)
  image = await payload.create({ collection: 'media', data: { alt: 'A calm room' }, file: { data, mimetype: 'image/jpeg', name: 'calm.jpg', size: data.length } })
})

afterAll(() => stopTestPayloadIfStarted(ctx))

type Node = Record<string, unknown>
const text = (value: string, extra: Node = {}): Node => ({ type: 'text', text: value, format: 0, style: '', mode: 'normal', detail: 0, version: 1, ...extra })
const element = (type: string, children: Node[], extra: Node = {}): Node => ({ type, format: '', indent: 0, version: 1, direction: 'ltr', children, ...extra })
const doc = (...children: Node[]) => ({ root: element('root', children) })

/** The intro's HTML in the email the preview endpoint renders (the real route, the real templates). */
const introHtmlOf = async (intro: unknown) => {
  const response = await http.api('POST', '/newsletters/preview', { body: { subject: 'Hostile', intro }, credentials: { token } })
  expect(response.status, response.text.slice(0, 300)).toBe(200)
  const html: string = response.json.html
  // Between the greeting and the footer: the intro alone, not the template's own markup.
  return html.slice(html.indexOf('Hi Ed Itor,'), html.indexOf('Manage preferences'))
}

/** Attributes (name="value") in a piece of HTML, to compare against what the converter may write. */
const attributeNames = (html: string) => new Set([...html.matchAll(/\s([a-zA-Z-:]+)\s*=/g)].map((match) => match[1]!.toLowerCase()))

/** What the converter may write, plus what the template itself writes around the intro (MJML's own attributes). */
const ALLOWED_ATTRIBUTES = new Set(['style', 'href', 'target', 'rel', 'src', 'alt', 'width', 'colspan', 'rowspan'])
let templateAttributes: Set<string>
const expectOnlyAllowedAttributes = async (html: string) => {
  templateAttributes ??= attributeNames(await introHtmlOf(richText('baseline')))
  for (const name of attributeNames(html)) expect(ALLOWED_ATTRIBUTES.has(name) || templateAttributes.has(name), `attribute ${name}`).toBe(true)
}

/** The part of `html` that shows what a pattern matched, for failure messages. */
const around = (html: string, pattern: RegExp) => {
  const at = html.search(pattern)
  return at < 0 ? 'no match' : html.slice(Math.max(0, at - 120), at + 80)
}

describe('the email converter writes only its own attributes', () => {
  it('tables: headerState, colSpan, rowSpan and backgroundColor cannot carry attributes or CSS', async () => {
    const cell = (extra: Node) => element('tablecell', [element('paragraph', [text('cell')])], extra)
    const intro = doc(
      element('table', [
        element('tablerow', [
          cell({ headerState: '0" onmouseover="alert(1)" x="', colSpan: 1 }),
          cell({ headerState: 1, colSpan: '2" onclick="alert(2)', rowSpan: '3" style="background:url(https://evil.test/a.css)' }),
          cell({ headerState: 0, colSpan: 2, rowSpan: 2, backgroundColor: 'red;background-image:url(https://evil.test/b.png)' }),
        ]),
      ]),
    )
    const html = await introHtmlOf(intro)
    expect(html).toContain('cell')
    expect(html, around(html, /onmouseover|onclick|evil\.test|alert/)).not.toMatch(/onmouseover|onclick|evil\.test|alert/)
    expect(html).toContain('colspan="2"')
    expect(html).toContain('rowspan="2"')
    await expectOnlyAllowedAttributes(html)
  })

  it('text style, element format/direction and list values are never written', async () => {
    const intro = doc(
      element('paragraph', [text('styled', { style: 'background:url(https://evil.test/t.png)' })], { format: 'center" onmouseover="alert(1)', direction: 'rtl" onfocus="x' }),
      element('list', [element('listitem', [text('item')], { value: '1" onclick="alert(3)', checked: 'yes" onclick="x' })], { listType: 'check" x="', tag: 'script' }),
      element('heading', [text('title')], { tag: 'script' }),
    )
    const html = await introHtmlOf(intro)
    expect(html).toContain('styled')
    expect(html).toContain('item')
    expect(html, around(html, /evil\.test|onmouseover|onclick|onfocus|<script/)).not.toMatch(/evil\.test|onmouseover|onclick|onfocus|<script/)
    expect(html).toMatch(/<h2 [^>]*>title<\/h2>/)
    await expectOnlyAllowedAttributes(html)
  })

  it('links: only http(s), mailto, tel and site paths; newTab and rel are fixed values', async () => {
    let count = 0
    const link = (url: unknown, extra: Node = {}) => element('link', [text(`label${++count} `)], { fields: { url, linkType: 'custom', newTab: false, ...extra } })
    const intro = doc(
      element('paragraph', [
        link('javascript:alert(1)'),
        link('  JaVaScRiPt:alert(1)'),
        link('java\tscript:alert(1)'),
        link('data:text/html;base64,PHNjcmlwdD4='),
        link('vbscript:msgbox(1)'),
        link('//evil.test/path'),
        link('https://ok.test/?a="b"&c=<d>', { newTab: '" onclick="alert(4)' }),
        link(42),
        element('autolink', [text('auto')], { fields: { url: 'javascript:alert(5)' } }),
      ]),
    )
    const html = await introHtmlOf(intro)
    expect(html, around(html, /javascript|vbscript|data:|onclick|alert|evil\.test/i)).not.toMatch(/javascript|vbscript|data:|onclick|alert|evil\.test/i)
    expect(html).toContain('href="https://ok.test/?a=%22b%22&amp;c=%3Cd%3E"')
    // A truthy non-boolean newTab is not `true`: no target at all.
    expect(html).not.toContain('target=')
    // The text stays, without a link.
    expect(html).toMatch(/(^|>)label1 /)
    expect(html, around(html, /<a [^>]*>label1 /)).not.toMatch(/<a [^>]*>label1 /)
    await expectOnlyAllowedAttributes(html)
  })

  it('uploads: only media documents from the database, never a URL or size written into the node', async () => {
    const intro = doc(
      { type: 'upload', version: 3, format: '', relationTo: 'media', value: { id: image.id, url: 'https://tracker.test/pixel.png', mimeType: 'image/png', width: '1" onerror="alert(6)', alt: 'x" onload="y' }, fields: { alt: 'Alt "quoted" <b>' } },
      { type: 'upload', version: 3, format: '', relationTo: 'media', value: { url: 'https://tracker.test/other.png', mimeType: 'image/png' }, fields: null },
    )
    const html = await introHtmlOf(intro)
    expect(html, around(html, /tracker\.test|onerror|onload|alert/)).not.toMatch(/tracker\.test|onerror|onload|alert/)
    expect(html).toContain(`src="http://localhost:3000/api/media/file/calm.jpg"`)
    expect(html).toContain('alt="Alt &quot;quoted&quot; &lt;b&gt;"')
    expect(html).toContain('width="552"')
  })

  it('unknown nodes are left out: blocks, inline blocks, relationships, made-up types', async () => {
    const intro = doc(
      element('paragraph', [text('kept')]),
      { type: 'block', version: 2, format: '', fields: { blockType: 'html', html: '<script>alert(7)</script>' } },
      { type: 'inlineBlock', version: 1, fields: { blockType: 'html', html: '<iframe src="https://evil.test">' } },
      element('script', [text('alert(8)')]),
      { type: 'html', version: 1, html: '<img src=x onerror=alert(9)>' },
      { type: 'relationship', version: 2, format: '', relationTo: 'articles', value: 1 },
    )
    const html = await introHtmlOf(intro)
    expect(html).toContain('kept')
    expect(html, around(html, /alert|evil\.test|unknown node|<script|<iframe/)).not.toMatch(/alert|evil\.test|unknown node|<script|<iframe/)
  })
})

describe('defence in depth: a document the validator never saw', () => {
  it('a 2,000-deep intro written past the hooks (Local API db, an old row) is refused with 422, quickly, and the process lives', async () => {
    const newsletter = await payload.create({ collection: 'newsletters', data: { subject: 'Old row', intro: richText('fine') } as never })
    await payload.db.updateOne({ collection: 'newsletters', id: newsletter.id, data: { intro: hostileCases.deepQuotes!() } })
    const started = Date.now()
    const response = await http.api('GET', `/newsletters/${newsletter.id}/preview`, { credentials: { token } })
    expect(response.status, response.text.slice(0, 300)).toBe(422)
    expect(response.json.errors[0].message).toMatch(/nested more than 32 levels/)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('the converter refuses such a document itself, whatever calls it', () => {
    expect(() => lexicalToEmailHtml(hostileCases.deepQuotes!())).toThrow(/nested more than 32 levels/)
    expect(() => lexicalToEmailHtml({ root: { type: 'root', children: 'x' } })).toThrow(/"children"/)
    expect(lexicalToEmailHtml(richText('plain'))).toContain('plain')
  })
})
