import { escapeHtml } from '../escapeHtml'
import { theme } from './theme'

/**
 * Small MJML building blocks shared by the templates. Every argument is trusted markup
 * written in a template: escape CMS values (`escapeHtml`) where a template interpolates
 * them, and leave `{{tokens}}` as they are, since `personalise` escapes what it fills in.
 */

/** A white card holding one column: MJML stacks columns on narrow screens. */
export const section = (content: string) =>
  `<mj-section css-class="dm-card" background-color="${theme.card}" padding="8px 24px"><mj-column>${content}</mj-column></mj-section>`

export const heading = (html: string) =>
  `<mj-text padding="24px 0 8px"><h1 style="margin:0;font-size:26px;line-height:1.3;font-weight:700;color:${theme.primary};">${html}</h1></mj-text>`

/** A real `<p>` (margins reset) so the text/plain part keeps blank lines between paragraphs. */
export const paragraph = (html: string, style = '') => `<mj-text padding="8px 0"><p style="margin:0;${style}">${html}</p></mj-text>`

export const link = (href: string, html: string) =>
  `<a href="${href}" style="color:${theme.primary};text-decoration:underline;">${html}</a>`

export const button = (href: string, html: string) => `<mj-button href="${href}" padding="20px 0">${html}</mj-button>`

/**
 * The raw link under a button, for clients that block buttons or readers who copy links.
 * `break-all` keeps a long signed URL from widening the email on phones.
 */
export const fallbackLink = (href: string) =>
  paragraph(
    `If the button does not work, copy this link into your browser:<br /><a href="${href}" style="color:${theme.primary};word-break:break-all;">${href}</a>`,
    `font-size:14px;color:${theme.mutedText};`,
  )

/** Collapses line breaks and runs of spaces: subjects are header values and must be one line. */
export const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

/** Rich text already converted to email-safe HTML (see emails/newsletters/lexicalToEmailHtml.ts). */
export const richText = (html: string) => (html ? `<mj-text padding="8px 0">${html}</mj-text>` : '')

/**
 * A newsletter's article card: image, linked title, excerpt and a "Read more" link, in a
 * white section of its own so cards separate cleanly and stack on phones.
 * Values are escaped here: they come from the CMS. The image is not a link: the text/plain
 * part would print a bare URL for it; the title and "Read more" carry the link.
 */
export const articleCard = (article: {
  title: string
  excerpt?: string | null
  url: string
  image?: { src: string; alt: string } | null
}) => {
  const url = escapeHtml(article.url)
  return `<mj-section css-class="dm-card" background-color="${theme.card}" padding="0 24px 16px"><mj-column>
  <mj-divider border-color="${theme.page}" border-width="2px" padding="8px 0 16px" />
  ${article.image ? `<mj-image src="${escapeHtml(article.image.src)}" alt="${escapeHtml(article.image.alt)}" width="552px" border-radius="6px" padding="8px 0" />` : ''}
  <mj-text padding="12px 0 4px"><h2 style="margin:0;font-size:21px;line-height:1.3;font-weight:700;"><a href="${url}" style="color:${theme.primary};text-decoration:none;">${escapeHtml(article.title)}</a></h2></mj-text>
  ${article.excerpt ? paragraph(escapeHtml(article.excerpt)) : ''}
  ${paragraph(`<a href="${url}" aria-label="Read more: ${escapeHtml(article.title)}" style="color:${theme.primary};text-decoration:underline;">Read more &#8594;</a>`, 'font-weight:700;')}
</mj-column></mj-section>`
}

/** A thin rule between items inside a section. */
export const divider = () => `<mj-divider border-color="${theme.page}" border-width="1px" padding="12px 0" />`
