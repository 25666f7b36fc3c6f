import { escapeHtml } from '../escapeHtml'
import { button, heading, link, oneLine, paragraph, section } from './blocks'
import { layout } from './layout'
import type { EmailTemplate } from './types'

/**
 * Sent once, right after the subscriber confirms.
 * Tokens: `{{name}}`, `{{preferencesUrl}}`, `{{unsubscribeUrl}}`.
 */
export const welcome: EmailTemplate = (clinic) => {
  const subject = oneLine(`Welcome to ${clinic.name}`)
  return {
    subject,
    mjml: layout({
      clinic,
      title: subject,
      preheader: 'Your subscription is confirmed.',
      body: section(
        [
          heading('Welcome to our newsletter'),
          paragraph(
            `Hi {{name}}, your subscription is confirmed. We will send you news and self-care tips from ${escapeHtml(clinic.name)} from time to time.`,
          ),
          paragraph(
            `You can choose which emails you receive, or unsubscribe, at any time on your ${link('{{preferencesUrl}}', 'preferences page')}.`,
          ),
          clinic.bookingUrl ? button(escapeHtml(clinic.bookingUrl), 'Book an appointment') : '',
        ].join('\n'),
      ),
    }),
  }
}
