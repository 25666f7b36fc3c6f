import { TZDate } from '@date-fns/tz'

export type ParsedTime = { ok: true; date: Date } | { ok: false; message: string }

// The shapes are checked here; whether the numbers make a real date is checked by
// `calendarProblem`, because Date and TZDate silently roll 30 February over to 2 March.
const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):?(\d{2}))$/i
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const daysInMonth = (year: number, month: number) => [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]

/** Why these calendar fields name no real date and time, or null when they do. */
const calendarProblem = (text: string, fields: { year: string; month: string; day: string; hour: string; minute: string; second?: string }) => {
  const year = Number(fields.year)
  const month = Number(fields.month)
  const day = Number(fields.day)
  const notReal = (why: string) => `"${text}" is not a real date and time: ${why}.`
  if (month < 1 || month > 12) return notReal(`there is no month ${fields.month}`)
  if (day < 1) return notReal(`there is no day ${fields.day}`)
  if (day > daysInMonth(year, month)) return notReal(`${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days`)
  // 24:00 (ISO's "end of day") and leap seconds are refused: say the next day's 00:00 instead.
  if (Number(fields.hour) > 23) return notReal(`there is no hour ${fields.hour} (hours run 00-23)`)
  if (Number(fields.minute) > 59) return notReal(`there is no minute ${fields.minute} (minutes run 00-59)`)
  if (fields.second !== undefined && Number(fields.second) > 59) return notReal(`there is no second ${fields.second} (seconds run 00-59)`)
  return null
}

/**
 * `at` is ISO-8601. With an offset (`Z`, `+02:00`) it is an instant. Without one
 * (`2026-12-01T07:00`) it is a wall-clock time in the clinic's timezone, the way the owner
 * thinks of it. Such a time may not exist (the hour skipped when clocks go forward): that
 * is refused rather than guessed. A time that happens twice (clocks go back) means the
 * first one. Either way the result is a UTC instant, so daylight saving never moves it.
 * Dates that are not on the calendar (30 February, 31 April, 24:00) are refused in both forms.
 */
export const parseScheduleTime = (value: unknown, timeZone: string): ParsedTime => {
  if (typeof value !== 'string' || !value.trim()) {
    return { ok: false, message: '"at" is required: an ISO-8601 time such as 2026-12-01T07:00:00-06:00.' }
  }
  const text = value.trim()
  const withOffset = WITH_OFFSET.exec(text)
  if (withOffset) {
    const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = withOffset
    const problem = calendarProblem(text, { year, month, day, hour, minute, second })
    if (problem) return { ok: false, message: problem }
    if (offsetHours !== undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) {
      return { ok: false, message: `"${text}" has no real UTC offset: write it as ±hh:mm with hours 00-23 and minutes 00-59.` }
    }
    const date = new Date(text)
    if (!Number.isNaN(date.getTime())) return { ok: true, date }
  }
  const local = LOCAL.exec(text)
  if (local) {
    const problem = calendarProblem(text, { year: local[1], month: local[2], day: local[3], hour: local[4], minute: local[5], second: local[6] })
    if (problem) return { ok: false, message: problem }
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
    // The calendar check above passed, so a different wall clock can only be a DST gap.
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
