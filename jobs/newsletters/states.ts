/**
 * A newsletter's states and who may move it between them: the one table that the save
 * guard (collections/Newsletters/hooks/guardStatusTransitions.ts), the people's endpoints
 * (control.ts) and the admin's send panel (src/components/admin/newsletter) all read, so
 * the panel never offers what an endpoint would refuse. Plain data and no imports: the admin
 * bundle imports this file too. jobs/CONTEXT.md tells the story in words.
 */

export const NEWSLETTER_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled', 'failed'] as const
export type NewsletterStatus = (typeof NEWSLETTER_STATUSES)[number]

/** The worker has, or is about to have, work: the admin polls the progress. */
export const ACTIVE_STATUSES: readonly NewsletterStatus[] = ['scheduled', 'sending', 'paused']
/** Nothing more will be sent unless a person retries the failed deliveries. */
export const FINISHED_STATUSES: readonly NewsletterStatus[] = ['sent', 'cancelled', 'failed']

/**
 * By saving the newsletter (the admin's form, REST, GraphQL): from a status, the statuses a
 * save may set. Any other status belongs to the worker or to the actions below.
 */
export const SAVE_TRANSITIONS: Partial<Record<NewsletterStatus, readonly NewsletterStatus[]>> = {
  draft: ['draft', 'scheduled', 'cancelled'],
  scheduled: ['scheduled', 'draft', 'cancelled'],
}

export type NewsletterAction = 'pause' | 'resume' | 'cancel' | 'retry-failed'

/**
 * A person's levers, `POST /api/newsletters/:id/<action>`: the statuses each applies from and
 * the one it leads to (`null`: the status stays). Exceptions, kept in control.ts: `pause` also
 * applies to a send the worker paused itself (SMTP unreachable), and `retry-failed` needs at
 * least one failed delivery and moves only a finished send (`sent`, `failed`) back to
 * `sending`.
 */
export const ACTIONS: Record<NewsletterAction, { from: readonly NewsletterStatus[]; to: NewsletterStatus | null }> = {
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  cancel: { from: ['scheduled', 'sending', 'paused'], to: 'cancelled' },
  'retry-failed': { from: ['sending', 'paused', 'sent', 'failed'], to: null },
}

/** `retry-failed` on one of these reopens the send (back to `sending`); elsewhere it only re-queues. */
export const RETRY_REOPENS: readonly NewsletterStatus[] = ['sent', 'failed']

/**
 * The worker's own moves, each one conditional update in jobs/newsletters/store/newsletters.ts:
 * a due `scheduled` send, or a `sending` one whose lease ran out, is claimed (`sending`); an
 * unreachable SMTP server pauses it (`paused`, owned by `smtp-unreachable`) until a probe
 * succeeds (`sending`); it ends `sent`, or `failed` when every delivery failed.
 */
export const WORKER_MOVES = {
  claim: { from: ['scheduled', 'sending'], to: 'sending' },
  pauseForUnreachableServer: { from: ['sending'], to: 'paused' },
  resumeAfterProbe: { from: ['paused'], to: 'sending' },
  finish: { from: ['sending'], to: ['sent', 'failed'] },
} as const satisfies Record<string, { from: readonly NewsletterStatus[]; to: NewsletterStatus | readonly NewsletterStatus[] }>

/** The same moves as from → to lists, for the reader and the tests. */
export const WORKER_TRANSITIONS: Partial<Record<NewsletterStatus, readonly NewsletterStatus[]>> = {
  scheduled: ['sending'],
  sending: ['sending', 'paused', 'sent', 'failed'],
  paused: ['sending'],
}

export const canSaveAs = (from: NewsletterStatus, to: NewsletterStatus) => (SAVE_TRANSITIONS[from] ?? []).includes(to)

export const canRun = (action: NewsletterAction, status: NewsletterStatus) => ACTIONS[action].from.includes(status)

/** "Retry failed recipients only": a state that allows it, and something to retry (bounced and unknown never are). */
export const canRetryFailed = (status: NewsletterStatus, failed: number) => failed > 0 && canRun('retry-failed', status)
