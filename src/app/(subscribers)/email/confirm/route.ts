import config from '@payload-config'
import { getPayload } from 'payload'

import type { Clinic, Subscriber } from '../../../../../payload-types'
import { html, renderPage, safe } from '../../../../subscribers/pages'
import { preferencesUrl } from '../../../../subscribers/links'
import { checkConfirmLink, confirm, type ConfirmLinkCheck, type ConfirmOutcome } from '../../../../subscribers/service'

export const dynamic = 'force-dynamic'

const open = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  return { payload, clinic, token: new URL(request.url).searchParams.get('token') }
}

const subscribedPage = (clinic: Partial<Clinic> | null, subscriber: Subscriber, already: boolean) =>
  renderPage({
    clinic,
    title: 'You are subscribed',
    body: html`${already ? safe(html`<p>Your subscription was already confirmed: there is nothing more to do.</p>`) : ''}
<p>Thank you${subscriber.name ? `, ${subscriber.name}` : ''}. You will receive our articles and news at <strong>${subscriber.email}</strong>.</p>
<p><a href="${preferencesUrl(subscriber)}">Choose the topics you care about</a> or change your details at any time.</p>`,
  })

/** Every link that cannot confirm: a page, never an error; the same for GET and POST. */
const refusedPage = (clinic: Partial<Clinic> | null, kind: 'invalid' | 'expired' | 'used' | 'gone') => {
  switch (kind) {
    case 'expired':
      return renderPage({ clinic, status: 410, title: 'This link has expired', body: html`<p>Confirmation links last 7 days. Please sign up again and we will send you a fresh one.</p>` })
    case 'used':
      return renderPage({ clinic, status: 410, title: 'This link was already used', body: html`<p>This confirmation link belongs to an earlier signup that has ended. Check your inbox for the latest email from us, or sign up again.</p>` })
    case 'gone':
      return renderPage({ clinic, status: 410, title: 'This link no longer works', body: html`<p>The subscription this link was for has been removed. If you would like our emails, please sign up again.</p>` })
    default:
      return renderPage({ clinic, status: 400, title: 'This link does not work', body: html`<p>The link is incomplete or was changed. Please use the button in the email exactly as it arrived, or sign up again.</p>` })
  }
}

/**
 * The link in the confirmation email. Opening it changes nothing: mail scanners (Microsoft
 * Safe Links and others) and browser prefetches open links before the person does, so the
 * GET only shows one button, a plain form that POSTs to this same URL.
 */
export const GET = async (request: Request) => {
  const { payload, clinic, token } = await open(request)
  const link: ConfirmLinkCheck = await checkConfirmLink(payload, token)
  if (link.kind === 'already-confirmed') return subscribedPage(clinic, link.subscriber, true)
  if (link.kind !== 'pending') return refusedPage(clinic, link.kind)
  return renderPage({
    clinic,
    title: 'Confirm your subscription',
    body: html`<p>One last step: confirm that <strong>${link.subscriber.email}</strong> would like to receive our articles and news.</p>
<form method="post" action="/email/confirm?token=${token ?? ''}">
<button type="submit">Confirm my subscription</button>
</form>
<p>Did not sign up? Just close this page: nothing happens unless the button is pressed.</p>`,
  })
}

/**
 * The button's POST confirms, idempotently: a link of an already confirmed subscriber
 * answers the "already confirmed" page (200). Like the other subscriber forms it trusts no
 * cookie or session, only the signed link, so a forged cross-site post can do no more than
 * the link's holder could.
 */
export const POST = async (request: Request) => {
  const { payload, clinic, token } = await open(request)
  const outcome: ConfirmOutcome = await confirm(payload, token)
  if (outcome.kind === 'confirmed' || outcome.kind === 'already-confirmed') {
    if (outcome.kind === 'confirmed') payload.logger.info({ event: 'subscriber.confirmed', subscriber: outcome.subscriber.id })
    return subscribedPage(clinic, outcome.subscriber, outcome.kind === 'already-confirmed')
  }
  return refusedPage(clinic, outcome.kind)
}
