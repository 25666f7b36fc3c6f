import { startSmtpSink } from './smtpSink'
import { startTestPayload } from './payload'

/**
 * The usual start of a subscriber test file: a real SMTP sink the app mails to, a test
 * Payload (tests/helpers/payload.ts), and the handlers the tests call — the REST helpers,
 * the subscriber service and the three email-link routes. `env` is set (undefined: removed)
 * before Payload starts.
 */
export const startSubscriberTest = async (name: string, env: Record<string, string | undefined> = {}) => {
  const sink = await startSmtpSink()
  process.env.SMTP_URL = sink.url
  process.env.EMAIL_FROM = 'Stevenson Clinic <news@stevenson-clinic.test>'
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  const ctx = await startTestPayload(name)
  return {
    sink,
    ctx,
    http: await import('./http'),
    service: await import('../../src/subscribers/service'),
    confirmRoute: await import('../../src/app/(subscribers)/email/confirm/route'),
    unsubscribeRoute: await import('../../src/app/(subscribers)/email/unsubscribe/route'),
    preferencesRoute: await import('../../src/app/(subscribers)/email/preferences/route'),
  }
}

export type SubscriberTest = Awaited<ReturnType<typeof startSubscriberTest>>
