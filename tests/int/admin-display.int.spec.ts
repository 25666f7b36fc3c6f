import type { Field, SanitizedConfig } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { timeZoneNames } from '../../collections/Clinic/timeZones'
import { formatClinicTime } from '../../src/utilities/clinicTime'
import { createStaff, PASSWORD } from '../helpers/fixtures'
import { startTestPayload, type TestPayload, stopTestPayloadIfStarted } from '../helpers/payload'

let ctx: TestPayload
let config: SanitizedConfig
let http: typeof import('../helpers/http')

beforeAll(async () => {
  ctx = await startTestPayload('admin-display')
  config = ctx.payload.config
  http = await import('../helpers/http')
  await createStaff(ctx.payload)
  await ctx.payload.updateGlobal({ slug: 'clinic', data: { name: 'Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago' } })
})

afterAll(() => stopTestPayloadIfStarted(ctx))

type Found = { entity: string; path: string; field: Field }

const fieldsOf = (entity: string, fields: Field[], prefix = ''): Found[] =>
  fields.flatMap((field): Found[] => {
    const path = 'name' in field && field.name ? `${prefix}${field.name}` : prefix.replace(/\.$/, '')
    const nested = 'name' in field && field.name ? `${path}.` : prefix
    if (field.type === 'tabs') return field.tabs.flatMap((tab) => fieldsOf(entity, tab.fields, 'name' in tab && tab.name ? `${nested}${tab.name}.` : nested))
    if (field.type === 'blocks') return field.blocks.flatMap((block) => fieldsOf(entity, block.fields, `${nested}${block.slug}.`))
    const own = [{ entity, path, field }]
    return 'fields' in field && Array.isArray(field.fields) ? [...own, ...fieldsOf(entity, field.fields, nested)] : own
  })

/** Every field the admin can show: visible collections (the scheduled changes too) and globals. */
const adminFields = () => [
  ...config.collections.filter((collection) => collection.admin?.hidden !== true).flatMap((collection) => fieldsOf(collection.slug, collection.fields)),
  ...config.globals.filter((global) => global.admin?.hidden !== true).flatMap((global) => fieldsOf(global.slug, global.fields)),
]

const fieldComponent = (field: Field) => (field.admin?.components as { Field?: unknown } | undefined)?.Field
const cellComponent = (field: Field) => (field.admin?.components as { Cell?: unknown } | undefined)?.Cell

