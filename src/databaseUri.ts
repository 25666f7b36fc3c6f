/** What DATABASE_URI names: parsed without loading any database adapter (src/database.ts re-exports it). */
export const DEFAULT_SQLITE_URL = 'file:./data/cms.db'
export type DatabaseChoice = { kind: 'sqlite'; url: string } | { kind: 'mongodb'; url: string }

export class DatabaseUriError extends Error {}

/**
 * `DATABASE_URI` unset or `file:` → the embedded SQLite default; `mongodb://` or
 * `mongodb+srv://` → MongoDB. Anything else is refused with one line that says what works.
 */
export const chooseDatabase = (uri: string | undefined): DatabaseChoice => {
  const value = uri?.trim()
  if (!value) return { kind: 'sqlite', url: DEFAULT_SQLITE_URL }
  if (value.startsWith('file:')) return { kind: 'sqlite', url: value }
  if (value.startsWith('mongodb://') || value.startsWith('mongodb+srv://')) return { kind: 'mongodb', url: value }
  const scheme = value.includes(':') ? value.slice(0, value.indexOf(':') + 1) : value
  throw new DatabaseUriError(
    `DATABASE_URI "${scheme}…" is not supported: use file:./path/to/cms.db (SQLite, the default when unset), mongodb://… or mongodb+srv://…`,
  )
}

export const sqliteFilePath = (url: string) => url.replace(/^file:(\/\/)?/, '').split('?')[0]
