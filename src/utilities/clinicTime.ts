import type { Payload } from 'payload'

/**
 * Times for the clinic's staff, on the clinic's wall clock (the `clinic` global's
 * `timezone`), whatever zone the browser or the server runs in. One formatter for the
 * admin, so a time reads the same in every view: "Tue, Dec 1, 2026, 1:51 PM CST".
 * Safe in client components too (no server imports); the same on the server and in the
 * browser (both use the ICU time zone data).
 */

/** The clinic's zone when its settings name none (the `clinic` global's default). */
export const DEFAULT_CLINIC_TIME_ZONE = 'America/Chicago'

type TimeInput = Date | string | number | null | undefined

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatterFor = (timeZone: string, withWeekday: boolean) => {
  const key = `${timeZone}|${withWeekday}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      ...(withWeekday ? { weekday: 'short' } : {}),
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      // The zone is always named ("CST", "CDT"), so nobody mistakes it for their own.
      timeZoneName: 'short',
    })
    formatters.set(key, formatter)
  }
  return formatter
}

const toDate = (value: TimeInput) => {
  if (value === null || value === undefined || value === '') return null
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

/** "Tue, Dec 1, 2026, 1:51 PM CST" in `timeZone`; '' for no or an invalid time. */
export const formatClinicTime = (
  value: TimeInput,
  timeZone: string = DEFAULT_CLINIC_TIME_ZONE,
  options: { weekday?: boolean } = {},
): string => {
  const date = toDate(value)
  if (!date) return ''
  const withWeekday = options.weekday ?? true
  try {
    return formatterFor(timeZone, withWeekday).format(date)
  } catch {
    // A zone this runtime does not know: still a correct time, in UTC, and it says so.
    return formatterFor('UTC', withWeekday).format(date)
  }
}

/** The clinic's IANA timezone from the `clinic` global (server side). */
export const readClinicTimeZone = async (payload: Payload): Promise<string> => {
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true, select: { timezone: true } })
  return clinic?.timezone || DEFAULT_CLINIC_TIME_ZONE
}

/** "Mon, Nov 30": the day alone, on the clinic's calendar. */
export const formatClinicDay = (value: TimeInput, timeZone: string = DEFAULT_CLINIC_TIME_ZONE): string => {
  const date = toDate(value)
  if (!date) return ''
  const format = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric' }).format(date)
  try {
    return format(timeZone)
  } catch {
    return format('UTC')
  }
}
