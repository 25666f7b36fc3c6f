import type { Payload } from 'payload'

import { newManageSecret } from '../../src/subscribers/tokens'
import { richText } from './fixtures'
import type { ReceivedMail } from './smtpSink'
import { startWorker, type WorkerProcess } from './worker'

/** Shared set-up of the newsletter sending tests: clinic, conditions, subscribers in bulk, workers. */

export const setUpClinic = async (payload: Payload) => {
  await payload.updateGlobal({
    slug: 'clinic',
    data: { name: 'Stevenson Clinic', bookingUrl: 'https://example.com/book', timezone: 'America/Chicago', mailingAddress: '123 Example St\nSpringfield', medicalDisclaimer: 'Not medical advice.' },
  })
  const conditions: Array<number | string> = []
  for (const [name, slug] of [['Low back pain', 'low-back-pain'], ['Sciatica', 'sciatica']]) {
    const doc = await payload.create({ collection: 'conditions', data: { _status: 'published', name, slug, summary: name } })
    conditions.push(doc.id)
  }
  return conditions
}

/** Subscribers straight through the adapter (fast): `count` addresses `${prefix}-{i}@example.com`. */
export const addSubscribers = async (
  payload: Payload,
  count: number,
  options: { prefix: string; status?: string; topics?: Array<number | string>; name?: (i: number) => string | null },
) => {
  const ids: Array<number | string> = []
  for (let i = 0; i < count; i++) {
    const doc = await payload.db.create({
      collection: 'subscribers',
      data: {
        email: `${options.prefix}-${i}@example.com`,
        // What the collection's hooks would set (this path skips them).
        emailKey: `${options.prefix}-${i}@example.com`.toLowerCase(),
        manageSecret: newManageSecret(),
        name: options.name?.(i) ?? null,
        status: options.status ?? 'confirmed',
        bounceCount: 0,
        ...(options.topics?.length ? { topics: options.topics } : {}),
      },
    })
    ids.push(doc.id)
  }
  return ids
}

/** Scheduled for now through the Local API as staff would (hooks run). */
export const scheduleNewsletter = (payload: Payload, data: Record<string, unknown> = {}) =>
  payload.create({
    collection: 'newsletters',
    data: { subject: 'Winter stretches', intro: richText('Three stretches for cold mornings.'), status: 'scheduled', ...data } as never,
  })

export const newsletterStatus = async (payload: Payload, id: number | string) =>
  (await payload.db.findOne<any>({ collection: 'newsletters', where: { id: { equals: id } } }))!

export const deliveriesOf = async (payload: Payload, id: number | string) =>
  (
    await payload.db.find<any>({
      collection: 'deliveries',
      where: { newsletter: { equals: id } },
      limit: 0,
      pagination: false,
      sort: 'id',
    })
  ).docs

/** Recipients of the messages a sink received for one newsletter's subject. */
export const recipientsOf = (messages: ReceivedMail[], subject: string) =>
  messages.filter((mail) => mail.raw.includes(`Subject: ${subject}`)).flatMap((mail) => mail.to)

/** Raw message with quoted-printable soft breaks and folded headers undone. */
export const unfolded = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ')

/** A worker on the test's database (`databaseUri`: TestPayload.databaseUri), tuned for short tests. */
export const newsletterWorker = (databaseUri: string, smtpUrl: string, env: Record<string, string> = {}): WorkerProcess => {
  const worker = startWorker({
    DATABASE_URI: databaseUri,
    SMTP_URL: smtpUrl,
    EMAIL_FROM: 'Stevenson Clinic <news@stevenson-clinic.test>',
    NEWSLETTER_LEASE_MS: '3000',
    NEWSLETTER_RETRY_BASE_MS: '200',
    NEWSLETTER_SMTP_PROBE_MS: '300',
    NEWSLETTER_SMTP_DOWN_AFTER: '3',
    SMTP_POOL_SIZE: '5',
    ...env,
  })
  // A worker killed on purpose before it was ready is not an error of the test.
  worker.ready.catch(() => {})
  return worker
}
