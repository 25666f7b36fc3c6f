import path from 'node:path'

import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'
import { NotFound } from 'payload'
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

import { numberFromEnv } from '../../jobs/shared/env'
import type { Newsletter } from '../../payload-types'
import { createMailer, type Mailer } from '../../emails/transport'
import { lexicalDocumentProblem } from '../utilities/lexicalLimits'
import { getServerUrl } from '../utilities/serverUrl'
import { problem, refuseUnlessStaff } from './responses'

/**
 * What the owner sees before anything goes out: the rendered newsletter (saved or as
 * currently typed in the admin) and a test copy sent to her own address. Nothing here
 * writes to the database; sending to subscribers is the worker's job (jobs/newsletters).
 */

const MAX_PREVIEW_BODY_BYTES = 2 * 1024 * 1024

// Per process, in memory, keyed by user: a double click or an impatient owner must not
// turn "send test" into a small mailing. Read on first use so tests can set the env.
let testSendLimiter: RateLimiterMemory | undefined
const getTestSendLimiter = () =>
  (testSendLimiter ??= new RateLimiterMemory({
    keyPrefix: 'newsletter-test-send',
    points: numberFromEnv('NEWSLETTER_TEST_SENDS_PER_MINUTE', 5),
    duration: 60,
  }))

let mailer: Mailer | undefined
const getMailer = (req: PayloadRequest) => (mailer ??= createMailer({ logger: req.payload.logger }))

const refuseNonStaff = (req: PayloadRequest, action: string) =>
  refuseUnlessStaff(req, { loggedOut: `Log in to ${action}.`, notStaff: `Only staff can ${action}.` })

/** Preview-only links: they open the "this link does not work" page and change nothing. */
export const previewLinks = () => ({
  unsubscribeUrl: `${getServerUrl()}/email/unsubscribe?preview=1`,
  preferencesUrl: `${getServerUrl()}/email/preferences?preview=1`,
})

/**
 * The email is rendered as a document of its own, in a frame of the admin: no scripts, no
 * plugins, no forms, images from anywhere (emails link them absolutely), inline styles
 * (email HTML is all inline styles). Framable by the admin only.
 */
const PREVIEW_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src * data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'private, no-store',
}

/** A newsletter the user may read, or null; Payload's access rules decide. */
const findNewsletter = async (req: PayloadRequest): Promise<Newsletter | null> => {
  const id = String(req.routeParams?.id ?? '')
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null
  try {
    return await req.payload.findByID({ collection: 'newsletters', id, depth: 0, overrideAccess: false, user: req.user, req })
  } catch (error) {
    if (error instanceof NotFound || (error as { status?: number }).status === 404) return null
    throw error
  }
}

const sampleName = (req: PayloadRequest) => {
  const user = req.user as { name?: string | null } | null
  return user?.name?.trim() || undefined
}

/** Template and validation errors are the author's to fix: 422 with the renderer's message. */
const renderOr422 = async (req: PayloadRequest, newsletter: Partial<Newsletter>, links?: ReturnType<typeof previewLinks>) => {
  try {
    // Loaded on first use: MJML and the Lexical converters stay out of the config's import graph.
    const { renderNewsletterPreview } = await import('../../emails/newsletters/compile')
    return { ok: true as const, email: await renderNewsletterPreview(req.payload, newsletter as Newsletter, { sampleName: sampleName(req), req, links }) }
  } catch (error) {
    const message = (error as Error)?.message || 'The newsletter could not be rendered.'
    req.payload.logger.warn({ event: 'newsletter.preview-failed', message })
    return { ok: false as const, response: problem(422, `The newsletter could not be rendered: ${message}`) }
  }
}

/** `GET /api/newsletters/:id/preview[?format=text]` (staff): the saved newsletter as one recipient would see it. */
const previewSaved: PayloadHandler = async (req) => {
  const refused = refuseNonStaff(req, 'preview newsletters')
  if (refused) return refused
  const newsletter = await findNewsletter(req)
  if (!newsletter) return problem(404, 'No newsletter with this id.')
  const rendered = await renderOr422(req, newsletter)
  if (!rendered.ok) return rendered.response
  const format = req.searchParams.get('format') ?? 'html'
  if (format === 'text') {
    return new Response(rendered.email.text, { headers: { ...PREVIEW_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } })
  }
  if (format !== 'html') return problem(400, '"format" must be "html" or "text".')
  return new Response(rendered.email.html, { headers: { ...PREVIEW_HEADERS, 'Content-Type': 'text/html; charset=utf-8' } })
}

/** The fields that shape the email; anything else in the body (status, counts) is ignored. */
const PREVIEW_FIELDS = ['id', 'subject', 'preheader', 'intro', 'featuredArticles', 'audience', 'audienceTopics', 'template', 'sourceArticle', 'digestSince'] as const

/**
 * `POST /api/newsletters/preview` (staff): the newsletter as currently typed in the admin,
 * unsaved, as JSON `{ subject, html, text, htmlBytes, htmlSizeWarning? }` (the warning above 90 KB, where Gmail starts to clip). The admin's live preview calls it as the
 * owner types (debounced) and shows `html` in a sandboxed frame.
 */
