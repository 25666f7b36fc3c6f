import { type Endpoint, type PayloadHandler, ValidationError } from 'payload'

import { hasRole } from '../access/roles'
import { CsvFormatError, exportCsv, planImport } from '../subscribers/csv'
import { confirmUrl } from '../subscribers/links'
import { newNonce } from '../subscribers/tokens'
import { sendAfterAnswer } from '../utilities/mailAfterAnswer'
import { problem, refuseUnlessStaff } from './responses'

const MAX_IMPORT_BYTES = 5 * 1024 * 1024

const topicMaps = async (payload: Parameters<PayloadHandler>[0]['payload']) => {
  const { docs } = await payload.find({ collection: 'conditions', select: { slug: true }, limit: 1000, depth: 0, overrideAccess: true, pagination: false })
  return {
    bySlug: new Map(docs.map((doc) => [doc.slug!, doc.id])),
    byId: new Map(docs.map((doc) => [doc.id, doc.slug!])),
  }
}

/**
 * `POST /api/subscribers/import[?dryRun=1]` (admins): a CSV body (text/csv). The dry run
 * answers the report the import would produce; the import then creates the accepted
 * rows, keeping the consent status the file states, and sends pending rows a
 * confirmation email.
 */
const importSubscribers: PayloadHandler = async (req) => {
  if (!hasRole(req.user, 'admin')) return problem(req.user ? 403 : 401, 'Only admins can import subscribers.')
  if (Number(req.headers.get('content-length') ?? 0) > MAX_IMPORT_BYTES) return problem(413, 'The file is larger than 5 MB: split it.')
  const csv = await req.text!()
  if (Buffer.byteLength(csv) > MAX_IMPORT_BYTES) return problem(413, 'The file is larger than 5 MB: split it.')
  if (!csv.trim()) return problem(400, 'The file is empty.')
  const topics = await topicMaps(req.payload)
  const { docs: existing } = await req.payload.find({
    collection: 'subscribers',
    select: { emailKey: true },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
  })
  let plan
  try {
    plan = planImport(csv, topics.bySlug, new Set(existing.flatMap((doc) => (doc.emailKey ? [doc.emailKey] : []))))
  } catch (error) {
    if (error instanceof CsvFormatError) return problem(400, error.message)
    throw error
  }
  const dryRun = ['1', 'true'].includes(String(req.searchParams.get('dryRun') ?? ''))
  const created: string[] = []
  const pendingToConfirm: Array<{ id: number; nonce: string }> = []
  if (!dryRun) {
    for (const row of plan.accepted) {
      const nonce = row.status === 'pending' ? newNonce() : null
      let doc
      try {
        doc = await req.payload.create({
          collection: 'subscribers',
          data: {
            email: row.email,
            name: row.name,
            status: row.status,
            topics: row.topicIds,
            consent: row.consent,
            confirmedAt: row.status === 'confirmed' ? row.consent.at : undefined,
            confirmationNonce: nonce,
            confirmationRequestedAt: nonce ? new Date().toISOString() : undefined,
          },
          overrideAccess: true,
          depth: 0,
        })
      } catch (error) {
        // Signed up (or imported) by someone else since the plan was made: report the row,
        // keep the others.
        if (!(error instanceof ValidationError)) throw error
        plan.invalid.push({ row: row.row, email: row.email, reason: error.data?.errors?.[0]?.message ?? error.message })
        continue
      }
      created.push(doc.email)
      if (nonce) pendingToConfirm.push({ id: doc.id, nonce })
    }
    const { sendSubscriberEmail } = await import('../subscribers/mail')
    // After the answer, tracked: a graceful stop finishes the list (src/utilities/mailAfterAnswer.ts).
    sendAfterAnswer(
      async () => {
        for (const { id, nonce } of pendingToConfirm) {
          const subscriber = await req.payload.findByID({ collection: 'subscribers', id, overrideAccess: true, depth: 0 })
          await sendSubscriberEmail(req.payload, subscriber, 'confirmSubscription', { confirmUrl: confirmUrl(subscriber, nonce) }).catch((error) =>
            req.payload.logger.error({ event: 'subscriber.import-confirmation-failed', subscriber: id, err: error }),
          )
        }
      },
      (error) => req.payload.logger.error({ event: 'subscriber.import-confirmation-failed', err: error }),
    )
  }
  return Response.json({
    dryRun,
    rows: plan.rows,
    accepted: plan.accepted.map(({ row, email, status }) => ({ row, email, status })),
    duplicates: plan.duplicates,
    invalid: plan.invalid,
    created: created.length,
    confirmationEmails: pendingToConfirm.length,
  })
}

/** `GET /api/subscribers/export` (staff): every subscriber as CSV, in the import's columns. */
const exportSubscribers: PayloadHandler = async (req) => {
  const refused = refuseUnlessStaff(req, { loggedOut: 'Log in to export subscribers.' })
  if (refused) return refused
  const topics = await topicMaps(req.payload)
  const { docs } = await req.payload.find({ collection: 'subscribers', limit: 0, pagination: false, depth: 0, overrideAccess: true, sort: 'createdAt' })
  return new Response(exportCsv(docs, topics.byId), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  })
}

export const subscriberCsvEndpoints: Endpoint[] = [
  { path: '/import', method: 'post', handler: importSubscribers },
  { path: '/export', method: 'get', handler: exportSubscribers },
]
