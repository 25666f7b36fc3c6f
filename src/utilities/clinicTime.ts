import type { Payload } from 'payload'

/**
 * Times for the clinic's staff, on the clinic's wall clock (the `clinic` global's
 * `timezone`), whatever zone the browser or the server runs in. One formatter for the
 * admin, so a time reads the same in every view: "Tue, Dec 1, 2026, 1:51 PM CST".
 * Safe in client components too (no server imports).
 */

/** The `clinic` global's default, used until (or if) it cannot be read. */
export const DEFAULT_CLINIC_TIMEZONE = 'America/Chicago'

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
export const formatClinicTime = (value: TimeInput, timeZone: string = DEFAULT_CLINIC_TIMEZONE, options: { weekday?: boolean } = {}) => {
  const date = toDate(value)
  if (!date) return ''
  return formatterFor(timeZone, options.weekday ?? true).format(date)
}

/** The clinic's IANA timezone from the `clinic` global (server side). */
export const readClinicTimeZone = async (payload: Payload): Promise<string> => {
  const clinic = await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true })
  return clinic?.timezone || DEFAULT_CLINIC_TIMEZONE
}
