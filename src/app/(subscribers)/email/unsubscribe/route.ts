import config from '@payload-config'
import { getPayload } from 'payload'

import { goneLinkPage, html, renderPage, resubscribeForm } from '../../../../subscribers/pages'
import { preferencesUrl } from '../../../../subscribers/links'
import { findByManageToken, unsubscribe } from '../../../../subscribers/service'

export const dynamic = 'force-dynamic'

const invalidLink = (clinic: any, kind: 'invalid' | 'gone') =>
  kind === 'gone' ? goneLinkPage(clinic) : renderPage({ clinic, status: 400, title: 'This link does not work', body: html`<p>The link is incomplete or was changed. Use the unsubscribe link in any of our emails exactly as it arrived.</p>` })

/**
 * A test send's opt-out link (`?preview=1`, src/endpoints/newsletterPreview.ts): it works like a
 * real one, the page and the one-click POST answer 200, but it unsubscribes nobody and says so,
 * so an owner (or a mail provider's link check) sees what a subscriber would.
 */
const isPreviewLink = (url: URL) => url.searchParams.get('preview') === '1' && !url.searchParams.has('token')
const previewPage = (clinic: any) =>
  renderPage({
    clinic,
    title: 'Test email: nobody was unsubscribed',
    body: html`<p>This link came from a test copy of a newsletter. In a real newsletter it unsubscribes the reader at once; here it changed nothing and nobody was unsubscribed.</p>`,
  })

/** The page behind the unsubscribe link: one button, no login. */
export const GET = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  const url = new URL(request.url)
  if (isPreviewLink(url)) return previewPage(clinic)
  const token = url.searchParams.get('token')
  const found = await findByManageToken(payload, token)
  if (found.kind !== 'ok') return invalidLink(clinic, found.kind)
  if (found.subscriber.status === 'unsubscribed') {
    return renderPage({
      clinic,
      title: 'You are unsubscribed',
      body: html`<p><strong>${found.subscriber.email}</strong> will not receive our emails.</p>
${resubscribeForm(found.subscriber.email)}`,
    })
  }
  return renderPage({
    clinic,
    title: 'Unsubscribe',
    body: html`<p>Stop all emails to <strong>${found.subscriber.email}</strong>?</p>
<form method="post" action="/email/unsubscribe?token=${token ?? ''}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>
<p>Or <a href="${preferencesUrl(found.subscriber)}">choose fewer topics</a> instead.</p>`,
  })
}

/**
 * RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click` to this URL, with
 * no cookies and no follow-up step. It unsubscribes at once, idempotently, and answers 200.
 * The page's own button posts the same body. Subscribing again is a new signup (its own
 * form, to /api/subscribe), never a POST here: every POST here unsubscribes.
 */
export const POST = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  const url = new URL(request.url)
  if (isPreviewLink(url)) return previewPage(clinic)
  const found = await findByManageToken(payload, url.searchParams.get('token'))
  if (found.kind !== 'ok') return invalidLink(clinic, found.kind)
  const subscriber = await unsubscribe(payload, found.subscriber)
  payload.logger.info({ event: 'subscriber.unsubscribed', subscriber: subscriber.id })
  return renderPage({
    clinic,
    title: 'You are unsubscribed',
    body: html`<p><strong>${subscriber.email}</strong> will not receive any more emails from us. Sorry to see you go.</p>
${resubscribeForm(subscriber.email)}`,
  })
}
