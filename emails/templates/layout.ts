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
}

/** Escapes CMS text and keeps its line breaks (the mailing address is several lines). */
const multiline = (text: string) => escapeHtml(text.trim()).replace(/\r?\n/g, '<br />')

const header = (clinic: ClinicDetails) => `
    <mj-section background-color="${theme.primary}" border-top="6px solid ${theme.accent}" padding="24px 24px 20px">
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
    <mj-section background-color="${theme.card}" padding="0 24px">
      <mj-column>
        <mj-divider border-color="${theme.accent}" border-width="2px" padding="16px 0 24px" />
      </mj-column>
    </mj-section>
    <mj-section padding="16px 24px 32px">
      <mj-column>
        ${
          footerLinks
            ? `<mj-text align="center" font-size="14px" color="${theme.mutedText}" padding="0 0 12px"><p style="margin:0;">${link('{{preferencesUrl}}', 'Manage preferences')} &#183; ${link('{{unsubscribeUrl}}', 'Unsubscribe')}</p></mj-text>`
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
 * The frame of every clinic email: header with name and tagline, the body, and a footer
 * with the postal address, the medical disclaimer and (usually) the opt-out links.
 */
export const layout = ({ clinic, preheader, title, body, footerLinks = true }: LayoutInput): string => `<mjml lang="en" dir="ltr">
  <mj-head>
    <mj-title>${escapeHtml(title ?? clinic.name)}</mj-title>
    <mj-preview>${escapeHtml(preheader)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${theme.fontFamily}" />
      <mj-text color="${theme.text}" font-size="16px" line-height="1.6" />
      <mj-button background-color="${theme.primary}" color="${theme.onPrimary}" font-size="17px" font-weight="700" border-radius="6px" inner-padding="14px 28px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="${theme.page}" width="600px">${header(clinic)}
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
