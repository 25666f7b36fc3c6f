import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { launchBrowser } from '../helpers/browser'
import { httpApi, ROOT, startProductionServer, type RunningServer } from '../helpers/server'
import { startWebhookReceiver } from '../helpers/webhookReceiver'
import { loginInBrowser } from '../helpers/adminSession'

let server: RunningServer
let browser: Browser
let page: Page
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
let token: string

const EMAIL = 'owner@stevenson-clinic.test'
const PASSWORD = 'a-long-and-memorable-passphrase'
const SCREENSHOTS = path.join(ROOT, 'test-results')

beforeAll(async () => {
  ;[server, browser, receiver] = await Promise.all([
    startProductionServer('webhooks', { WEBHOOK_TIMEOUT_MS: '3000' }),
    launchBrowser(),
    startWebhookReceiver(),
  ])
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  page.setDefaultTimeout(30_000)
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: EMAIL, password: PASSWORD, name: 'Owner' } })
  expect(registered.status, registered.text).toBe(200)
  token = registered.json.token
  await loginInBrowser(page, server.url, EMAIL, PASSWORD)
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await receiver?.close()
})

describe('webhooks in the admin (headless Chromium, production build)', () => {
  it('"Send test ping" posts a signed ping and shows the answer; a failed delivery has "Retry delivery"', async () => {
    const created = await httpApi(server.url, 'POST', '/webhooks', { token, body: { name: 'Front end', url: receiver.url('/hook') } })
    expect(created.status, created.text).toBe(201)
    const webhook = created.json.doc

    await page.goto(`${server.url}/admin/collections/webhooks/${webhook.id}`)
    await page.getByRole('button', { name: 'Send test ping' }).click()
    await page.getByRole('status').filter({ hasText: /answered 200/ }).waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-webhook-ping.png') })
    const [ping] = receiver.forPath('/hook')
    expect(ping.json).toMatchObject({ event: 'ping', webhook: webhook.id })
    const { t, v1 } = Object.fromEntries(String(ping.headers['x-webhook-signature']).split(',').map((part) => part.split('=')))
    expect(v1).toBe(crypto.createHmac('sha256', webhook.secret).update(`${t}.${ping.body}`).digest('hex'))

    receiver.on('/broken', () => ({ status: 500, body: 'down for maintenance' }))
    await httpApi(server.url, 'PATCH', `/webhooks/${webhook.id}`, { token, body: { url: receiver.url('/broken') } })
    await page.reload()
    await page.getByRole('button', { name: 'Send test ping' }).click()
    await page.getByRole('status').filter({ hasText: /The ping failed: The receiver answered 500/ }).waitFor()

    const { json: log } = await httpApi(server.url, 'GET', '/webhook-deliveries?sort=-createdAt&depth=0', { token })
    const failed = log.docs.find((delivery: any) => delivery.status === 'failed')
    expect(failed).toMatchObject({ event: 'ping', responseStatus: 500, responseExcerpt: 'down for maintenance' })

    await page.goto(`${server.url}/admin/collections/webhook-deliveries`)
    await page.getByText('down for maintenance').or(page.getByRole('link', { name: 'ping' }).first()).first().waitFor()
    await page.goto(`${server.url}/admin/collections/webhook-deliveries/${failed.id}`)
    await page.getByRole('button', { name: 'Retry delivery' }).click()
    await page.getByRole('status').filter({ hasText: /Queued again/ }).waitFor()
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-webhook-retry.png') })
    const { json: requeued } = await httpApi(server.url, 'GET', `/webhook-deliveries/${failed.id}`, { token })
    // No worker runs in this test: it stays queued for one.
    expect(requeued).toMatchObject({ status: 'queued', attempts: 0 })
  })
})
