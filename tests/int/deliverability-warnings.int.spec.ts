import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateDkimKey } from '../../bench/deliverability/measure'
import { deliverabilityWarnings } from '../../emails/deliverability'
import { createStaff, PASSWORD } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startWorker, stopWorkers, type WorkerProcess } from '../helpers/worker'

/**
 * Production warnings (emails/deliverability.ts): SERVER_URL not https, EMAIL_FROM on no real
 * domain, no DKIM (unless the relay signs: DKIM_SIGNED_BY_PROVIDER=true). The worker logs them
 * at start; staff read them from GET /api/newsletters/deliverability (the send panel).
 */
const key = generateDkimKey()
const GOOD = {
  SERVER_URL: 'https://news.stevensonclinic.com',
  EMAIL_FROM: 'Stevenson Clinic <news@stevensonclinic.com>',
  DKIM_DOMAIN: 'stevensonclinic.com',
  DKIM_SELECTOR: 'mail2026',
  DKIM_PRIVATE_KEY: key.privatePem,
}
let ctx: TestPayload
let http: typeof import('../helpers/http')
const workers: WorkerProcess[] = []

beforeAll(async () => {
  process.env.EMAIL_FROM = 'Stevenson Clinic <no-reply@localhost>'
  ctx = await startTestPayload('deliverability-warnings')
  http = await import('../helpers/http')
  await createStaff(ctx.payload)
})

afterAll(async () => {
  await stopWorkers(workers)
  if (ctx) await stopTestPayload(ctx)
})

describe('deliverabilityWarnings', () => {
  it('is empty for an https site, a real From domain and DKIM aligned with it', () => {
    expect(deliverabilityWarnings(GOOD)).toEqual([])
    expect(deliverabilityWarnings({ ...GOOD, EMAIL_FROM: 'news@mail.stevensonclinic.com' })).toEqual([])
  })

  it('names each problem and what to do', () => {
    expect(deliverabilityWarnings({ ...GOOD, SERVER_URL: 'http://news.stevensonclinic.com' })).toEqual([expect.stringMatching(/^SERVER_URL \(http:\/\/news\.stevensonclinic\.com\) is not https/)])
    expect(deliverabilityWarnings({ ...GOOD, SERVER_URL: undefined })).toEqual([expect.stringMatching(/^SERVER_URL is not set/)])
    for (const from of ['Clinic <no-reply@localhost>', 'news@clinic', 'news@clinic.local', 'news@[127.0.0.1]', 'news@example.com']) {
      expect(deliverabilityWarnings({ ...GOOD, EMAIL_FROM: from }), from).toEqual([expect.stringMatching(/^EMAIL_FROM \(.*\) is not on a real domain/)])
    }
    expect(deliverabilityWarnings({ ...GOOD, EMAIL_FROM: undefined })).toEqual([expect.stringMatching(/^EMAIL_FROM is not set/)])
    const unsigned = { SERVER_URL: GOOD.SERVER_URL, EMAIL_FROM: GOOD.EMAIL_FROM }
    expect(deliverabilityWarnings(unsigned)).toEqual([expect.stringMatching(/^DKIM is not configured: set DKIM_DOMAIN, DKIM_SELECTOR/)])
    expect(deliverabilityWarnings({ ...unsigned, DKIM_SIGNED_BY_PROVIDER: 'true' })).toEqual([])
    expect(deliverabilityWarnings({ ...GOOD, DKIM_DOMAIN: 'other-domain.com' })).toEqual([expect.stringMatching(/DKIM_DOMAIN \(other-domain\.com\) does not match the From domain \(stevensonclinic\.com\)/)])
    expect(deliverabilityWarnings({ ...GOOD, DKIM_SELECTOR: undefined })).toEqual([expect.stringMatching(/^DKIM is half configured: DKIM_SELECTOR is missing/)])
  })
})

describe('where the owner sees them', () => {
  it('the send panel’s endpoint lists them for staff only', async () => {
    expect((await http.api('GET', '/newsletters/deliverability')).status).toBe(401)
    const token = await http.login('editor@clinic.test', PASSWORD)
    const response = await http.api('GET', '/newsletters/deliverability', { credentials: { token } })
    expect(response.status).toBe(200)
    // The test environment: SERVER_URL http://localhost:3000, From at localhost, no DKIM.
    expect(response.json.warnings).toEqual([
      expect.stringMatching(/^SERVER_URL \(http:\/\/localhost:3000\) is not https/),
      expect.stringMatching(/^EMAIL_FROM .* is not on a real domain/),
      expect.stringMatching(/^DKIM is not configured/),
    ])
  })

  it('the worker logs them at start', async () => {
    const worker = startWorker({ DATABASE_URI: ctx.databaseUri, EMAIL_FROM: 'news@clinic.local', DKIM_SIGNED_BY_PROVIDER: 'true' })
    workers.push(worker)
    await worker.ready
    expect(worker.output()).toMatch(/worker\.deliverability-warning[\s\S]*SERVER_URL \(http:\/\/localhost:3000\) is not https/)
    expect(worker.output()).toMatch(/EMAIL_FROM \(news@clinic\.local\) is not on a real domain/)
    expect(worker.output()).not.toMatch(/DKIM is not configured/)
  })
})
