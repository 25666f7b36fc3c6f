import { escapeHtml } from '../escapeHtml'
import { link, oneLine, section } from './blocks'
import { theme } from './theme'
import type { ClinicDetails, EmailSource } from './types'

export type LayoutInput = {
  clinic: ClinicDetails
  /** The inbox preview line shown after the subject; plain text. */
  preheader: string
  /** The document title (the subject), read out by screen readers; plain text. Defaults to the clinic name. */
  title?: string
  /** MJML sections (see `section` in ./blocks.ts) placed between header and footer. */
  body: string
  /**
   * "Manage preferences" and "Unsubscribe" links, filled from `{{preferencesUrl}}` and
   * `{{unsubscribeUrl}}`. Default on: every email to a subscriber must offer a way out.
   * Off only for mail to someone who is not (yet) subscribed, such as the confirmation.
   */
  footerLinks?: boolean
  /** A "View in browser" link above the header, to the newsletter's web copy. */
  webVersionUrl?: string
}

/** Escapes CMS text and keeps its line breaks (the mailing address is several lines). */
const multiline = (text: string) => escapeHtml(text.trim()).replace(/\r?\n/g, '<br />')

const header = (clinic: ClinicDetails) => `
    <mj-section css-class="dm-header" background-color="${theme.primary}" border-top="6px solid ${theme.accent}" padding="24px 24px 20px">
      <mj-column>
        <mj-text align="center" color="${theme.onPrimary}" font-size="22px" font-weight="700" line-height="1.3" padding="0">${escapeHtml(clinic.name)}</mj-text>
        ${
          clinic.tagline
            ? `<mj-text align="center" color="${theme.onPrimaryMuted}" font-size="14px" line-height="1.5" padding="8px 0 0">${escapeHtml(clinic.tagline)}</mj-text>`
            : ''
        }
      </mj-column>
    </mj-section>`

const footer = (clinic: ClinicDetails, footerLinks: boolean) => `
    <mj-section css-class="dm-card" background-color="${theme.card}" padding="0 24px">
      <mj-column>
        <mj-divider border-color="${theme.accent}" border-width="2px" padding="16px 0 24px" />
      </mj-column>
    </mj-section>
    <mj-section css-class="dm-footer" padding="16px 24px 32px">
      <mj-column>
        ${
          footerLinks
            ? `<mj-text align="center" font-size="14px" color="${theme.mutedText}" padding="0 0 12px"><p style="margin:0 0 8px;">${link('{{preferencesUrl}}', 'Manage preferences')}</p><p style="margin:0;">${link('{{unsubscribeUrl}}', 'Unsubscribe')}</p></mj-text>`
            : ''
        }
        ${
          clinic.mailingAddress
            ? `<mj-text align="center" font-size="13px" line-height="1.5" color="${theme.mutedText}" padding="0 0 12px"><p style="margin:0;">${multiline(clinic.mailingAddress)}</p></mj-text>`
            : ''
        }
        ${
          clinic.medicalDisclaimer
            ? `<mj-text align="center" font-size="12px" line-height="1.5" color="${theme.mutedText}" padding="0"><p style="margin:0;">${multiline(clinic.medicalDisclaimer)}</p></mj-text>`
            : ''
        }
      </mj-column>
    </mj-section>`

/**
 * The inbox preview line. Not MJML's `mj-preview`: it hides the text with a 1px white font on
 * our tinted page, which SpamAssassin scores as hidden low-contrast text (HTML_FONT_LOW_CONTRAST,
 * and with a relay lacking reverse DNS NORDNS_LOW_CONTRAST and HTML_FONT_TINY_NORDNS: spam).
 * Hidden by size and visibility instead, no colour or font tricks; then padded with
 * zero-width non-joiners and non-breaking spaces, so a short preheader is not followed in the
 * inbox by the header's text ("Stevenson Clinic Medical massage…"). `display:none` also tells
 * the text/plain converter to skip it (render.ts).
 */
const PREHEADER_PADDING = '&#8204;&nbsp;'.repeat(90)
const preheaderBlock = (text: string) =>
  text
    ? `<mj-raw><div class="preheader" style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;">${escapeHtml(text)}${PREHEADER_PADDING}</div></mj-raw>`
    : ''

