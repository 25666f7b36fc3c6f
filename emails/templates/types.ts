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
