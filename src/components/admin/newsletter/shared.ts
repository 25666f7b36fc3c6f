'use client'

import { TZDate } from '@date-fns/tz'

export { ACTIVE_STATUSES, FINISHED_STATUSES, type NewsletterStatus } from '../../../../jobs/newsletters/states'
export { STORED_COUNT_KEYS, tally, type NewsletterProgress as Progress, type StoredCounts as Counts } from '../../../../jobs/newsletters/counts'

/**
 * What the newsletter admin components share: the pipeline's states and the progress shape
 * `GET /api/newsletters/:id/progress` answers (jobs/newsletters: states.ts, counts.ts, the
 * same modules the endpoints use), and small formatting helpers.
 */

/** The first error message of a Payload-style error body, or a fallback naming the status. */
export const errorMessage = async (response: Response, fallback: string) => {
  try {
    const body = await response.json()
    return body?.errors?.[0]?.message ?? body?.message ?? `${fallback} (${response.status}).`
  } catch {
    return `${fallback} (${response.status}).`
  }
}

/** A moment for people: "Thu, 3 Dec, 08:00 CST", in `timeZone` (the clinic's) when given. */
export const formatWhen = (iso: string | null | undefined, timeZone?: string) => {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  return date.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone })
}

/** "in 5 minutes", "2 hours ago": how far a moment is from now, in words. */
export const relativeTime = (iso: string | null | undefined, now = Date.now()) => {
  if (!iso) return ''
  const ms = new Date(iso).getTime() - now
  if (Number.isNaN(ms)) return ''
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const abs = Math.abs(ms)
  if (abs < 60_000) return format.format(Math.round(ms / 1000), 'second')
  if (abs < 3_600_000) return format.format(Math.round(ms / 60_000), 'minute')
  if (abs < 86_400_000) return format.format(Math.round(ms / 3_600_000), 'hour')
  return format.format(Math.round(ms / 86_400_000), 'day')
}

/** The `datetime-local` value (`2026-12-03T08:00`) of an instant, as a wall clock in `timeZone` reads it. */
export const toLocalInput = (date: Date, timeZone: string) => {
  const wall = new TZDate(date.getTime(), timeZone)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${wall.getFullYear()}-${pad(wall.getMonth() + 1)}-${pad(wall.getDate())}T${pad(wall.getHours())}:${pad(wall.getMinutes())}`
}

/** The next Thursday at 08:00 in `timeZone` (next week's if this Thursday's has passed), as an instant. */
export const nextThursdayMorning = (timeZone: string, now = new Date()) => {
  const date = new TZDate(now.getTime(), timeZone)
  date.setHours(8, 0, 0, 0)
  date.setDate(date.getDate() + ((4 - date.getDay() + 7) % 7))
  if (date.getTime() <= now.getTime()) date.setDate(date.getDate() + 7)
  return new Date(date.getTime())
}

/** The browser's own zone: only a fallback while (or if) the clinic's cannot be read. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

export const numberOr0 = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

const COUNT_FORMAT = new Intl.NumberFormat('en-US')

/** "1 confirmed subscriber", "1,234 confirmed subscribers". */
export const subscribersPhrase = (count: number) => `${COUNT_FORMAT.format(count)} confirmed subscriber${count === 1 ? '' : 's'}`
