import { describe, expect, it } from 'vitest'

import { parseScheduleTime } from '../../src/utilities/parseScheduleTime'

const TZ = 'America/Chicago'

const refused = (value: string) => {
  const parsed = parseScheduleTime(value, TZ)
  if (parsed.ok) throw new Error(`${value} was accepted as ${parsed.date.toISOString()}`)
  return parsed.message
}
const instant = (value: string) => {
  const parsed = parseScheduleTime(value, TZ)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.date.toISOString()
}

describe('parseScheduleTime refuses dates and times that do not exist', () => {
  it.each([
    ['2030-02-30T10:00:00Z', /February 2030 has 28 days/],
    ['2030-02-29T10:00:00Z', /February 2030 has 28 days/],
    ['2030-04-31T10:00:00+02:00', /April 2030 has 30 days/],
    ['2030-13-01T10:00:00Z', /month 13/],
    ['2030-00-10T10:00:00Z', /month 00/],
    ['2030-01-00T10:00:00Z', /day 00/],
    ['2030-01-10T24:00:00Z', /hour 24/],
    ['2030-01-10T10:60:00Z', /minute 60/],
    ['2030-01-10T10:00:60Z', /second 60/],
    ['2030-01-10T10:00:00+24:00', /offset/],
    ['2030-01-10T10:00:00+05:60', /offset/],
    // wall-clock (clinic time) forms
    ['2030-02-30T10:00', /February 2030 has 28 days/],
    ['2100-02-29T10:00', /February 2100 has 28 days/],
    ['2030-06-31T08:00:00', /June 2030 has 30 days/],
    ['2030-01-10T25:00', /hour 25/],
    ['2030-01-10T10:75', /minute 75/],
  ])('%s', (value, message) => {
    expect(refused(value)).toMatch(message)
  })

  it('accepts real leap days and the last second of a day', () => {
    expect(instant('2028-02-29T10:00:00Z')).toBe('2028-02-29T10:00:00.000Z')
    expect(instant('2000-02-29T06:00')).toBe('2000-02-29T12:00:00.000Z')
    expect(instant('2030-12-31T23:59:59Z')).toBe('2030-12-31T23:59:59.000Z')
    expect(instant('2030-04-30T10:00:00+02:00')).toBe('2030-04-30T08:00:00.000Z')
    expect(instant('2030-01-10T10:00:00+0530')).toBe('2030-01-10T04:30:00.000Z')
  })

  it('still tells a daylight-saving gap apart from an impossible date', () => {
    expect(refused('2027-03-14T02:30')).toMatch(/does not exist in America\/Chicago/)
  })
})
