import { escapeHtml } from '../escapeHtml'
import { button, heading, oneLine, paragraph, richText, section } from './blocks'
import { layout, newsletterFrame } from './layout'
import { theme } from './theme'
import type { NewsletterEmailTemplate } from './types'

/**
 * An article announcement ("email this article to subscribers"): the article's image,
 * title and excerpt with a button to read it. The intro, if the owner wrote one, comes
 * before the excerpt.
 * Tokens: `{{name}}`, `{{preferencesUrl}}`, `{{unsubscribeUrl}}`.
 */
export const article: NewsletterEmailTemplate = (clinic, content) => {
  const subject = oneLine(content.subject)
  const featured = content.articles[0]
  if (!featured) throw new Error('An article announcement needs its published article.')
  const url = escapeHtml(featured.url)
  const hero = featured.image
    ? `<mj-section css-class="dm-card" background-color="${theme.card}" padding="24px 24px 0"><mj-column><mj-image src="${escapeHtml(featured.image.src)}" alt="${escapeHtml(featured.image.alt)}" width="552px" border-radius="6px" padding="0" /></mj-column></mj-section>`
    : ''
  return {
    subject,
    mjml: layout({
      clinic,
      title: subject,
      ...newsletterFrame(content),
      preheader: content.preheader || featured.excerpt || `New on ${clinic.name}: ${featured.title}`,
      body: [
        hero,
        section(
          [
            paragraph('New article', `padding-top:16px;font-size:14px;color:${theme.mutedText};text-transform:uppercase;letter-spacing:1px;`),
            heading(escapeHtml(featured.title)),
            paragraph('Hi {{name}},'),
            richText(content.introHtml ?? ''),
            featured.excerpt ? paragraph(escapeHtml(featured.excerpt)) : '',
            button(url, 'Read the article'),
          ].join('\n'),
        ),
      ].join('\n'),
    }),
  }
}
