import { TZDate } from '@date-fns/tz'

import { escapeHtml } from '../escapeHtml'
import { divider, heading, link, oneLine, paragraph, richText, section } from './blocks'
import { layout, newsletterFrame } from './layout'
import { theme } from './theme'
import type { EmailArticle, NewsletterEmailTemplate } from './types'

const formatDate = (iso: string | null | undefined, timeZone: string) => {
  if (!iso) return ''
  const date = new TZDate(Date.parse(iso), timeZone)
  return date.toLocaleDateString('en-US', { timeZone, month: 'long', day: 'numeric', year: 'numeric' })
}

const digestItem = (article: EmailArticle, timeZone: string) => {
  const url = escapeHtml(article.url)
  const date = formatDate(article.publishedAt, timeZone)
  return [
    `<mj-text padding="8px 0 0"><h2 style="margin:0;font-size:19px;line-height:1.3;font-weight:700;"><a href="${url}" style="color:${theme.primary};text-decoration:none;">${escapeHtml(article.title)}</a></h2></mj-text>`,
    date ? paragraph(escapeHtml(date), `font-size:13px;color:${theme.mutedText};`) : '',
    article.excerpt ? paragraph(escapeHtml(article.excerpt)) : '',
    paragraph(link(url, 'Read more &#8594;'), 'font-weight:700;'),
  ].join('\n')
}

/**
 * The weekly digest: every article published since the previous digest, newest first,
 * as a compact list (title, date, excerpt, link).
 * Tokens: `{{name}}`, `{{preferencesUrl}}`, `{{unsubscribeUrl}}`.
 */
export const digest: NewsletterEmailTemplate = (clinic, content) => {
  const subject = oneLine(content.subject)
  const timeZone = content.timeZone || 'UTC'
  const count = content.more?.total ?? content.articles.length
  const summary = `${count} new ${count === 1 ? 'article' : 'articles'}${content.since ? ` since ${formatDate(content.since, timeZone)}` : ''}`
  return {
    subject,
    mjml: layout({
      clinic,
      title: subject,
      ...newsletterFrame(content),
      preheader: content.preheader || `${summary}: ${content.articles.map((item) => item.title).join(' · ')}`,
      body: section(
        [
          heading(escapeHtml(subject)),
          paragraph(`Hi {{name}}, here is what is new from ${escapeHtml(clinic.name)}: ${escapeHtml(summary)}.`),
          richText(content.introHtml ?? ''),
          content.articles.map((item) => digestItem(item, timeZone)).join(`\n${divider()}\n`),
          content.more
            ? [
                divider(),
                paragraph(
                  `${escapeHtml(String(content.more.count))} more ${content.more.count === 1 ? 'article' : 'articles'} on our site: ${link(escapeHtml(content.more.url), 'read all new articles &#8594;')}`,
                  'font-weight:700;',
                ),
              ].join('\n')
            : '',
        ].join('\n'),
      ),
    }),
  }
}