describe('no code editor from a CDN', () => {
  it('every json and code field in the admin has the local editor, the JSON-LD boxes and the job data included', () => {
    const codeFields = adminFields().filter(({ field }) => field.type === 'json' || field.type === 'code')
    const paths = codeFields.map(({ entity, path }) => `${entity}.${path}`)
    expect(paths).toEqual(expect.arrayContaining(['articles.jsonLd', 'conditions.jsonLd', 'services.jsonLd', 'clinic.jsonLd', 'payload-jobs.input']))
    for (const { entity, path, field } of codeFields) {
      expect(fieldComponent(field), `${entity}.${path}`).toMatch(/^\/src\/components\/admin\/LocalCodeField#Local(Json|Code)Field$/)
    }
  })
})

describe('times on the clinic clock', () => {
  it('formats an instant in the given zone with the zone named, across daylight saving', () => {
    expect(formatClinicTime('2026-03-01T06:30:00Z', 'America/Chicago')).toBe('Sun, Mar 1, 2026, 12:30 AM CST')
    expect(formatClinicTime('2026-03-10T15:00:00Z', 'America/Chicago')).toBe('Tue, Mar 10, 2026, 10:00 AM CDT')
    expect(formatClinicTime(new Date('2026-03-10T15:00:00Z'), 'UTC')).toBe('Tue, Mar 10, 2026, 3:00 PM UTC')
    expect(formatClinicTime(null, 'America/Chicago')).toBe('')
    expect(formatClinicTime('not a date', 'America/Chicago')).toBe('')
    expect(formatClinicTime('2026-03-10T15:00:00Z', 'America/Chicago', { weekday: false })).toBe('Mar 10, 2026, 10:00 AM CDT')
    // A zone the runtime does not know still gives a correct time, in UTC and saying so.
    expect(formatClinicTime('2026-03-10T15:00:00Z', 'Mars/Olympus')).toBe('Tue, Mar 10, 2026, 3:00 PM UTC')
  })

  it('every instant in the content, subscriber, delivery, webhook and settings screens uses the clinic-time column and field', () => {
    // Newsletters and scheduled changes present their own times (other parts of the admin).
    const dates = adminFields().filter(
      ({ entity, field }) => field.type === 'date' && !['newsletters', 'payload-jobs'].includes(entity),
    ) as Array<Found & { field: Extract<Field, { type: 'date' }> }>
    const instants = dates.filter(({ field }) => [undefined, 'dayAndTime'].includes(field.admin?.date?.pickerAppearance))
    const paths = instants.map(({ entity, path }) => `${entity}.${path}`)
    expect(paths).toEqual(
      expect.arrayContaining([
        'articles.publishedAt',
        'articles.createdAt',
        'articles.updatedAt',
        'subscribers.confirmedAt',
        'subscribers.consent.at',
        'subscribers.createdAt',
        'deliveries.sentAt',
        'webhook-deliveries.createdAt',
        'webhook-deliveries.deliveredAt',
        'webhooks.updatedAt',
        'clinic.newsletterDigest.lastDigestAt',
      ]),
    )
    const globals = new Set<string>(config.globals.map((global) => global.slug))
    for (const { entity, path, field } of instants) {
      if (entity === 'users' && !['createdAt', 'updatedAt'].includes(path)) continue // Payload's own auth bookkeeping, never shown
      if (globals.has(entity) && field.admin?.hidden) continue // a global has no list, and hidden fields no place on its page
      expect(cellComponent(field), `${entity}.${path} column`).toBe('/src/components/admin/clinicTime/ClinicTimeCell#ClinicTimeCell')
      if (!field.admin?.hidden) expect(fieldComponent(field), `${entity}.${path} field`).toBe('/src/components/admin/clinicTime/ClinicDateField#ClinicDateField')
    }
    // A calendar day is not an instant: it stays Payload's date picker.
    const lastReviewed = dates.find(({ entity, path }) => entity === 'conditions' && path.endsWith('lastReviewed'))
    expect(lastReviewed && fieldComponent(lastReviewed.field)).toBeUndefined()
  })
})

describe('the clinic timezone', () => {
  it('offers the IANA names this server knows, plus UTC, once each, in order', () => {
    const names = timeZoneNames()
    expect(names).toEqual(expect.arrayContaining(['America/Chicago', 'America/New_York', 'Europe/London', 'Asia/Tokyo', 'UTC']))
    expect(new Set(names).size).toBe(names.length)
    expect([...names].sort()).toEqual(names)
    expect(names.length).toBeGreaterThan(300)
  })

  it('stores an alias or odd capitals as the listed name, and refuses a zone nobody knows', async () => {
    for (const [given, stored] of [['US/Central', 'America/Chicago'], ['europe/london', 'Europe/London'], ['Etc/UTC', 'UTC'], ['Asia/Tokyo', 'Asia/Tokyo']]) {
      const clinic = await ctx.payload.updateGlobal({ slug: 'clinic', data: { timezone: given } })
      expect(clinic.timezone, given).toBe(stored)
    }
    await expect(ctx.payload.updateGlobal({ slug: 'clinic', data: { timezone: 'Mars/Olympus' } })).rejects.toThrow(/timezone/i)
    expect((await ctx.payload.findGlobal({ slug: 'clinic' })).timezone).toBe('Asia/Tokyo')
  })

  it('keeps a value stored before the list existed readable and saveable', async () => {
    // What the free-text field accepted: any name Intl knows, stored as typed.
    await ctx.payload.db.updateGlobal({ slug: 'clinic', data: { timezone: 'US/Eastern' } })
    const stored = await ctx.payload.findGlobal({ slug: 'clinic' })
    expect(stored.timezone).toBe('US/Eastern')
    // The admin form sends the stored value back with the change.
    const saved = await ctx.payload.updateGlobal({ slug: 'clinic', data: { timezone: stored.timezone, tagline: 'Medical massage' } })
    expect(saved).toMatchObject({ timezone: 'America/New_York', tagline: 'Medical massage' })
  })
})

describe("the admin form's way of saying an empty list", () => {
  it('saves a document whose list the form sends as 0 rows (the form does, for an empty list), and still refuses other numbers', async () => {
    const token = await http.login('editor@clinic.test', PASSWORD)
    const condition = await ctx.payload.create({
      collection: 'conditions',
      data: { name: 'Sciatica', slug: 'sciatica', summary: 'Nerve pain', citations: [{ title: 'A trial' }] },
    })
    const saved = await http.api('PATCH', `/conditions/${condition.id}?draft=true&autosave=true&depth=0`, { body: { name: 'Sciatica (updated)', citations: 0 }, credentials: { token } })
    expect(saved.status, saved.text).toBe(200)
    expect(saved.json.doc).toMatchObject({ name: 'Sciatica (updated)', citations: [] })
    const refused = await http.api('PATCH', `/conditions/${condition.id}?draft=true`, { body: { citations: 3 }, credentials: { token } })
    expect(refused.status).toBe(400)
    expect(refused.json.errors[0].message).toMatch(/citations/)
  })
})
