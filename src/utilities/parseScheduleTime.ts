import { TZDate } from '@date-fns/tz'

export type ParsedTime = { ok: true; date: Date } | { ok: false; message: string }

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * `at` is ISO-8601. With an offset (`Z`, `+02:00`) it is an instant. Without one
 * (`2026-12-01T07:00`) it is a wall-clock time in the clinic's timezone, the way the owner
 * thinks of it. Such a time may not exist (the hour skipped when clocks go forward): that
 * is refused rather than guessed. A time that happens twice (clocks go back) means the
 * first one. Either way the result is a UTC instant, so daylight saving never moves it.
 */
export const parseScheduleTime = (value: unknown, timeZone: string): ParsedTime => {
  if (typeof value !== 'string' || !value.trim()) {
    return { ok: false, message: '"at" is required: an ISO-8601 time such as 2026-12-01T07:00:00-06:00.' }
  }
  const text = value.trim()
  if (WITH_OFFSET.test(text)) {
    const date = new Date(text)
    if (!Number.isNaN(date.getTime())) return { ok: true, date }
  }
  const local = LOCAL.exec(text)
  if (local) {
    const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0))
    const candidate = new TZDate(year, month - 1, day, hour, minute, second, timeZone)
    const sameWallClock =
      candidate.getFullYear() === year &&
      candidate.getMonth() === month - 1 &&
      candidate.getDate() === day &&
      candidate.getHours() === hour &&
      candidate.getMinutes() === minute
    if (Number.isNaN(candidate.getTime())) {
      return { ok: false, message: `"${text}" is not a valid date and time.` }
    }
    if (!sameWallClock) {
      return { ok: false, message: `${text} does not exist in ${timeZone} (the clocks skip that hour for daylight saving). Pick another time.` }
    }
    // TZDate picks one of two instants for a repeated wall-clock time; take the earlier.
    const hourEarlier = new Date(candidate.getTime() - 60 * 60 * 1000)
    const earlier = new TZDate(hourEarlier.getTime(), timeZone)
    const repeated = earlier.getHours() === hour && earlier.getMinutes() === minute && earlier.getDate() === day
    return { ok: true, date: new Date(repeated ? hourEarlier.getTime() : candidate.getTime()) }
  }
  return {
    ok: false,
    message: `"${text}" is not an ISO-8601 time. Use 2026-12-01T07:00 (clinic time) or 2026-12-01T13:00:00Z.`,
  }
}
