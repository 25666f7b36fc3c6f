import nodeHttp from 'node:http'

import { afterAll, describe, expect, it } from 'vitest'

import { richText } from '../../helpers/fixtures'
import { ctx, http, editorToken, receiver, asAdmin, draftArticle, publishedArticle, createWebhook, deliveriesFor, eventsFor, verifySignature, useWebhooksTest } from './setup'

useWebhooksTest()

describe('recording events', () => {
  afterAll(async () => {
    // Leaves the worker tests below only their own webhooks.
    await ctx.payload.update({ collection: 'webhooks', where: { url: { contains: '/events' } } as never, data: { enabled: false } })
    await ctx.payload.update({ collection: 'webhooks', where: { url: { contains: '/other' } } as never, data: { enabled: false } })
  })

  it('records publish, update, unpublish and delete from the public state, and nothing for draft saves', async () => {
    const hook = await createWebhook({ url: receiver.url('/events') })
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/)
    // Subscribed to other events and collections only: must stay silent for articles.
    const other = await createWebhook({ url: receiver.url('/other'), events: ['delete'], collections: ['faqs'] })

    const article = await draftArticle('Draft first')
    expect(await eventsFor(hook.id, article.id)).toEqual([])

    const publish = () => ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'published' } })
    await publish()
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish'])

    // Draft saves over the published document: only versions change, the public doc does not.
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, data: { title: 'Draft edit' } })
    await ctx.payload.update({ collection: 'articles', id: article.id, draft: true, autosave: true, data: { title: 'Autosaved edit' } })
    // The admin's autosave, through REST as an editor.
    const autosave = await http.api('PATCH', `/articles/${article.id}?draft=true&autosave=true`, {
      body: { title: 'Autosaved over REST' },
      credentials: { token: editorToken },
    })
    expect(autosave.status, autosave.text).toBe(200)
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish'])

    // Publishing the draft changes what readers see: an update, not a second publish.
    await publish()
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { excerpt: 'Edited while live.' } })
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish', 'update', 'update'])

    await ctx.payload.update({ collection: 'articles', id: article.id, data: { _status: 'draft' } })
    // Saving an unpublished document is invisible to readers.
    await ctx.payload.update({ collection: 'articles', id: article.id, data: { excerpt: 'Edited while hidden.' } })
    await publish()
    // Created before the delete below: SQLite may reuse the highest id once it is gone.
    const born = await publishedArticle('Born published')
    expect(await eventsFor(hook.id, born.id)).toEqual(['publish'])
    // Publishing an article ticked "email to subscribers" makes the worker re-save it to
    // link the announcement: still one publish event.
    const announced = await draftArticle('Announced')
    await ctx.payload.update({ collection: 'articles', id: announced.id, data: { emailSubscribers: true } })
    await ctx.payload.update({ collection: 'articles', id: announced.id, data: { _status: 'published' } })
    // The worker's newsletter clock creates the announcement (here in the test's process).
    await (await import('../../../jobs/newsletters/announcements')).announcePendingArticles(ctx.payload)
    expect((await ctx.payload.findByID({ collection: 'articles', id: announced.id })).announcement).toBeTruthy()
    expect(await eventsFor(hook.id, announced.id)).toEqual(['publish'])
    // Restoring an older version of a live document is an update (Payload's restoreVersion
    // runs beforeChange with a wrapped request).
    await ctx.payload.update({ collection: 'articles', id: born.id, data: { title: 'Renamed while live' } })
    const { docs: versions } = await ctx.payload.findVersions({ collection: 'articles', where: { parent: { equals: born.id } }, sort: 'createdAt' })
    await ctx.payload.restoreVersion({ collection: 'articles', id: versions[0].id })
    expect(await eventsFor(hook.id, born.id)).toEqual(['publish', 'update', 'update'])
    await ctx.payload.delete({ collection: 'articles', id: article.id })
    expect(await eventsFor(hook.id, article.id)).toEqual(['publish', 'update', 'update', 'unpublish', 'publish', 'delete'])
    const neverLive = await draftArticle()
    await ctx.payload.delete({ collection: 'articles', id: neverLive.id })
    expect(await eventsFor(hook.id, neverLive.id)).toEqual([])

    // Imports and seeds opt out.
    const quiet = await ctx.payload.create({
      collection: 'articles',
      context: { disableWebhooks: true },
      data: { _status: 'published', title: 'Imported', slug: `imported-${Date.now()}`, content: richText('Body.') },
    })
    expect(await eventsFor(hook.id, quiet.id)).toEqual([])

    // Every collection with public content, with its own name in the body.
    const faq = await ctx.payload.create({
      collection: 'faqs',
      data: { _status: 'published', question: 'Do you bill insurance?', answer: richText('Yes.'), category: 'insurance' },
    })
    expect(await eventsFor(hook.id, faq.id)).toContain('publish')
    expect(await eventsFor(other.id, article.id)).toEqual([])
    expect(await eventsFor(other.id, faq.id)).toEqual([])

    // The body: what an anonymous reader gets, no staff-only fields.
    const [published] = await deliveriesFor({ and: [{ webhook: { equals: hook.id } }, { documentId: { equals: String(article.id) } }] })
    const body = JSON.parse(published.body)
    expect(body).toMatchObject({ event: 'publish', collection: 'articles', id: article.id, slug: article.slug })
    expect(Date.parse(body.occurredAt)).toBeGreaterThan(0)
    expect(body.doc).toMatchObject({ id: article.id, title: 'Draft first', _status: 'published' })
    expect(body.doc).not.toHaveProperty('emailSubscribers')
    const deleted = JSON.parse((await deliveriesFor({ and: [{ documentId: { equals: String(article.id) } }, { event: { equals: 'delete' } }] }))[0].body)
    expect(deleted).toMatchObject({ event: 'delete', id: article.id, slug: article.slug, doc: null })
    // What a CDN in front purges: the same tags the response cache sends as Cache-Tag / Surrogate-Key.
    for (const event of [body, deleted]) {
      expect(event.tags).toEqual(expect.arrayContaining(['content', 'articles:list', `articles:${article.id}`, `articles:slug:${article.slug}`]))
    }
    expect(published.status).toBe('queued')

  })
})

