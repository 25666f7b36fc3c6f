import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'

import { launchBrowser } from './browser'
import { httpApi, ROOT, startProductionServer, type RunningServer } from './server'
import { startSmtpSink, type SmtpSinkOptions } from './smtpSink'
import { startWorker, type WorkerProcess } from './worker'
import { CLINIC_SETTINGS, loginInBrowser } from './adminSession'

/**
 * What the newsletter browser tests share: `next start` with a real SMTP sink, a real worker
 * on the same database, headless Chromium, and an owner with the clinic's settings — set up
 * before the tests, so that no test depends on another having run first.
 */

export const OWNER_EMAIL = 'owner@stevenson-clinic.test'
export const OWNER_PASSWORD = 'a-long-and-memorable-passphrase'
export const NEWS_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
export const SCREENSHOTS = path.join(ROOT, 'test-results')

export type NewsletterAdmin = {
  server: RunningServer
  sink: Awaited<ReturnType<typeof startSmtpSink>>
  worker: WorkerProcess
  browser: Browser
  context: BrowserContext
  page: Page
  /** The owner's JWT, for REST set-up and read-backs. */
  token: string
  api: (method: string, route: string, body?: unknown) => ReturnType<typeof httpApi>
  /** server and worker logs, for a timeout's explanation. */
  logs: () => string
  /** Screenshot to test-results/`lastScreenshot`, then everything stopped. */
  stop: () => Promise<void>
}

export const startNewsletterAdmin = async (options: {
  name: string
  sink?: SmtpSinkOptions
  /** Extra environment of the worker (e.g. SMTP_RATE_PER_SECOND). */
  workerEnv?: Record<string, string>
  /** The browser's own timezone (the clinic keeps America/Chicago). */
  timezoneId?: string
  lastScreenshot: string
}): Promise<NewsletterAdmin> => {
  const sink = await startSmtpSink(options.sink)
  // startProductionServer spreads process.env into the server's environment.
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = NEWS_FROM
  const server = await startProductionServer(options.name)
  const worker = startWorker({
    DATABASE_URI: server.databaseUri,
    SMTP_URL: sink.url,
    EMAIL_FROM: NEWS_FROM,
    SERVER_URL: server.url,
    PAYLOAD_SECRET: server.env.PAYLOAD_SECRET!,
    MEDIA_DIR: server.env.MEDIA_DIR!,
    ...options.workerEnv,
  })
  const browser = await launchBrowser()
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}) })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await worker.ready

  const registered = await httpApi(server.url, 'POST', '/users/first-register', { body: { email: OWNER_EMAIL, password: OWNER_PASSWORD, 'confirm-password': OWNER_PASSWORD } })
  expect(registered.status, registered.text).toBe(200)
  const token: string = registered.json.token ?? (await httpApi(server.url, 'POST', '/users/login', { body: { email: OWNER_EMAIL, password: OWNER_PASSWORD } })).json.token
  expect(token).toBeTruthy()
  const api = (method: string, route: string, body?: unknown) => httpApi(server.url, method, route, { body, token })
  const clinic = await api('POST', '/globals/clinic', CLINIC_SETTINGS)
  expect(clinic.status, clinic.text).toBe(200)

  await loginInBrowser(page, server.url, OWNER_EMAIL, OWNER_PASSWORD)

  const stop = async () => {
    if (!page.isClosed()) await page.screenshot({ path: path.join(SCREENSHOTS, options.lastScreenshot), fullPage: true }).catch(() => {})
    await browser.close()
    if (worker.child.exitCode === null) {
      worker.kill('SIGTERM')
      await worker.exited
    }
    await server.stop()
    await sink.close()
  }
  const logs = () => `server log:\n${server.output().slice(-2000)}\nworker log:\n${worker.output().slice(-3000)}`
  return { server, sink, worker, browser, context, page, token, api, logs, stop }
}

/** Subscribers (confirmed unless `status` says otherwise) through REST, with the consent the collection requires. */
export const subscribeByRest = async (admin: NewsletterAdmin, emails: string[], status = 'confirmed') => {
  for (const email of emails) {
    const created = await admin.api('POST', '/subscribers', { email, name: email.split('.')[0], status, consent: { at: new Date().toISOString(), source: 'e2e test', text: 'Send me the newsletter.' } })
    expect(created.status, created.text).toBe(201)
  }
}
