import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { receivedWith, sendNewsletterHere } from '../helpers/deliverability'
import { richText } from '../helpers/fixtures'
import { addSubscribers, scheduleNewsletter, setUpClinic, unfolded } from '../helpers/newsletters'
import { stopMailingTest } from '../helpers/outgoingMail'
import { startTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'

/**
 * The web version (emails/newsletters/webVersion.ts): a sent newsletter has a public copy with
 * no reader in it, at /email/newsletters/<id> ("View in browser", first in the email) and in the
 * archive (the page /email/newsletters and GET /api/newsletters/archive[/:id]); a newsletter
 * whose owner unticked "web version", or one not sent yet, has none.
 */
let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let http: typeof import('../helpers/http')
let page: typeof import('../../src/app/(subscribers)/email/newsletters/[id]/route')
let archivePage: typeof import('../../src/app/(subscribers)/email/newsletters/route')

beforeAll(async () => {
  sink = await startSmtpSink()
  Object.assign(process.env, { SMTP_URL: sink.url, EMAIL_FROM: 'Stevenson Clinic <news@stevenson-clinic.test>' })
  ctx = await startTestPayload('deliverability-web-version')
  http = await import('../helpers/http')
  page = await import('../../src/app/(subscribers)/email/newsletters/[id]/route')
  archivePage = await import('../../src/app/(subscribers)/email/newsletters/route')
  await setUpClinic(ctx.payload)
})

afterAll(() => stopMailingTest(ctx, sink))

const openCopy = (id: number | string) => page.GET(new Request(`http://localhost:3000/email/newsletters/${id}`), { params: Promise.resolve({ id: String(id) }) })

describe('web version', () => {
  it('is linked first in the email and shows the newsletter without any reader’s name, address, id or token', async () => {
    const [subscriberId] = await addSubscribers(ctx.payload, 1, { prefix: 'web-reader', name: () => 'Quillon Reader' })
    const subscriber = await ctx.payload.db.findOne<any>({ collection: 'subscribers', where: { id: { equals: subscriberId } } })
    const newsletter = await scheduleNewsletter(ctx.payload, { subject: 'Web stretches', sendAt: new Date().toISOString() })
    expect(await sendNewsletterHere(ctx.payload, newsletter.id)).toBe('finished')

    const mail = unfolded(receivedWith(sink.messages, 'Subject: Web stretches').raw)
    const url = `http://localhost:3000/email/newsletters/${newsletter.id}`
    expect(mail).toContain(`href=3D"${url}"`)
    // The text part's first line.
    const text = mail.slice(mail.indexOf('Content-Type: text/plain'))
    expect(text.split(/\r?\n\r?\n/)[1]!.trim()).toBe(`View in browser [${url}]`)

    const response = await openCopy(newsletter.id)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const copy = await response.text()
    expect(copy).toContain('Web stretches')
    expect(copy).toContain('Three stretches for cold mornings.')
    expect(copy).toContain('Hi there,')
    for (const secret of ['Quillon', 'web-reader-0@example.com', 'token=', 'unsubscribe', 'preferences', 'View in browser', subscriber.manageSecret]) {
      expect(copy.toLowerCase(), secret).not.toContain(String(secret).toLowerCase())
    }

    // Front ends read the same copy through the API, anonymously.
    const list = await http.api('GET', '/newsletters/archive')
    expect(list.status).toBe(200)
    expect(list.json.docs).toEqual([expect.objectContaining({ id: newsletter.id, subject: 'Web stretches', url })])
    const item = await http.api('GET', `/newsletters/archive/${newsletter.id}`)
    expect(item.status).toBe(200)
    expect(item.json.html).toBe(copy)
    expect(item.json.text).not.toMatch(/token=|Quillon/)
    const archive = await archivePage.GET(new Request('http://localhost:3000/email/newsletters'))
    expect(await archive.text()).toContain(`<a href="${url}">Web stretches</a>`)
  })

  it('does not exist for a newsletter opted out of the archive, nor for one not sent yet', async () => {
    await addSubscribers(ctx.payload, 1, { prefix: 'private-reader' })
    const privateOne = await scheduleNewsletter(ctx.payload, { subject: 'Private stretches', webVersion: false, sendAt: new Date().toISOString() })
    expect(await sendNewsletterHere(ctx.payload, privateOne.id)).toBe('finished')
    const mail = unfolded(receivedWith(sink.messages.filter((m) => m.raw.includes('Subject: Private stretches')), 'To: private-reader-0@example.com').raw)
    expect(mail).not.toContain('View in browser')
    expect(mail).not.toContain('/email/newsletters/')
    const draft = await ctx.payload.create({ collection: 'newsletters', data: { subject: 'Draft stretches', intro: richText('Soon.'), audience: 'all', status: 'draft' } as never })
    for (const id of [privateOne.id, draft.id, 999999]) {
      expect((await openCopy(id)).status, String(id)).toBe(404)
      expect((await http.api('GET', `/newsletters/archive/${id}`)).status, String(id)).toBe(404)
    }
    expect((await openCopy('not-an-id')).status).toBe(404)
    const list = await http.api('GET', '/newsletters/archive')
    expect(list.json.docs.map((doc: { subject: string }) => doc.subject)).toEqual(['Web stretches'])
  })

  it('bounds the archive listing', async () => {
    expect((await http.api('GET', '/newsletters/archive?limit=500')).status).toBe(400)
    expect((await http.api('GET', '/newsletters/archive?page=abc')).status).toBe(400)
    const one = await http.api('GET', '/newsletters/archive?limit=1&page=1')
    expect(one.status).toBe(200)
    expect(one.json.docs).toHaveLength(1)
  })
})
