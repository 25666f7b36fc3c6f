import { escapeHtml } from '../escapeHtml'
import { button, heading, paragraph } from './blocks'
import { oneCardEmail } from './layout'
import type { EmailTemplate } from './types'

/**
 * Sent when someone signs up with an address that is already confirmed. The sign-up form
 * answers the same way either way (it must not reveal who is subscribed); this email
 * tells the owner of the address instead.
 * Tokens: `{{name}}`, `{{preferencesUrl}}`, `{{unsubscribeUrl}}`.
 */
export const alreadySubscribed: EmailTemplate = (clinic) =>
  oneCardEmail({
    clinic,
    subject: `You are already subscribed to ${clinic.name}`,
    preheader: 'There is nothing more to do. You can change what you receive at any time.',
    blocks: [
      heading('You are already subscribed'),
      paragraph(
        `Hi {{name}}, someone (hopefully you) asked to subscribe this address to emails from ${escapeHtml(clinic.name)}. You are already on our list, so there is nothing more to do.`,
      ),
      paragraph('You can choose which emails you receive, or unsubscribe, on your preferences page.'),
      button('{{preferencesUrl}}', 'Manage my preferences'),
      paragraph('If this was not you, you can ignore this email: nothing has changed.'),
    ],
  })
