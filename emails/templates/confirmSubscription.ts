import { escapeHtml } from '../escapeHtml'
import { button, fallbackLink, heading, paragraph } from './blocks'
import { oneCardEmail } from './layout'
import type { EmailTemplate } from './types'

/**
 * Double opt-in: sent on sign-up, before the address is on the list.
 * Tokens: `{{name}}`, `{{confirmUrl}}`. No footer links: this person is not subscribed
 * yet, and ignoring the email is how they decline.
 * The "7 days" matches CONFIRM_TOKEN_TTL_MS in src/subscribers/tokens.ts.
 */
export const confirmSubscription: EmailTemplate = (clinic) =>
  oneCardEmail({
    clinic,
    subject: `Please confirm your subscription to ${clinic.name}`,
    preheader: 'One click and you are subscribed. The link expires in 7 days.',
    footerLinks: false,
    blocks: [
      heading('Confirm your subscription'),
      paragraph(
        `Hi {{name}}, thank you for signing up for news and self-care tips from ${escapeHtml(clinic.name)}. Please confirm that this is your email address.`,
      ),
      button('{{confirmUrl}}', 'Confirm my subscription'),
      paragraph(
        'This link expires in 7 days. If you did not ask to subscribe, you can safely ignore this email: you will not hear from us again.',
      ),
      fallbackLink('{{confirmUrl}}'),
    ],
  })
