import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createStaff, PASSWORD } from '../helpers/fixtures'
import { stopTestPayload, type TestPayload } from '../helpers/payload'
import { clientAddressHeaders } from '../../src/security/clientIp'
import { decodedMail as decoded, linkIn, openAndConfirm, waitForMailMatching as waitForMailAt } from '../helpers/subscriberPages'
import { startSubscriberTest, type SubscriberTest } from '../helpers/subscriberTest'
import { outgoingMailSettled } from '../helpers/outgoingMail'

/**
 * Hardening of who a subscriber is: links that can never reach another person (erasure,
 * reused ids), one subscriber per mailbox whatever the capitalisation, names without
 * invisible layout characters, the honeypot, and spreadsheet-safe exports.
 */
let ctx: TestPayload, sink: SubscriberTest['sink'], http: SubscriberTest['http'], service: SubscriberTest['service']
let confirmRoute: SubscriberTest['confirmRoute'], unsubscribeRoute: SubscriberTest['unsubscribeRoute'], preferencesRoute: SubscriberTest['preferencesRoute']
let adminToken: string
let ipCounter = 0

beforeAll(async () => {
  ;({ sink, ctx, http, service, confirmRoute, unsubscribeRoute, preferencesRoute } = await startSubscriberTest('subscriber-identity'))
  await createStaff(ctx.payload)
  adminToken = await http.login('owner@clinic.test', PASSWORD)
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
  await ctx.payload.create({ collection: 'conditions', data: { _status: 'published', name: 'Sciatica', slug: 'sciatica', summary: 'x' } })
})

afterAll(async () => {
  // Mail goes out after the answers: wait until it has reached the sink.
  await outgoingMailSettled()
  if (ctx) await stopTestPayload(ctx)
  await sink?.close()
})

const waitForMailMatching = (address: string, pattern: RegExp) => waitForMailAt(sink.messages, address, pattern)

const subscribe = async (body: unknown) => {
  const response = await http.api('POST', '/subscribe', { body, headers: clientAddressHeaders(`10.2.0.${++ipCounter}`) })
  // Signups are written after the answer (same work for every address); wait for them.
  await service.signupsSettled()
  return response
}

const byKey = async (email: string) =>
  (await ctx.payload.find({ collection: 'subscribers', where: { email: { like: email } }, overrideAccess: true, depth: 0, limit: 10 })).docs.filter(
    (doc) => doc.email.toLowerCase() === email.toLowerCase(),
  )

