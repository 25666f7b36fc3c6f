import { escapeHtml } from '../escapeHtml'
import { button, heading, link, paragraph } from './blocks'
import { oneCardEmail } from './layout'
import type { EmailTemplate } from './types'

/**
 * Sent once, right after the subscriber confirms.
 * Tokens: `{{name}}`, `{{preferencesUrl}}`, `{{unsubscribeUrl}}`.
 */
export const welcome: EmailTemplate = (clinic) =>
  oneCardEmail({
    clinic,
    subject: `Welcome to ${clinic.name}`,
    preheader: 'Your subscription is confirmed.',
    blocks: [
      heading('Welcome to our newsletter'),
      paragraph(
        `Hi {{name}}, your subscription is confirmed. We will send you news and self-care tips from ${escapeHtml(clinic.name)} from time to time.`,
      ),
      paragraph(
        `You can choose which emails you receive, or unsubscribe, at any time on your ${link('{{preferencesUrl}}', 'preferences page')}.`,
      ),
      clinic.bookingUrl ? button(escapeHtml(clinic.bookingUrl), 'Book an appointment') : '',
    ],
  })
