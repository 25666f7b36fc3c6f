import type { EmailEvent, EmailEventProvider } from '../types'

/** What the endpoint hands a provider: the request as received, body unparsed (signatures cover the exact bytes). */
export type ProviderRequest = { headers: Headers; rawBody: string; receivedAt: Date }

/**
 * What a provider makes of a request, checked before any effect:
 * - `events`: signature good, these events (possibly none: delivery or open events are ignored);
 * - `unauthorized`: missing, wrong or stale signature (401, nothing changes);
 * - `invalid`: signed but not a shape we can read (400 with the message);
 * - `reply`: answered without events (SNS SubscriptionConfirmation after confirming it).
 */
export type ProviderOutcome =
  | { kind: 'events'; events: EmailEvent[] }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'reply'; status: number; message: string }

export type EmailEventSource = {
  provider: EmailEventProvider
  /** False when its secret is not set: the endpoint answers 404 for it. */
  isConfigured: (env: NodeJS.ProcessEnv) => boolean
  handle: (request: ProviderRequest, env: NodeJS.ProcessEnv) => Promise<ProviderOutcome>
}
