import type { Payload } from 'payload'
import { withClinicDefaults } from '../../emails/templates/clinicDefaults'

import type { Subscriber } from '../../payload-types'
import { sendTransactionalEmail } from '../../emails/outbox'
import type { TransactionalKind } from '../../emails/outbox/store'
import { renderEmail } from '../../emails/render'
import * as templates from '../../emails/templates'
import { listUnsubscribeHeaders, preferencesUrl, unsubscribeUrl } from './links'

type TemplateName = 'confirmSubscription' | 'alreadySubscribed' | 'welcome' | 'reminder'

const KIND_OF_TEMPLATE: Record<TemplateName, TransactionalKind> = {
  confirmSubscription: 'confirmation',
  alreadySubscribed: 'already-subscribed',
  welcome: 'welcome',
  reminder: 'reminder',
}

/**
 * Renders a subscriber email and sends it through the outbox (emails/outbox): recorded first,
 * attempted now, retried by the worker if this attempt fails; nothing for a suppressed address.
 */
export const sendSubscriberEmail = async (
  payload: Payload,
  subscriber: Subscriber,
  template: TemplateName,
  tokens: Record<string, string>,
): Promise<void> => {
  const clinic = withClinicDefaults(await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true }))
  const email = await renderEmail(templates[template], clinic, {
    name: subscriber.name || 'there',
    preferencesUrl: preferencesUrl(subscriber),
    unsubscribeUrl: unsubscribeUrl(subscriber),
    ...tokens,
  })
  await sendTransactionalEmail(payload, {
    kind: KIND_OF_TEMPLATE[template],
    to: subscriber.email,
    subscriber: subscriber.id,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: listUnsubscribeHeaders(subscriber),
  })
}