describe('URLs, secrets and access', () => {
  it('refuses bad URLs and short secrets with a 400 that says what to fix', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['ftp://example.com/hook', /Only http:\/\/ and https:\/\//],
      ['https://user:pass@example.com/hook', /user name and password/],
      ['not a url', /is not a URL/],
      ['javascript:alert(1)', /Only http:\/\/ and https:\/\//],
      [`https://example.com/${'a'.repeat(2100)}`, /at most 2000/],
    ]
    for (const [url, message] of cases) {
      const response = await http.api('POST', '/webhooks', { body: { name: 'Bad', url }, ...asAdmin() })
      expect(response.status, String(url)).toBe(400)
      expect(response.text, String(url)).toMatch(message)
    }
    const short = await http.api('POST', '/webhooks', { body: { name: 'Short', url: 'https://example.com/h', secret: 'abc' }, ...asAdmin() })
    expect(short.status).toBe(400)
    expect(short.text).toMatch(/at least 16 characters/)

    process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS = 'true'
    try {
      for (const url of ['http://127.0.0.1:9/x', 'http://10.1.2.3/x', 'http://localhost:3000/x', 'http://localhost.:3000/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://[::ffff:127.0.0.1]/x']) {
        const response = await http.api('POST', '/webhooks', { body: { name: 'Private', url }, ...asAdmin() })
        expect(response.status, url).toBe(400)
        expect(response.text, url).toMatch(/WEBHOOK_BLOCK_PRIVATE_TARGETS/)
      }
      // Names are checked again when they are resolved, at connect time: a name that
      // resolves to a private address is refused even though the URL looked public.
      const { guardedLookup } = await import('../../../src/webhooks/targetUrl')
      const refused = await new Promise<NodeJS.ErrnoException>((resolve, reject) =>
        nodeHttp
          .get({ host: 'localhost', port: Number(new URL(receiver.url('/')).port), path: '/never', lookup: guardedLookup }, () => reject(new Error('connected')))
          .on('error', resolve),
      )
      expect(refused.code).toBe('EPRIVATETARGET')
      expect(receiver.forPath('/never')).toHaveLength(0)
    } finally {
      delete process.env.WEBHOOK_BLOCK_PRIVATE_TARGETS
    }
    const kept = await createWebhook({ url: 'https://example.com/h', secret: 'a-secret-chosen-by-hand', enabled: false })
    expect(kept.secret).toBe('a-secret-chosen-by-hand')
    // A PATCH of other fields keeps the secret; clearing it rotates it.
    const renamed = await http.api('PATCH', `/webhooks/${kept.id}`, { body: { name: 'Renamed' }, ...asAdmin() })
    expect(renamed.json.doc.secret).toBe('a-secret-chosen-by-hand')
    const rotated = await http.api('PATCH', `/webhooks/${kept.id}`, { body: { secret: '' }, ...asAdmin() })
    expect(rotated.json.doc.secret).toMatch(/^[0-9a-f]{64}$/)
  })

  it('webhooks and their deliveries are for admins only', async () => {
    const hook = await createWebhook({ url: receiver.url('/access'), enabled: false })
    for (const credentials of [undefined, { token: editorToken }]) {
      for (const path of ['/webhooks', `/webhooks/${hook.id}`, '/webhook-deliveries']) {
        const response = await http.api('GET', path, { credentials })
        expect(response.status, `${path} ${credentials ? 'editor' : 'anonymous'}`).toBe(403)
        expect(response.text).not.toContain(hook.secret)
      }
      const { json } = await http.gql('{ Webhooks { docs { url secret } } }', undefined, credentials)
      expect(json.errors?.length).toBeGreaterThan(0)
      expect(JSON.stringify(json)).not.toContain(hook.secret)
    }
    const editorCreate = await http.api('POST', '/webhooks', { body: { name: 'Nope', url: receiver.url('/x') }, credentials: { token: editorToken } })
    expect(editorCreate.status).toBe(403)

    expect((await http.api('POST', `/webhooks/${hook.id}/ping`)).status).toBe(401)
    expect((await http.api('POST', `/webhooks/${hook.id}/ping`, { credentials: { token: editorToken } })).status).toBe(403)
    expect((await http.api('POST', '/webhooks/999999/ping', asAdmin())).status).toBe(404)
    expect((await http.api('POST', '/webhooks/abc/ping', asAdmin())).status).toBe(400)
    expect((await http.api('POST', '/webhook-deliveries/1/retry')).status).toBe(401)
    expect((await http.api('POST', '/webhook-deliveries/1/retry', { credentials: { token: editorToken } })).status).toBe(403)
    expect((await http.api('POST', '/webhook-deliveries/999999/retry', asAdmin())).status).toBe(404)
    expect((await http.api('POST', '/webhook-deliveries/x-1/retry', asAdmin())).status).toBe(400)
  })
})

