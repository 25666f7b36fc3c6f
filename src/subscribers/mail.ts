import type { Payload } from 'payload'
import { withClinicDefaults } from '../../emails/templates/clinicDefaults'

import type { Subscriber } from '../../payload-types'
import { createMailer } from '../../emails/transport'
import { renderEmail } from '../../emails/render'
import * as templates from '../../emails/templates'
import { listUnsubscribeHeaders, preferencesUrl, unsubscribeUrl } from './links'

type TemplateName = 'confirmSubscription' | 'alreadySubscribed' | 'welcome'

let mailer: ReturnType<typeof createMailer> | undefined

/** One mailer per process, created on first use (SMTP_URL, or the ./data/outbox fallback). */
const getMailer = (payload: Payload) => (mailer ??= createMailer({ logger: payload.logger }))

export const sendSubscriberEmail = async (
  payload: Payload,
  subscriber: Subscriber,
  template: TemplateName,
  tokens: Record<string, string>,
) => {
  const clinic = withClinicDefaults(await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true }))
  const email = await renderEmail(templates[template], clinic, {
    name: subscriber.name || 'there',
    preferencesUrl: preferencesUrl(subscriber),
    unsubscribeUrl: unsubscribeUrl(subscriber),
    ...tokens,
  })
  await getMailer(payload).send({
    to: subscriber.email,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: listUnsubscribeHeaders(subscriber),
  })
}
