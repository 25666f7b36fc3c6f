import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'

import type { Subscriber } from '../../payload-types'
import { checkEmailAddress } from './emailAddress'
import { isAcceptableName, NAME_RULE } from './personName'

/** Columns understood on import and written on export. Only `email` is required. */
export const CSV_COLUMNS = ['email', 'name', 'status', 'topics', 'consent_at', 'consent_source', 'consent_text'] as const

export type PlannedSubscriber = {
  row: number
  email: string
  /** The mailbox (`emailKey`): duplicates are found by this, in the file and in the list. */
  key: string
  name?: string
  status: 'pending' | 'confirmed' | 'unsubscribed'
  topicIds: number[]
  consent: { at: string; source: string; text?: string; version: string }
}

export type ImportReport = {
  rows: number
  accepted: PlannedSubscriber[]
  duplicates: Array<{ row: number; email: string; reason: string }>
  invalid: Array<{ row: number; email: string; reason: string }>
}

export class CsvFormatError extends Error {}

/**
 * Reads an import file into a plan: which rows would be added, which are duplicates
 * (in the file or already subscribed) and which are invalid, with a reason a person can
 * act on. Nothing is written here: the preview and the import share this plan.
 */
export const planImport = (
  csv: string,
  topicsBySlug: Map<string, number>,
  /** The `emailKey`s of the subscribers already stored. */
  existingKeys: Set<string>,
  now = new Date(),
): ImportReport => {
  let records: Record<string, string>[]
  try {
    records = parse(csv, { columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true })
  } catch (error) {
    throw new CsvFormatError(`The file is not valid CSV: ${(error as Error).message}`)
  }
  if (records.length && !('email' in records[0])) throw new CsvFormatError('The first line must name the columns, including "email".')

  const report: ImportReport = { rows: records.length, accepted: [], duplicates: [], invalid: [] }
  const seen = new Set<string>()
  records.forEach((record, index) => {
    const row = index + 2 // 1-based, after the header line
    const checked = checkEmailAddress(record.email)
    const email = checked.ok ? checked.email : String(record.email ?? '')
    const invalid = (reason: string) => report.invalid.push({ row, email, reason })
    if (!checked.ok) return invalid(checked.message)
    const key = checked.key
    if (seen.has(key) || existingKeys.has(key)) {
      report.duplicates.push({ row, email, reason: seen.has(key) ? 'Appears earlier in this file.' : 'Already a subscriber.' })
      return
    }
    const status = (record.status || 'pending').toLowerCase()
    if (status !== 'pending' && status !== 'confirmed' && status !== 'unsubscribed') {
      return invalid(`Unknown status "${record.status}": use pending, confirmed or unsubscribed.`)
    }
    const name = record.name || undefined
    if (name && !isAcceptableName(name)) return invalid(NAME_RULE)
    const slugs = (record.topics || '').split(/[;|]/).map((slug) => slug.trim()).filter(Boolean)
    const unknown = slugs.filter((slug) => !topicsBySlug.has(slug))
    if (unknown.length) return invalid(`Unknown topic ${unknown.join(', ')}.`)
    let consentAt = now.toISOString()
    if (record.consent_at) {
      const parsed = new Date(record.consent_at)
      if (Number.isNaN(parsed.getTime())) return invalid(`consent_at "${record.consent_at}" is not a date.`)
      consentAt = parsed.toISOString()
    } else if (status === 'confirmed') {
      return invalid('A confirmed subscriber needs consent_at: when they agreed. Without it, import them as pending and they will be asked to confirm.')
    }
    seen.add(key)
    report.accepted.push({
      row,
      email,
      key,
      name,
      status,
      topicIds: slugs.map((slug) => topicsBySlug.get(slug)!),
      consent: { at: consentAt, source: record.consent_source || 'csv-import', text: record.consent_text || undefined, version: 'import' },
    })
  })
  return report
}

/**
 * A cell a spreadsheet would run as a formula: one starting with = + - @ (or their
 * full-width forms ＝ ＋ － ＠, which Excel and LibreOffice also accept), after any
 * whitespace (spaces, NBSP, ideographic and other Unicode spaces, zero-width characters;
 * spreadsheets skip them), or starting with a tab or CR. The OWASP advice: prefix with '.
 */
const FORMULA_START = /^(?:[\t\r]|[\s\u180E\u200B-\u200D\u2060\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/u
const spreadsheetSafe = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value)

export const exportCsv = (subscribers: Subscriber[], slugById: Map<number, string>) =>
  stringify(
    subscribers.map((subscriber) => [
      subscriber.email,
      subscriber.name ?? '',
      subscriber.status,
      (subscriber.topics ?? [])
        .map((topic) => slugById.get(typeof topic === 'object' ? topic.id : topic))
        .filter(Boolean)
        .join(';'),
      subscriber.consent?.at ?? '',
      subscriber.consent?.source ?? '',
      subscriber.consent?.text ?? '',
    ].map((value) => spreadsheetSafe(String(value)))),
    { header: true, columns: [...CSV_COLUMNS] },
  )