describe('the test ping (sent by the app, synchronously)', () => {
  it('signs it, does not follow redirects, times out, and keeps only an excerpt of the answer', async () => {
    const hook = await createWebhook({ url: receiver.url('/ping'), enabled: false })
    receiver.on('/ping', () => ({ status: 200, body: 'x'.repeat(100_000) }))
    const ping = await http.api('POST', `/webhooks/${hook.id}/ping`, asAdmin())
    expect(ping.status, ping.text).toBe(200)
    expect(ping.json).toMatchObject({ ok: true, delivery: { event: 'ping', status: 'delivered', responseStatus: 200 } })
    expect(ping.json.delivery.responseExcerpt.length).toBeLessThanOrEqual(500)
    const [request] = receiver.forPath('/ping')
    expect(request.json).toMatchObject({ event: 'ping', webhook: hook.id })
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers['x-webhook-event']).toBe('ping')
    expect(request.headers['x-webhook-id']).toBe(String(ping.json.delivery.id))
    expect(request.headers['user-agent']).toMatch(/StevensonClinicCMS/)
    expect(verifySignature(request, hook.secret)).toBe(true)
    expect(verifySignature(request, 'not-the-secret-0123456789')).toBe(false)
    const timestamp = Number(/t=(\d+)/.exec(String(request.headers['x-webhook-signature']))![1])
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(600)

    receiver.on('/moved', () => ({ status: 302, headers: { Location: receiver.url('/ping') } }))
    await ctx.payload.update({ collection: 'webhooks', id: hook.id, data: { url: receiver.url('/moved') } })
    const pingsBefore = receiver.forPath('/ping').length
    const redirected = await http.api('POST', `/webhooks/${hook.id}/ping`, asAdmin())
    expect(redirected.json).toMatchObject({ ok: false, delivery: { status: 'failed', responseStatus: 302 } })
    expect(redirected.json.delivery.lastError).toMatch(/redirects are not followed/)
    expect(receiver.forPath('/ping')).toHaveLength(pingsBefore)

    receiver.on('/hang', () => ({ hang: true }))
    await ctx.payload.update({ collection: 'webhooks', id: hook.id, data: { url: receiver.url('/hang') } })
    const hung = await http.api('POST', `/webhooks/${hook.id}/ping`, asAdmin())
    expect(hung.json).toMatchObject({ ok: false, delivery: { status: 'failed', responseStatus: null } })
    expect(hung.json.delivery.lastError).toMatch(/within 1500 ms/)
    expect(receiver.forPath('/hang')).toHaveLength(1)

    // Only failed deliveries can be retried.
    const again = await http.api('POST', `/webhook-deliveries/${ping.json.delivery.id}/retry`, asAdmin())
    expect(again.status).toBe(409)
  })
})
