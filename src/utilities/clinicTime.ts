/** The clinic's zone when its settings name none (the Clinic global's default). */
export const DEFAULT_CLINIC_TIME_ZONE = 'America/Chicago'

/**
 * One way to show an instant to the clinic's staff: on the clinic's clock, with the zone
 * visible ("Mar 12, 2026, 2:14 PM CDT"), whatever zone the reader's browser is in. The same
 * on the server and in the browser (both use the ICU time zone data). '' for no date.
 */
export const formatClinicTime = (date: Date | string | number | null | undefined, timeZone: string): string => {
  if (date === null || date === undefined || date === '') return ''
  const instant = date instanceof Date ? date : new Date(date)
  if (Number.isNaN(instant.getTime())) return ''
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }
  try {
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone }).format(instant)
  } catch {
    // A zone this runtime does not know: still a correct time, in UTC, and it says so.
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' }).format(instant)
  }
}
