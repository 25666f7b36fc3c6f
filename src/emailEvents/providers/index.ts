import type { EmailEventProvider } from '../types'
import { genericSource } from './generic'
import { mailgunSource } from './mailgun'
import { postmarkSource } from './postmark'
import { sendgridSource } from './sendgrid'
import { sesSource } from './ses'
import type { EmailEventSource } from './types'

/**
 * The providers `POST /api/email-events/{provider}` accepts. A Map, read per request, so a test
 * can put an SES source with its own certificate fetcher in place (createSesSource).
 */
export const emailEventSources = new Map<EmailEventProvider, EmailEventSource>(
  [sesSource, postmarkSource, mailgunSource, sendgridSource, genericSource].map((source) => [source.provider, source]),
)
