/**
 * What a provider's webhook tells us about mail we sent, in one shape for every provider
 * (SES, Postmark, Mailgun, SendGrid, generic). The providers' parsers (src/emailEvents/providers)
 * turn a verified request into these; `applyEmailEvents` (src/emailEvents/apply.ts) acts on them.
 */
export const EMAIL_EVENT_TYPES = ['hard_bounce', 'soft_bounce', 'complaint'] as const
export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number]

export const EMAIL_EVENT_PROVIDERS = ['ses', 'postmark', 'mailgun', 'sendgrid', 'generic'] as const
export type EmailEventProvider = (typeof EMAIL_EVENT_PROVIDERS)[number]

export type EmailEvent = {
  provider: EmailEventProvider
  /**
   * Unique per event at its provider, stable across the provider's retries: what makes the same
   * event twice have no second effect (SNS MessageId, Postmark ID, Mailgun event id, SendGrid
   * sg_event_id; generic: a digest of the event's fields).
   */
  eventId: string
  type: EmailEventType
  /** The recipient address as the provider reports it. */
  email: string
  /** The Message-ID we sent, without angle brackets, when the provider reports it. */
  messageId?: string
  /** The provider's words (diagnostic code, bounce description, complaint feedback type), trimmed to 500 characters. */
  reason?: string
  /** When it happened at the provider (ISO 8601); the time it arrived when not reported. */
  occurredAt: string
}

/** What became of a batch: the endpoint answers 200 whatever the counts (no enumeration of addresses). */
export type ApplyResult = { applied: number; duplicates: number; unknownAddress: number; ignored: number }