const previewUnsaved: PayloadHandler = async (req) => {
  const refused = refuseNonStaff(req, 'preview newsletters')
  if (refused) return refused
  if (!(req.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return problem(400, 'Send the newsletter fields as JSON with Content-Type: application/json.')
  }
  if (Number(req.headers.get('content-length') ?? 0) > MAX_PREVIEW_BODY_BYTES) return problem(413, 'The newsletter is larger than 2 MB.')
  const raw = await req.text!()
  if (Buffer.byteLength(raw) > MAX_PREVIEW_BODY_BYTES) return problem(413, 'The newsletter is larger than 2 MB.')
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    return problem(400, 'The body is not valid JSON.')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return problem(400, 'The body must be a JSON object of newsletter fields.')
  const fields = body as Record<string, unknown>
  if (fields.subject !== undefined && fields.subject !== null && typeof fields.subject !== 'string') return problem(400, '"subject" must be text.')
  const draft: Record<string, unknown> = {}
  for (const key of PREVIEW_FIELDS) if (fields[key] !== undefined) draft[key] = fields[key]
  // Relationship values from the admin form may be ids or populated documents; pass ids.
  for (const key of ['featuredArticles', 'audienceTopics'] as const) {
    const value = draft[key]
    if (value === null) continue
    if (value !== undefined && !Array.isArray(value)) return problem(400, `"${key}" must be a list of ids.`)
    if (Array.isArray(value)) draft[key] = value.map((item) => (item && typeof item === 'object' ? (item as { id?: unknown }).id : item))
  }
  // The same bounds as on save, before any rendering: a 2,000-deep intro used to crash the process.
  const introProblem = lexicalDocumentProblem(draft.intro)
  if (introProblem) return problem(400, `"intro": ${introProblem}`)
  const rendered = await renderOr422(req, draft as Partial<Newsletter>)
  if (!rendered.ok) return rendered.response
  return Response.json(rendered.email, { headers: { 'Cache-Control': 'private, no-store' } })
}

/**
 * `POST /api/newsletters/:id/send-test` (staff): the saved newsletter, subject prefixed
 * "[Test] ", to the logged-in user's own address, with List-Unsubscribe headers that point
 * at harmless preview links. Rate-limited per user (NEWSLETTER_TEST_SENDS_PER_MINUTE).
 * Answers `outboxFile` (relative to the app's directory) when the message went to the
 * development outbox rather than to a mail server.
 */
const sendTest: PayloadHandler = async (req) => {
  const refused = refuseNonStaff(req, 'send test emails')
  if (refused) return refused
  const newsletter = await findNewsletter(req)
  if (!newsletter) return problem(404, 'No newsletter with this id.')
  const to = (req.user as { email?: string }).email
  if (!to) return problem(400, 'Your account has no email address to send the test to.')
  try {
    await getTestSendLimiter().consume(String(req.user!.id))
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
      return problem(429, `Too many test emails. Try again in ${seconds} seconds.`, { 'Retry-After': String(seconds) })
    }
    throw error
  }
  // The body's links are the headers' preview links: a test copy is a real copy whose opt-outs act on nobody.
  const links = previewLinks()
  const rendered = await renderOr422(req, newsletter, links)
  if (!rendered.ok) return rendered.response
  // Loaded on first use, like the renderer: the message module imports the newsletter compiler.
  const { testSendMessage } = await import('../../jobs/newsletters/message')
  let info
  try {
    info = await getMailer(req).send(testSendMessage(rendered.email, to, newsletter, links))
  } catch (error) {
    req.payload.logger.error({ event: 'newsletter.test-send-failed', newsletter: newsletter.id, err: error })
    return problem(502, `The mail server did not accept the test email: ${(error as Error).message}`)
  }
  req.payload.logger.info({ event: 'newsletter.test-sent', newsletter: newsletter.id, user: req.user!.id, outboxFile: info.path })
  // Without SMTP_URL nothing is emailed: the owner is told which file to open instead of her inbox.
  const outboxFile = info.path ? path.relative(process.cwd(), info.path) || info.path : undefined
  const { htmlBytes, htmlSizeWarning } = rendered.email
  return Response.json(
    { sentTo: to, subject: `[Test] ${rendered.email.subject}`, messageId: info.messageId, htmlBytes, ...(htmlSizeWarning ? { htmlSizeWarning } : {}), ...(outboxFile ? { outboxFile } : {}) },
    { status: 202 },
  )
}

/**
 * `GET /api/newsletters/deliverability` (staff): `{ warnings }`, the settings that keep this
 * installation's mail out of inboxes (emails/deliverability.ts), for the send panel.
 */
const deliverability: PayloadHandler = async (req) => {
  const refused = refuseNonStaff(req, 'see the mail settings')
  if (refused) return refused
  const { deliverabilityWarnings } = await import('../../emails/deliverability')
  return Response.json({ warnings: deliverabilityWarnings() }, { headers: { 'Cache-Control': 'private, no-store' } })
}

export const newsletterPreviewEndpoints: Endpoint[] = [
  // Before `/:id/…` so "preview" is never read as an id.
  { path: '/preview', method: 'post', handler: previewUnsaved },
  { path: '/deliverability', method: 'get', handler: deliverability },
  { path: '/:id/preview', method: 'get', handler: previewSaved },
  { path: '/:id/send-test', method: 'post', handler: sendTest },
]
