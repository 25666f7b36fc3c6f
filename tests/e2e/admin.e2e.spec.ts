import fs from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { launchBrowser } from '../helpers/browser'
import { graphql, ROOT, startProductionServer, type RunningServer } from '../helpers/server'

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

afterAll(async () => {
  if (page && !page.isClosed()) await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-last.png') }).catch(() => {})
  await browser?.close()
  await server?.stop()
})

describe('the owner in the admin panel (headless Chromium)', () => {
  it('creates the first user and lands in the admin', async () => {
    await page.goto(`${server.url}/admin`)
    await page.waitForURL(/\/admin\/create-first-user/)
    await page.fill('input[name="email"]', EMAIL)
    await page.fill('input[name="password"]', PASSWORD)
    await page.fill('input[name="confirm-password"]', PASSWORD)
    await page.click('button[type="submit"]')
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/')
    await page.getByRole('link', { name: 'Articles' }).first().waitFor()
  })

  it('logs out and logs in again', async () => {
    await page.goto(`${server.url}/admin/logout`)
    await page.waitForURL(/\/admin\/login/)
    await page.fill('input[name="email"]', EMAIL)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click('button[type="submit"]')
    await page.waitForURL((url) => url.pathname === '/admin' || url.pathname === '/admin/')
  })

  it('opens the articles list, creates and publishes an article', async () => {
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
  })

  it('the article is readable anonymously through GraphQL', async () => {
    const deadline = Date.now() + 10_000
    let found: any
    while (!found && Date.now() < deadline) {
      const { json } = await graphql(server.url, 'query($title: String) { Articles(where: { title: { equals: $title } }) { docs { title slug publishedAt content } } }', {
        title: TITLE,
      })
      found = json.data?.Articles?.docs?.[0]
      if (!found) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(found?.title).toBe(TITLE)
    expect(found.slug).toMatch(/^gentle-stretches-for-frozen-shoulder/)
    expect(found.publishedAt).toBeTruthy()
    expect(JSON.stringify(found.content)).toContain('Slow, supported movement')
  })

  it('the dashboard lists a scheduled change in the clinic timezone', async () => {
    const login = await fetch(`${server.url}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    })
    const { token } = (await login.json()) as { token: string }
    const { json } = await graphql(server.url, 'query($title: String) { Articles(where: { title: { equals: $title } }) { docs { id } } }', { title: TITLE })
    const id = json.data.Articles.docs[0].id
    const scheduled = await fetch(`${server.url}/api/articles/${id}/schedule`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `JWT ${token}` },
      body: JSON.stringify({ action: 'unpublish', at: new Date(Date.now() + 86_400_000).toISOString() }),
    })
    expect(scheduled.status).toBe(201)
    await page.goto(`${server.url}/admin`)
    const panel = page.locator('section[aria-labelledby="upcoming-schedule-heading"]')
    await panel.getByText(TITLE).waitFor()
    await expect(panel.getByText('Unpublish').count()).resolves.toBe(1)
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'admin-dashboard-schedule.png') })
  })
})
