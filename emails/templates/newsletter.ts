import { escapeHtml } from '../escapeHtml'
import { articleCard, heading, oneLine, paragraph, richText, section } from './blocks'
import { layout, newsletterFrame } from './layout'
import type { NewsletterEmailTemplate } from './types'

/**
 * The standard newsletter: a greeting, the owner's intro (rich text), then one card per
 * featured article in the chosen order.
 * Tokens: `{{name}}`, `{{preferencesUrl}}`, `{{unsubscribeUrl}}`.
 */
export const newsletter: NewsletterEmailTemplate = (clinic, content) => {
  const subject = oneLine(content.subject)
  return {
    subject,
    mjml: layout({
      clinic,
      title: subject,
      ...newsletterFrame(content),
      preheader: content.preheader || content.articles[0]?.excerpt || '',
      body: [
        // The subject is the email's one <h1> (the intro's headings are h2 and below: lexicalToEmailHtml.ts).
        section([heading(escapeHtml(subject)), paragraph('Hi {{name}},', 'padding-top:8px;'), richText(content.introHtml ?? '')].join('\n')),
        ...content.articles.map(articleCard),
      ].join('\n'),
    }),
  }
}