describe('an erased subscriber’s links never reach the next subscriber', () => {
  it('old confirm, preferences and unsubscribe links answer 410 after erasure and id reuse', async () => {
    await subscribe({ email: 'erased.person@example.com', name: 'Erin' })
    const confirmMail = await waitForMailMatching('erased.person@example.com', /\/email\/confirm\?token=/)
    const oldConfirm = linkIn(confirmMail.raw, '/email/confirm')
    expect((await openAndConfirm(confirmRoute, oldConfirm)).status).toBe(200)
    const welcome = await waitForMailMatching('erased.person@example.com', /Subject: Welcome/i)
    const oldPreferences = linkIn(welcome.raw, '/email/preferences')
    const oldUnsubscribe = /List-Unsubscribe: <([^>]+)>/.exec(decoded(welcome.raw))![1]

    const [erased] = await byKey('erased.person@example.com')
    await ctx.payload.delete({ collection: 'subscribers', id: erased.id, overrideAccess: true })

    // The next person to sign up gets the erased row's id back (SQLite rowid reuse).
    await subscribe({ email: 'next.person@example.com', name: 'Nora', topics: ['sciatica'] })
    const nextConfirm = linkIn((await waitForMailMatching('next.person@example.com', /\/email\/confirm\?token=/)).raw, '/email/confirm')
    expect((await openAndConfirm(confirmRoute, nextConfirm)).status).toBe(200)
    const [next] = await byKey('next.person@example.com')
    expect(next.id).toBe(erased.id)

    for (const confirmAgain of [await confirmRoute.GET(new Request(oldConfirm)), await confirmRoute.POST(new Request(oldConfirm, { method: 'POST', body: '' }))]) {
      expect(confirmAgain.status).toBe(410)
      expect(await confirmAgain.text()).not.toContain('next.person@example.com')
    }

    const preferences = await preferencesRoute.GET(new Request(oldPreferences))
    expect(preferences.status).toBe(410)
    const preferencesPage = await preferences.text()
    expect(preferencesPage).not.toContain('Nora')
    expect(preferencesPage).not.toContain('Sciatica" checked')

    const edit = await preferencesRoute.POST(new Request(oldPreferences, { method: 'POST', body: new URLSearchParams([['name', 'Hijacked']]) }))
    expect(edit.status).toBe(410)
    const unsubscribePage = await unsubscribeRoute.GET(new Request(oldUnsubscribe))
    expect(unsubscribePage.status).toBe(410)
    expect(await unsubscribePage.text()).not.toContain('next.person@example.com')
    const oneClick = await unsubscribeRoute.POST(new Request(oldUnsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click' }))
    expect(oneClick.status).toBe(410)

    const [after] = await byKey('next.person@example.com')
    expect(after.name).toBe('Nora')
    expect(after.status).toBe('confirmed')
  })

  it('the per-subscriber secret is never readable through REST, GraphQL or the export', async () => {
    const [next] = await byKey('next.person@example.com')
    const raw = (await ctx.payload.db.findOne({ collection: 'subscribers', where: { id: { equals: next.id } } })) as any
    expect(typeof raw.manageSecret).toBe('string')
    expect(raw.manageSecret.length).toBeGreaterThanOrEqual(32)
    const rest = await http.api('GET', `/subscribers/${next.id}`, { credentials: { token: adminToken } })
    expect(rest.status).toBe(200)
    expect(rest.text).not.toContain(raw.manageSecret)
    expect(rest.json.manageSecret).toBeUndefined()
    const list = await http.api('GET', '/subscribers?limit=100', { credentials: { token: adminToken } })
    expect(list.text).not.toContain(raw.manageSecret)
    const gql = await http.gql(`{ Subscriber(id: ${next.id}) { email manageSecret } }`, undefined, { token: adminToken })
    expect(JSON.stringify(gql.json)).not.toContain(raw.manageSecret)
    const csv = await http.api('GET', '/subscribers/export', { credentials: { token: adminToken } })
    expect(csv.status).toBe(200)
    expect(csv.text).not.toContain(raw.manageSecret)
  })
})

describe('one subscriber per mailbox, whatever the capitalisation', () => {
  it('Pat@, pat@ and PAT@ are one subscriber with one rate-limit key; the address as first typed is kept', async () => {
    const statuses: number[] = []
    for (const email of ['Pat.Case@example.com', 'pat.case@example.com', 'PAT.CASE@EXAMPLE.COM']) statuses.push((await subscribe({ email })).status)
    expect(statuses).toEqual([202, 202, 202])
    const rows = await byKey('pat.case@example.com')
    expect(rows).toHaveLength(1)
    expect(rows[0].email).toBe('Pat.Case@example.com')
    // The per-address limit (3 an hour) counts the mailbox, not the spelling.
    expect((await subscribe({ email: 'pAt.cAsE@example.com' })).status).toBe(429)
  })

  it('the admin form refuses another capitalisation of an existing address with a clear 400', async () => {
    const created = await http.api('POST', '/subscribers', { body: { email: 'PAT.case@example.com', status: 'pending' }, credentials: { token: adminToken } })
    expect(created.status).toBe(400)
    expect(JSON.stringify(created.json)).toMatch(/already/i)
    expect(await byKey('pat.case@example.com')).toHaveLength(1)
  })

  it('a subscriber made in the admin gets a secret nobody can set or change through the API', async () => {
    const created = await http.api('POST', '/subscribers', {
      body: { email: 'Admin.Made@example.com', status: 'confirmed', manageSecret: 'chosen', legacyLinkIds: ',1,', emailKey: 'someone@else.example' },
      credentials: { token: adminToken },
    })
    expect(created.status, created.text).toBe(201)
    const raw = (await ctx.payload.db.findOne({ collection: 'subscribers', where: { id: { equals: created.json.doc.id } } })) as any
    expect(raw.manageSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(raw.legacyLinkIds ?? null).toBeNull()
    expect(raw.emailKey).toBe('admin.made@example.com')
    const patched = await http.api('PATCH', `/subscribers/${raw.id}`, { body: { name: 'Ada', manageSecret: 'chosen', legacyLinkIds: ',1,' }, credentials: { token: adminToken } })
    expect(patched.status, patched.text).toBe(200)
    const after = (await ctx.payload.db.findOne({ collection: 'subscribers', where: { id: { equals: raw.id } } })) as any
    expect([after.name, after.manageSecret, after.legacyLinkIds ?? null]).toEqual(['Ada', raw.manageSecret, null])
  })

  it('the CSV import treats other capitalisations as duplicates, in the file and in the list', async () => {
    const file = ['email,name,status', 'PAT.CASE@example.com,Pat,pending', 'Dup.Twice@example.com,D,pending', 'dup.twice@EXAMPLE.com,D2,pending'].join('\n')
    const preview = await http.api('POST', '/subscribers/import?dryRun=1', { body: file, credentials: { token: adminToken }, headers: { 'Content-Type': 'text/csv' } })
    expect(preview.status).toBe(200)
    expect(preview.json.accepted.map((row: any) => row.email)).toEqual(['Dup.Twice@example.com'])
    expect(preview.json.duplicates.map((row: any) => [row.row, row.reason])).toEqual([
      [2, 'Already a subscriber.'],
      [4, 'Appears earlier in this file.'],
    ])
  })
})

describe('names, honeypot and the spreadsheet guard', () => {
  const badNames = {
    'line separator U+2028': 'Ann\u2028Bcc',
    'paragraph separator U+2029': 'Ann\u2029B',
    'next line U+0085': 'Ann\u0085B',
    'right-to-left override U+202E': 'Ann\u202Egnp.exe',
    'isolate U+2066': 'Ann\u2066B\u2069',
    'right-to-left mark U+200F': 'Ann\u200F',
    'tab': 'Ann\tB',
    'escape': 'Ann\u001b[31m',
  }
  for (const [label, name] of Object.entries(badNames)) {
    it(`the signup refuses a name with ${label}: 400, nothing stored`, async () => {
      const email = `name-${label.replace(/\W+/g, '-')}@example.com`
      const response = await subscribe({ email, name })
      expect(response.status).toBe(400)
      expect(response.json.errors[0].message).toMatch(/name/i)
      expect(await byKey(email)).toHaveLength(0)
    })
  }

  it('the collection and the CSV import refuse the same names', async () => {
    await expect(
      ctx.payload.create({ collection: 'subscribers', data: { email: 'local-api-name@example.com', name: 'Ann\u2028B', status: 'pending' }, overrideAccess: true }),
    ).rejects.toThrow(/name/i)
    const file = ['email,name', `csv-bidi@example.com,"Ann\u202EB"`, `csv-nel@example.com,"Ann\u0085B"`, 'csv-ok@example.com,Ann B'].join('\n')
    const preview = await http.api('POST', '/subscribers/import?dryRun=1', { body: file, credentials: { token: adminToken }, headers: { 'Content-Type': 'text/csv' } })
    expect(preview.json.accepted.map((row: any) => row.email)).toEqual(['csv-ok@example.com'])
    expect(preview.json.invalid.map((row: any) => row.row)).toEqual([2, 3])
  })

  for (const [label, website] of Object.entries({ number: 1, true: true, list: ['http://spam.example'], object: { url: 'x' } })) {
    it(`a honeypot filled with a ${label} is accepted and stores nothing`, async () => {
      const email = `bot-${label}@example.com`
      const response = await subscribe({ email, website })
      expect(response.status).toBe(202)
      expect(await byKey(email)).toHaveLength(0)
    })
  }

  it('export cells that a spreadsheet would run as formulas get a leading apostrophe, behind any spaces or in full-width', async () => {
    const risky = [' =1+2', '\u00a0=1+2', '\u3000+1', '\u2003-1', '＝1+2', '＋1', '－1', '＠SUM(A1)', ' ＝1']
    for (const [index, name] of risky.entries()) {
      await ctx.payload.create({ collection: 'subscribers', data: { email: `formula-${index}@example.com`, name, status: 'unsubscribed' }, overrideAccess: true })
    }
    await ctx.payload.create({
      collection: 'subscribers',
      data: { email: 'formula-tab@example.com', status: 'unsubscribed', consent: { source: '\t=1+2', text: '\r=1+2' } },
      overrideAccess: true,
    })
    const csv = await http.api('GET', '/subscribers/export', { credentials: { token: adminToken } })
    const rows: Record<string, string>[] = parse(csv.text, { columns: true })
    const names = rows.filter((row) => row.email.startsWith('formula-') && row.email !== 'formula-tab@example.com').map((row) => row.name)
    expect(names).toEqual(risky.map((name) => `'${name}`))
    const tab = rows.find((row) => row.email === 'formula-tab@example.com')!
    expect(tab.consent_source).toBe("'\t=1+2")
    expect(tab.consent_text).toBe("'\r=1+2")
  })
})
