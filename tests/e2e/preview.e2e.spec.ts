import http from 'node:http'
import type net from 'node:net'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loginInBrowser } from '../helpers/adminSession'
import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { richText } from '../helpers/fixtures'
import { freePort, httpApi, startProductionServer, type RunningServer } from '../helpers/server'
import { waitFor } from '../helpers/waitFor'

/**
 * Draft preview from the admin, in headless Chromium against the production build, with a tiny
 * front end this test starts (node:http on 127.0.0.1): its /preview page exchanges the token
 * for the draft on its server side (GET /api/preview?token=…, no staff credentials anywhere in
 * the front end) and renders the title; its script follows Live Preview's postMessage protocol
 * (`{ type: 'payload-live-preview', ready: true }` to the admin, then `payload-live-preview`
 * messages with the form's data) and reports every title it shows from a message back to its
 * server. The admin's Preview button opens the draft; the Live Preview pane shows an unsaved
 * title change.
 */
let server: RunningServer
let frontEnd: http.Server
let frontEndUrl: string
let browser: Browser, context: BrowserContext, page: Page
let articleId: number

const EMAIL = 'owner@clinic.test'
const PASSWORD = 'e2e-preview-lantern-orchard'
/** Every title the front end rendered, and how: from the token exchange (`server`) or a live-preview message (`message`). */
const rendered: Array<{ via: 'server' | 'message'; title: string }> = []
const exchanges: number[] = []

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const previewPage = (cmsUrl: string, title: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Preview</title></head>
<body>
<h1 id="title">${escapeHtml(title)}</h1>
<script>
  const CMS = ${JSON.stringify(cmsUrl)};
  window.addEventListener('message', (event) => {
    if (event.origin !== CMS || !event.data || event.data.type !== 'payload-live-preview' || !event.data.data) return;
    const title = event.data.data.title;
    if (typeof title !== 'string') return;
    document.getElementById('title').textContent = title;
    fetch('/seen?title=' + encodeURIComponent(title));
  });
  (window.opener || window.parent).postMessage({ type: 'payload-live-preview', ready: true }, CMS);
</script>
</body></html>`

const startFrontEnd = async (port: number, cmsUrl: () => string) => {
  const frontEndServer = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://front.end')
    if (url.pathname === '/seen') {
      rendered.push({ via: 'message', title: url.searchParams.get('title') ?? '' })
      res.writeHead(204).end()
      return
    }
    if (url.pathname !== '/preview') {
      res.writeHead(404).end()
      return
    }
    const token = url.searchParams.get('token') ?? ''
    const answer = await fetch(`${cmsUrl()}/api/preview?token=${encodeURIComponent(token)}`)
    exchanges.push(answer.status)
    if (answer.status !== 200) {
      res.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(`preview refused: ${answer.status}`)
      return
    }
    const doc = (await answer.json()) as { title: string }
    rendered.push({ via: 'server', title: doc.title })
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(previewPage(cmsUrl(), doc.title))
  })
  await new Promise<void>((resolve) => frontEndServer.listen(port, '127.0.0.1', resolve))
  return frontEndServer
}

beforeAll(async () => {
  const port = await freePort()
  frontEndUrl = `http://127.0.0.1:${port}`
  frontEnd = await startFrontEnd(port, () => server.url)
  // The env fallback (the clinic global's template is covered by tests/int/preview.int.spec.ts).
  server = await startProductionServer('preview', {
    PREVIEW_URL: `${frontEndUrl}/preview?collection={collection}&slug={slug}&token={token}`,
  })
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD } })
  expect(registered.status).toBe(200)
  const token = registered.json.token as string
  const created = await httpApi(server.url, 'POST', '/articles', {
    token,
    body: { _status: 'published', title: 'Published title', slug: 'shoulder-care', content: richText('Published words.') },
  })
  expect(created.status).toBe(201)
  articleId = created.json.doc.id
  const draft = await httpApi(server.url, 'PATCH', `/articles/${articleId}?draft=true`, { token, body: { title: 'Saved draft title' } })
  expect(draft.status).toBe(200)

  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } })
  page = await context.newPage()
  page.setDefaultTimeout(45_000)
  await loginInBrowser(page, server.url, EMAIL, PASSWORD)
}, 180_000)

afterAll(async () => {
  await closeBrowserTest('preview', { page, browser }, server)
  frontEnd?.closeAllConnections()
  await new Promise((resolve) => frontEnd?.close(resolve))
})

describe('Preview and Live Preview in the admin', () => {
  it('the Preview button mints a token on the click and opens the front end, which shows the saved draft', async () => {
    await page.goto(`${server.url}/admin/collections/articles/${articleId}`)
    const button = page.locator('#preview-button')
    await button.waitFor()
    const href = (await button.getAttribute('href'))!
    expect(href.startsWith(`${frontEndUrl}/preview?collection=articles&slug=shoulder-care&token=`)).toBe(true)
    const [previewTab] = await Promise.all([context.waitForEvent('page'), button.click()])
    await previewTab.waitForURL((url) => url.href.startsWith(`${frontEndUrl}/preview?`))
    await expect.poll(() => previewTab.locator('#title').textContent(), { timeout: 30_000 }).toBe('Saved draft title')
    // A token minted by the click (POST /api/preview-token), not the one in the link rendered with the page.
    const clickedToken = new URL(previewTab.url()).searchParams.get('token')
    expect(clickedToken).toBeTruthy()
    expect(clickedToken).not.toBe(new URL(href).searchParams.get('token'))
    expect(exchanges.at(-1)).toBe(200)
    await previewTab.close()
    // The public still reads the published version.
    const published = await fetch(`${server.url}/api/articles/${articleId}`)
    expect(((await published.json()) as { title: string }).title).toBe('Published title')
  })

  it('Live Preview shows an unsaved title change through postMessage', async () => {
    await page.goto(`${server.url}/admin/collections/articles/${articleId}`)
    const toggler = page.locator('#live-preview-toggler')
    await toggler.waitFor()
    await toggler.click()
    const frame = page.frameLocator('iframe#live-preview-iframe')
    await expect.poll(() => frame.locator('#title').textContent(), { timeout: 30_000 }).toBe('Saved draft title')
    const title = page.locator('#field-title')
    await title.fill('Live title, typed a moment ago')
    await waitFor('the typed title at the front end, from a live-preview message', () =>
      rendered.some((entry) => entry.via === 'message' && entry.title === 'Live title, typed a moment ago'),
      30_000,
    )
    await expect.poll(() => frame.locator('#title').textContent(), { timeout: 30_000 }).toBe('Live title, typed a moment ago')
  })
})
