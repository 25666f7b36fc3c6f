import { escapeHtml } from '../escapeHtml'
import { button, fallbackLink, heading, paragraph } from './blocks'
import { oneCardEmail } from './layout'
import type { EmailTemplate } from './types'

/**
 * The one reminder (jobs/subscribers, SUBSCRIBE_REMINDER_HOURS after the confirmation email)
 * to someone who signed up and has not confirmed. Never a second one for the same signup.
 * Tokens: `{{name}}`, `{{confirmUrl}}`. No footer links, as in the confirmation: this person
 * is not subscribed, and ignoring it is still how they decline.
 * The "7 days" matches CONFIRM_TOKEN_TTL_MS in src/subscribers/tokens.ts.
 */
export const reminder: EmailTemplate = (clinic) =>
  oneCardEmail({
    clinic,
    subject: `Reminder: please confirm your subscription to ${clinic.name}`,
    preheader: 'You signed up but have not confirmed yet. One click and you are subscribed.',
    footerLinks: false,
    blocks: [
      heading('Still want our news?'),
      paragraph(
        `Hi {{name}}, you recently signed up for news and self-care tips from ${escapeHtml(clinic.name)}, but the subscription is not confirmed yet, so we have not sent you anything.`,
      ),
      button('{{confirmUrl}}', 'Confirm my subscription'),
      paragraph(
        'This is the only reminder we send. The link expires in 7 days. If you did not ask to subscribe, or changed your mind, ignore this email: your address will be deleted.',
      ),
      fallbackLink('{{confirmUrl}}'),
    ],
  })
