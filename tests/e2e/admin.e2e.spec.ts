import fs from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeBrowserTest, launchBrowser } from '../helpers/browser'
import { richText } from '../helpers/fixtures'
import { graphql, httpApi, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { waitFor } from '../helpers/waitFor'
import { createFirstUserInBrowser, loginInBrowser } from '../helpers/adminSession'

let server: RunningServer
let browser: Browser
let page: Page

const EMAIL = 'owner@stevenson-clinic.test'
const PASSWORD = 'a-long-and-memorable-passphrase'
const TITLE = `Gentle stretches for frozen shoulder ${Date.now()}`
const SCREENSHOTS = path.join(ROOT, 'test-results')

beforeAll(async () => {
  server = await startProductionServer('admin')
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  page.setDefaultTimeout(30_000)
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})

afterAll(() => closeBrowserTest('admin', { page, browser }, server))

/** The owner's JWT, from the first user the journey creates (or through first-register when it did not run). */
const ownerToken = async () => {
  const login = await httpApi(server.url, 'POST', '/users/login', { body: { email: EMAIL, password: PASSWORD } })
  if (login.status === 200) return login.json.token as string
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: EMAIL, password: PASSWORD, 'confirm-password': PASSWORD } })
  expect(registered.status, registered.text).toBe(200)
  return registered.json.token as string
}

describe('the owner in the admin panel (headless Chromium)', () => {
  it('creates the first user, logs out and in again, creates and publishes an article: published, and readable anonymously through GraphQL', async () => {
    // One journey: each step needs the one before it (the user, the session, the article).
    await createFirstUserInBrowser(page, server.url, EMAIL, PASSWORD)
    await page.getByRole('link', { name: 'Articles' }).first().waitFor()
    const token = await ownerToken()
    const me = await httpApi(server.url, 'GET', '/users/me', { token })
    expect(me.json.user?.email).toBe(EMAIL)
    expect(me.json.user?.roles).toContain('admin')

    // -- logs out and logs in again
    await page.goto(`${server.url}/admin/logout`)
    await page.waitForURL(/\/admin\/login/)
    await loginInBrowser(page, server.url, EMAIL, PASSWORD)
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/?$/)

    // -- opens the articles list, creates and publishes an article
    await page.goto(`${server.url}/admin/collections/articles`)
    await page.getByRole('heading', { name: 'Articles' }).first().waitFor()
    await page.goto(`${server.url}/admin/collections/articles/create`)
    // Autosave creates the draft document and moves to its URL; wait for the form to settle.
    await page.fill('input[name="title"]', TITLE)
    const editor = page.locator('[contenteditable="true"]').first()
    await editor.click()
    await page.keyboard.type('Slow, supported movement helps a stiff shoulder recover its range.')
    await page.getByRole('button', { name: 'Publish changes' }).click()
    await page.getByText(/published successfully|Updated successfully/i).first().waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-published-article.png') })
    // The toast says a save worked, not what was saved: read the state back over REST.
    const stored = await waitFor('the article published', async () => {
      const { json } = await httpApi(server.url, 'GET', `/articles?where[title][equals]=${encodeURIComponent(TITLE)}&depth=0`, { token })
      const doc = json.docs?.[0]
      return doc?._status === 'published' && doc
    }, 10_000)
    expect(stored.publishedAt).toBeTruthy()
    expect(JSON.stringify(stored.content)).toContain('Slow, supported movement')

    // -- the article is readable anonymously through GraphQL
    const found: any = await waitFor('the article over GraphQL', async () => {
      const { json } = await graphql(server.url, 'query($title: String) { Articles(where: { title: { equals: $title } }) { docs { title slug publishedAt content } } }', {
        title: TITLE,
      })
      return json.data?.Articles?.docs?.[0]
    }, 10_000).catch(() => undefined)
    expect(found?.title).toBe(TITLE)
    expect(found.slug).toMatch(/^gentle-stretches-for-frozen-shoulder/)
    expect(found.publishedAt).toBeTruthy()
    expect(JSON.stringify(found.content)).toContain('Slow, supported movement')
  })

  it('the dashboard lists a scheduled change in the clinic timezone', async () => {
    // Its own owner session and its own published article: this test needs no other to have run.
    const token = await ownerToken()
    const title = `Scheduled stretches ${Date.now()}`
    const created = await httpApi(server.url, 'POST', '/articles', { token, body: { _status: 'published', title, content: richText('Ten minutes a day.') } })
    expect(created.status, created.text).toBe(201)
    const id = created.json.doc.id
    const scheduled = await fetch(`${server.url}/api/articles/${id}/schedule`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `JWT ${token}` },
      body: JSON.stringify({ action: 'unpublish', at: new Date(Date.now() + 86_400_000).toISOString() }),
    })
    expect(scheduled.status).toBe(201)
    await loginInBrowser(page, server.url, EMAIL, PASSWORD)
    await page.goto(`${server.url}/admin`)
    const panel = page.locator('section[aria-labelledby="upcoming-schedule-heading"]')
    await panel.getByText(title).waitFor()
    await expect(panel.getByText('Unpublish').count()).resolves.toBe(1)
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'admin-dashboard-schedule.png') })
  })
})
