import fs from 'node:fs'
import path from 'node:path'

import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import lockfile from 'proper-lockfile'
import type { DatabaseAdapterObj, Migration, Payload } from 'payload'

import { migrations } from './migrations'

export const DEFAULT_SQLITE_URL = 'file:./data/cms.db'
const SQLITE_BUSY_TIMEOUT_MS = 5000

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

const sqliteFilePath = (url: string) => url.replace(/^file:(\/\/)?/, '').split('?')[0]

/** libsql does not create folders, and a newcomer's first run has no ./data yet. */
const ensureSqliteFolder = (url: string) => {
  const filePath = sqliteFilePath(url)
  if (filePath && filePath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true })
}

const sqliteSynchronous = (): 'FULL' | 'NORMAL' => {
  const value = (process.env.SQLITE_SYNCHRONOUS ?? 'FULL').trim().toUpperCase()
  if (value === 'FULL' || value === 'NORMAL') return value
  throw new DatabaseUriError(`SQLITE_SYNCHRONOUS must be FULL (default) or NORMAL, not "${process.env.SQLITE_SYNCHRONOUS}".`)
}

export const databaseAdapter = (choice: DatabaseChoice): DatabaseAdapterObj => {
  if (choice.kind === 'mongodb') {
    return mongooseAdapter({ url: choice.url })
  }
  ensureSqliteFolder(choice.url)
  return sqliteAdapter({
    client: { url: choice.url },
    // One schema path everywhere: committed migrations, never `push`, applied at start by
    // `runMigrations` (payload.config.ts onInit) in every environment. Not `prodMigrations`:
    // that runs inside connect, where two processes starting on a fresh file (app and
    // worker) would both create the tables. After changing a collection:
    // `npm run payload migrate:create <name>`.
    push: false,
    // The app and the worker are separate processes on one file: WAL lets readers run
    // while a writer commits, and the busy timeout makes writers queue instead of failing.
    // `SQLITE_SYNCHRONOUS=NORMAL` trades durability on power loss (not on a process crash:
    // kill -9 loses nothing committed) for about 3× faster commits; default FULL.
    wal: { journalSizeLimit: 64 * 1024 * 1024, synchronous: sqliteSynchronous() },
    busyTimeout: SQLITE_BUSY_TIMEOUT_MS,
    // No `transactionOptions`: libsql runs statements synchronously, so two transactions
    // in one process wait on each other with the event loop blocked (SQLITE_BUSY after
    // the timeout). Without them every statement commits alone; the worker does not rely
    // on transactions (see jobs/scheduling/applyChange.ts).
  })
}

/**
 * Applies the committed migrations that have not run yet (a no-op on an up-to-date
 * database), holding a lock beside the SQLite file so that processes starting together
 * take turns instead of racing to create the same tables.
 */
export const runMigrations = async (payload: Payload, choice: DatabaseChoice) => {
  if (choice.kind !== 'sqlite') return
  const databaseFile = path.resolve(sqliteFilePath(choice.url))
  const release = await lockfile.lock(databaseFile, {
    lockfilePath: `${databaseFile}.migrating`,
    realpath: false,
    stale: 60_000,
    retries: { retries: 600, minTimeout: 50, maxTimeout: 200 },
  })
  try {
    // The generated index types each migration's arguments precisely; `migrate` takes the loose shape.
    await payload.db.migrate({ migrations: migrations as unknown as Migration[] })
  } finally {
    await release()
  }
}

