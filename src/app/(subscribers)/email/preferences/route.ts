import config from '@payload-config'
import { getPayload, type Payload } from 'payload'

import type { Subscriber } from '../../../../../payload-types'
import { goneLinkPage, html, renderPage, safe } from '../../../../subscribers/pages'
import { isAcceptableName, NAME_RULE } from '../../../../subscribers/personName'
import { unsubscribeUrl } from '../../../../subscribers/links'
import { findByManageToken, updatePreferences } from '../../../../subscribers/service'

export const dynamic = 'force-dynamic'

const topicOptions = async (payload: Payload) =>
  (
    await payload.find({
      collection: 'conditions',
      where: { _status: { equals: 'published' } },
      select: { name: true, slug: true },
      sort: 'name',
      limit: 200,
      depth: 0,
      overrideAccess: true,
    })
  ).docs

const form = async (payload: Payload, subscriber: Subscriber, token: string, notice?: string) => {
  const chosen = new Set((subscriber.topics ?? []).map((topic) => (typeof topic === 'object' ? topic.id : topic)))
  const options = await topicOptions(payload)
  return html`${notice ? safe(html`<p role="status"><strong>${notice}</strong></p>`) : ''}
<form method="post" action="/email/preferences?token=${token}">
<label for="name">Your name (optional)</label>
<input id="name" name="name" type="text" maxlength="100" autocomplete="name" value="${subscriber.name ?? ''}">
<fieldset>
<legend>Topics you want to hear about (none ticked means everything)</legend>
${options.map((option) => safe(html`<label><input type="checkbox" name="topics" value="${option.slug}"${safe(chosen.has(option.id) ? ' checked' : '')}> ${option.name}</label>`))}
</fieldset>
<button type="submit">Save my preferences</button>
</form>
<form method="post" action="${unsubscribeUrl(subscriber).replace(/^https?:\/\/[^/]+/, '')}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="secondary">Unsubscribe from all emails</button>
</form>`
}

/** The page's context: the clinic, and the subscriber the signed link names (or the error page). */
const open = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const found = await findByManageToken(payload, token)
  const invalid =
    found.kind === 'ok'
      ? null
      : found.kind === 'gone'
        ? goneLinkPage(clinic)
        : renderPage({ clinic, status: 400, title: 'This link does not work', body: html`<p>Use the preferences link in any of our emails exactly as it arrived.</p>` })
  return { payload, clinic, token, found, invalid }
}

/** Reached from a signed link in every email: change name and topics, or leave. */
export const GET = async (request: Request) => {
  const { payload, clinic, token, found, invalid } = await open(request)
  if (found.kind !== 'ok') return invalid!
  return renderPage({ clinic, title: 'Your email preferences', body: await form(payload, found.subscriber, token) })
}

export const POST = async (request: Request) => {
  const { payload, clinic, token, found, invalid } = await open(request)
  if (found.kind !== 'ok') return invalid!
  const fields = await request.formData().catch(() => null)
  if (!fields) return renderPage({ clinic, status: 400, title: 'Nothing was saved', body: html`<p>The form could not be read. Please try again.</p>` })
  const name = String(fields.get('name') ?? '').trim()
  const slugs = fields.getAll('topics').map(String)
  const bad = !isAcceptableName(name)
  const options = await topicOptions(payload)
  const unknown = slugs.filter((slug) => !options.some((option) => option.slug === slug))
  if (bad || unknown.length) {
    const message = bad ? NAME_RULE : `Unknown topic: ${unknown.join(', ')}.`
    return renderPage({ clinic, status: 400, title: 'Your email preferences', body: await form(payload, found.subscriber, token, message) })
  }
  const updated = await updatePreferences(payload, found.subscriber, {
    name: name || undefined,
    topicIds: options.filter((option) => slugs.includes(option.slug!)).map((option) => option.id),
  })
  return renderPage({ clinic, title: 'Your email preferences', body: await form(payload, updated, token, 'Saved.') })
}
