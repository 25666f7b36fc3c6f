/**
 * The clinic details an email shows. The `clinic` global (payload-types.ts `Clinic`)
 * satisfies it as is: the field names are the same, so callers pass the global through.
 */
export type ClinicDetails = {
  name: string
  tagline?: string | null
  /** Printed in the footer of every email (anti-spam law requires a postal address). */
  mailingAddress?: string | null
  medicalDisclaimer?: string | null
  bookingUrl?: string | null
}

/**
 * An email before compilation. `mjml` may hold `{{token}}` placeholders, filled per
 * recipient after compiling (see `personalise` in ../render.ts).
 */
export type EmailSource = { subject: string; mjml: string }

export type EmailTemplate = (clinic: ClinicDetails) => EmailSource

/** One article as a newsletter shows it. Every URL is absolute; text is plain (templates escape it). */
export type EmailArticle = {
  title: string
  excerpt?: string | null
  url: string
  publishedAt?: string | null
  image?: { src: string; alt: string } | null
}

/**
 * What a newsletter says, ready for a template: plain text fields (escaped by the
 * template) and `introHtml`, already email-safe HTML (emails/newsletters/lexicalToEmailHtml.ts).
 */
export type NewsletterEmailContent = {
  subject: string
  preheader?: string | null
  introHtml?: string
  articles: EmailArticle[]
  /** Digest only: the start of the period it covers. */
  since?: string | null
  /** The clinic's timezone, for dates shown in the email. */
  timeZone?: string
  /** The newsletter's public web copy, linked as "View in browser" at the top (unset: no link). */
  webVersionUrl?: string
  /** Building the web copy itself: no opt-out links (no reader to opt out) and no "View in browser". */
  web?: boolean
  /** Digest only: articles left out to keep the email under Gmail's clipping size, read on the site instead. */
  more?: { count: number; total: number; url: string }
}

/** A newsletter template: `{{name}}`, `{{preferencesUrl}}` and `{{unsubscribeUrl}}` are its tokens. */
export type NewsletterEmailTemplate = (clinic: ClinicDetails, content: NewsletterEmailContent) => EmailSource
