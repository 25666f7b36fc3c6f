import type { DocumentRef } from '../../../../jobs/scheduling/documents'
import { formatClinicTime } from '../../../utilities/clinicTime'
import { attemptsOf, nextRunOf, plannedFor } from '../../../seams/jobsCollection'

/**
 * A scheduled change (a `payload-jobs` row) in the owner's words: what, when, and what
 * happened. Shared by the "Scheduled changes" list, a change's own page and the dashboard,
 * so they never disagree.
 */

export type ChangeFacts = {
  id: number | string
  action: 'publish' | 'unpublish'
  ref: DocumentRef | null
  /** The time asked for. */
  at: string | null
  state: 'queued' | 'running' | 'done' | 'failed'
  /** When it may next run (later than `at` after a failed attempt). */
  waitUntil: string | null
  attempts: number
  appliedAt: string | null
  latenessMs: number | null
  lastError: string | null
  note: string | null
  /** The zone it was chosen in (the drawer's timezone picker). */
  chosenTimeZone: string | null
}

export const readChange = (job: Record<string, any>): ChangeFacts => {
  const doc = job.input?.doc
  return {
    id: job.id,
    action: job.input?.type === 'unpublish' ? 'unpublish' : 'publish',
    ref: doc?.relationTo && doc.value !== undefined && doc.value !== null ? { relationTo: String(doc.relationTo), value: doc.value } : null,
    at: plannedFor(job),
    state: ['queued', 'running', 'done', 'failed'].includes(job.state) ? job.state : 'queued',
    waitUntil: nextRunOf(job),
    attempts: attemptsOf(job) ?? 0,
    appliedAt: job.appliedAt ?? null,
    latenessMs: typeof job.latenessMs === 'number' ? job.latenessMs : null,
    lastError: job.lastError ?? null,
    note: job.note ?? null,
    chosenTimeZone: job.input?.timezone ?? null,
  }
}

export const actionLabel = (action: ChangeFacts['action']) => (action === 'unpublish' ? 'Unpublish' : 'Publish')

/** "on time", "2 s late", "3 min late", "1 h 5 min late". Never early: the worker waits. */
export const describeLateness = (ms: number | null) => {
  if (ms === null || !Number.isFinite(ms)) return ''
  if (ms < 1_000) return 'on time'
  const seconds = Math.round(ms / 1_000)
  if (seconds < 60) return `${seconds} s late`
  const minutes = Math.round(ms / 60_000)
  if (minutes < 60) return `${minutes} min late`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''} late`
  return `${Math.round(hours / 24)} days late`
}

/** "in 3 days", "in 2 hours", "in 5 minutes": how far ahead a time is. */
const describeAhead = (ms: number) => {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 1) return 'in less than a minute'
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `in ${hours} hour${hours === 1 ? '' : 's'}`
  return `in ${Math.round(hours / 24)} days`
}

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`)

export type ChangeStatus = {
  /** A word or two: Waiting, Publishing now, Done, Failed… */
  label: string
  /** One sentence more when there is something to say. */
  detail?: string
  tone: 'waiting' | 'active' | 'done' | 'attention' | 'failed'
}

/** A queued change this far past its time was not picked up: the worker is probably not running. */
const OVERDUE_MS = 60_000

export const describeStatus = (change: ChangeFacts, timeZone: string, now = Date.now()): ChangeStatus => {
  const verb = change.action === 'unpublish' ? 'Unpublishing' : 'Publishing'
  const at = change.at ? Date.parse(change.at) : Number.NaN
  switch (change.state) {
    case 'running':
      return { label: `${verb} now`, tone: 'active' }
    case 'done':
      return change.note
        ? { label: 'Done: nothing to do', detail: change.note, tone: 'attention' }
        : { label: 'Done', detail: describeLateness(change.latenessMs) || undefined, tone: 'done' }
    case 'failed':
      return {
        label: 'Failed',
        detail: `${sentence(change.lastError ?? 'The change could not be applied')}${change.attempts > 1 ? ` Tried ${change.attempts} times.` : ''}`,
        tone: 'failed',
      }
    default: {
      if (change.attempts > 0) {
        return {
          label: 'Retrying',
          detail: `Try ${change.attempts} failed: ${sentence(change.lastError ?? 'unknown error')} Next try ${formatClinicTime(change.waitUntil, timeZone, { weekday: false })}.`,
          tone: 'attention',
        }
      }
      if (Number.isNaN(at)) return { label: 'Waiting', tone: 'waiting' }
      if (at > now) return { label: 'Waiting', detail: describeAhead(at - now), tone: 'waiting' }
      if (now - at < OVERDUE_MS) return { label: `${verb} now`, tone: 'active' }
      return {
        label: 'Late',
        detail: `${describeLateness(now - at)} and not started: the scheduler (npm run worker) does not seem to be running.`,
        tone: 'failed',
      }
    }
  }
}

export const TONE_COLOURS: Record<ChangeStatus['tone'], string> = {
  waiting: 'var(--theme-elevation-800)',
  active: 'var(--theme-success-600)',
  done: 'var(--theme-success-700)',
  attention: 'var(--theme-warning-700)',
  failed: 'var(--theme-error-600)',
}
