import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD } from '../helpers/fixtures'
import { startTestPayload, stopTestPayload, type TestPayload } from '../helpers/payload'
import { startSmtpSink } from '../helpers/smtpSink'
import { outgoingMailSettled } from '../helpers/outgoingMail'
import { waitFor } from '../helpers/waitFor'

let ctx: TestPayload
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let http: typeof import('../helpers/http')
let adminToken: string
let editorToken: string

beforeAll(async () => {
  sink = await startSmtpSink()
  process.env.SMTP_URL = sink.url
  ctx = await startTestPayload('subscriber-csv')
  http = await import('../helpers/http')
  await createStaff(ctx.payload)
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  editorToken = await http.login('editor@clinic.test', PASSWORD)
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
  await ctx.payload.create({ collection: 'conditions', data: { _status: 'published', name: 'Sciatica', slug: 'sciatica', summary: 'x' } })
  await ctx.payload.create({ collection: 'subscribers', data: { email: 'already@example.com', status: 'confirmed' } })
})

afterAll(async () => {
  // Mail goes out after the answers: wait until it has reached the sink.
  await outgoingMailSettled()
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
})

const FILE = [
  'email,name,status,topics,consent_at,consent_source',
  'new.confirmed@example.com,Dana,confirmed,sciatica,2025-03-01T10:00:00Z,front desk form',
  'new.pending@example.com,Eli,pending,,,',
  'already@example.com,Already,confirmed,,2025-01-01,old list',
  'new.pending@example.com,Twice,pending,,,',
  'not-an-email,X,pending,,,',
  'nodate@example.com,No Date,confirmed,,,',
  'topic@example.com,T,pending,astrology,,',
  'status@example.com,S,vip,,,',
  '"=HYPERLINK(""http://evil.example"")@example.com",Evil,pending,,,',
  'formula@example.com,=1+2,pending,,,',
].join('\n')

const importCsv = (body: string, query = '', token = adminToken) =>
  http.api('POST', `/subscribers/import${query}`, { body, credentials: token ? { token } : undefined, headers: { 'Content-Type': 'text/csv' } })

describe('CSV import', () => {
  it('previews without writing: accepted, duplicates and invalid rows with reasons', async () => {
    const before = await ctx.payload.count({ collection: 'subscribers' })
    const preview = await importCsv(FILE, '?dryRun=1')
    expect(preview.status, preview.text).toBe(200)
    expect(preview.json.dryRun).toBe(true)
    expect(preview.json.accepted.map((row: any) => row.email)).toEqual(['new.confirmed@example.com', 'new.pending@example.com', 'formula@example.com'])
    expect(preview.json.duplicates.map((row: any) => [row.row, row.reason])).toEqual([
      [4, 'Already a subscriber.'],
      [5, 'Appears earlier in this file.'],
    ])
    const reasons = Object.fromEntries(preview.json.invalid.map((row: any) => [row.row, row.reason]))
    expect(reasons[6]).toMatch(/not an email address/)
    expect(reasons[7]).toMatch(/needs consent_at/)
    expect(reasons[8]).toMatch(/Unknown topic astrology/)
    expect(reasons[9]).toMatch(/Unknown status "vip"/)
    expect(reasons[10]).toBeTruthy()
    expect(await ctx.payload.count({ collection: 'subscribers' })).toEqual(before)
  })

  it('imports, keeping the stated consent, and asks pending rows to confirm', async () => {
    const result = await importCsv(FILE)
    expect(result.status).toBe(200)
    expect(result.json.created).toBe(3)
    expect(result.json.confirmationEmails).toBe(2)
    const { docs } = await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: 'new.confirmed@example.com' } }, depth: 1 })
    expect(docs[0].status).toBe('confirmed')
    expect(docs[0].consent?.at).toBe('2025-03-01T10:00:00.000Z')
    expect(docs[0].consent?.source).toBe('front desk form')
    expect((docs[0].topics as any[])[0].slug).toBe('sciatica')
    await waitFor('the confirmation email to the imported pending subscriber', () => sink.messages.some((message) => message.to.includes('new.pending@example.com')), 10_000)
    expect(sink.messages.some((message) => message.to.includes('new.pending@example.com'))).toBe(true)
    expect(sink.messages.some((message) => message.to.includes('new.confirmed@example.com'))).toBe(false)
  })

  it('refuses bad files and people without rights', async () => {
    expect((await importCsv('name\nno email column')).status).toBe(400)
    expect((await importCsv('email\n"unterminated')).status).toBe(400)
    expect((await importCsv('')).status).toBe(400)
    expect((await importCsv('email\na@example.com', '', editorToken)).status).toBe(403)
    expect((await importCsv('email\na@example.com', '', '')).status).toBe(401)
  })
})

describe('CSV export', () => {
  it('exports every subscriber in the import columns, safe for spreadsheets, for staff only', async () => {
    const csv = await http.api('GET', '/subscribers/export', { credentials: { token: editorToken } })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = csv.text.trim().split('\n')
    expect(lines[0]).toBe('email,name,status,topics,consent_at,consent_source,consent_text')
    expect(lines.some((line) => line.startsWith('new.confirmed@example.com,Dana,confirmed,sciatica,2025-03-01T10:00:00.000Z'))).toBe(true)
    expect(csv.text).toContain("formula@example.com,'=1+2,pending")
    expect((await http.api('GET', '/subscribers/export')).status).toBe(401)
  })
})

describe('erasure', () => {
  it('deleting a subscriber removes their data and keeps only an anonymous count', async () => {
    const { docs } = await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: 'new.confirmed@example.com' } } })
    expect((await http.api('DELETE', `/subscribers/${docs[0].id}`, { credentials: { token: editorToken } })).status).toBe(403)
    expect((await http.api('DELETE', `/subscribers/${docs[0].id}`, { credentials: { token: adminToken } })).status).toBe(200)
    expect((await ctx.payload.find({ collection: 'subscribers', where: { email: { equals: 'new.confirmed@example.com' } } })).totalDocs).toBe(0)
    const stats = await ctx.payload.findGlobal({ slug: 'audience-stats' })
    expect(stats.erasedSubscribers).toBe(1)
    expect(stats.erasedWhileConfirmed).toBe(1)
    expect(JSON.stringify(stats)).not.toContain('example.com')
  })
})