/**
 * Dark mode: clients that follow the reader's colour scheme get these (Apple Mail, iOS,
 * Outlook on the Mac, some webmail); `[data-ogsc]` is Outlook.com's forced dark mode. Inline
 * styles win over a stylesheet, hence !important.
 */
const darkStyles = () => {
  const d = theme.dark
  const rules = `
      .dm-body, .dm-body > div { background-color: ${d.page} !important; }
      .dm-header, .dm-header > table, .dm-header td { background-color: ${d.header} !important; }
      .dm-card, .dm-card > table, .dm-card > table > tbody > tr > td { background-color: ${d.card} !important; }
      .dm-card div, .dm-card p, .dm-card li, .dm-card h1, .dm-card h2, .dm-card h3, .dm-footer div, .dm-footer p { color: ${d.text} !important; }
      .dm-card a, .dm-footer a { color: ${d.link} !important; }
      .dm-footer div, .dm-footer p { color: ${d.mutedText} !important; }
      .dm-button td, .dm-button a, .dm-button p { background-color: ${d.button} !important; color: ${d.onButton} !important; }
      .dm-card p[style*="border-top"] { border-top-color: ${d.rule} !important; }`
  return `<mj-style>
      :root { color-scheme: light dark; supported-color-schemes: light dark; }
      @media (prefers-color-scheme: dark) {${rules}
      }
      ${rules
        .trim()
        .split('\n')
        .map((rule) => rule.trim().replace(/(^|, )\./g, '$1[data-ogsc] .'))
        .join('\n      ')}
    </mj-style>`
}

/** First in the body, so it is also the text part's first line. */
const viewInBrowser = (url: string) => `
    <mj-section css-class="dm-footer" padding="8px 24px"><mj-column>
      <mj-text align="center" font-size="13px" color="${theme.mutedText}" padding="0"><p style="margin:0;">${link(escapeHtml(url), 'View in browser')}</p></mj-text>
    </mj-column></mj-section>`

/** What every newsletter template passes to the layout from its content: the web copy's link, or the web copy's own shape. */
export const newsletterFrame = (content: { webVersionUrl?: string; web?: boolean }) =>
  content.web ? { footerLinks: false } : { webVersionUrl: content.webVersionUrl }

/**
 * The frame of every clinic email: header with name and tagline, the body, and a footer
 * with the postal address, the medical disclaimer and (usually) the opt-out links.
 */
export const layout = ({ clinic, preheader, title, body, footerLinks = true, webVersionUrl }: LayoutInput): string => `<mjml lang="en" dir="ltr">
  <mj-head>
    <mj-title>${escapeHtml(title ?? clinic.name)}</mj-title>
    <mj-raw>
      <meta name="color-scheme" content="light dark" />
      <meta name="supported-color-schemes" content="light dark" />
    </mj-raw>
    <mj-attributes>
      <mj-all font-family="${theme.fontFamily}" />
      <mj-text color="${theme.text}" font-size="16px" line-height="1.6" />
      <mj-button css-class="dm-button" background-color="${theme.primary}" color="${theme.onPrimary}" border="2px solid ${theme.accent}" font-size="17px" font-weight="700" border-radius="6px" inner-padding="14px 28px" />
    </mj-attributes>
    ${darkStyles()}
  </mj-head>
  <mj-body css-class="dm-body" background-color="${theme.page}" width="600px">${preheaderBlock(preheader)}${webVersionUrl ? viewInBrowser(webVersionUrl) : ''}${header(clinic)}
${body}${footer(clinic, footerLinks)}
  </mj-body>
</mjml>
`

/**
 * A short message in one card: the shape of every transactional email (confirm, welcome,
 * already subscribed). The subject is also the document title.
 */
export const oneCardEmail = ({ subject, blocks, ...rest }: Omit<LayoutInput, 'title' | 'body'> & { subject: string; blocks: string[] }): EmailSource => {
  const title = oneLine(subject)
  return { subject: title, mjml: layout({ ...rest, title, body: section(blocks.join('\n')) }) }
}
