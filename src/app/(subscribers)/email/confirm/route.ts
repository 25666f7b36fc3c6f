import config from '@payload-config'
import { getPayload } from 'payload'

import { html, renderPage } from '../../../../subscribers/pages'
import { preferencesUrl } from '../../../../subscribers/links'
import { confirm } from '../../../../subscribers/service'

export const dynamic = 'force-dynamic'

/** The link in the confirmation email. Confirming twice is harmless; bad links get a page, not an error. */
export const GET = async (request: Request) => {
  const payload = await getPayload({ config })
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0 })
  const outcome = await confirm(payload, new URL(request.url).searchParams.get('token'))
  switch (outcome.kind) {
    case 'confirmed':
    case 'already-confirmed':
      return renderPage({
        clinic,
        // The same page either way: browsers replay the GET (Chromium does, for client
        // hints) and mail scanners open links first, so the person's own click is often
        // the second one.
        title: 'You are subscribed',
        body: html`<p>Thank you${outcome.subscriber.name ? `, ${outcome.subscriber.name}` : ''}. You will receive our articles and news at <strong>${outcome.subscriber.email}</strong>.</p>
<p><a href="${preferencesUrl(outcome.subscriber)}">Choose the topics you care about</a> or change your details at any time.</p>`,
      })
    case 'expired':
      return renderPage({ clinic, status: 410, title: 'This link has expired', body: html`<p>Confirmation links last 7 days. Please sign up again and we will send you a fresh one.</p>` })
    case 'used':
      return renderPage({ clinic, status: 410, title: 'This link was already used', body: html`<p>This confirmation link has been replaced by a newer one or was already used. Check your inbox for the latest email from us, or sign up again.</p>` })
    case 'gone':
      return renderPage({ clinic, status: 410, title: 'This link no longer works', body: html`<p>The subscription this link was for has been removed. If you would like our emails, please sign up again.</p>` })
    default:
      return renderPage({ clinic, status: 400, title: 'This link does not work', body: html`<p>The link is incomplete or was changed. Please use the button in the email exactly as it arrived, or sign up again.</p>` })
  }
}
