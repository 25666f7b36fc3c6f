import fs from 'node:fs'
import path from 'node:path'

import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { sqliteAdapter } from '@payloadcms/db-sqlite'
import lockfile from 'proper-lockfile'
import type { DatabaseAdapterObj, Migration, Payload } from 'payload'

import { chooseDatabase, DatabaseUriError, DEFAULT_SQLITE_URL, sqliteFilePath, type DatabaseChoice } from './databaseUri'
import { metrics } from './metrics/registry'
import { migrations } from './migrations'

// Parsing DATABASE_URI lives apart from the adapters, so commands that only need the path
// (npm run backup / restore) do not load them.
export { chooseDatabase, DatabaseUriError, DEFAULT_SQLITE_URL, sqliteFilePath, type DatabaseChoice }

const SQLITE_BUSY_TIMEOUT_MS = 5000

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
    // Counts statements for /api/metrics (clinic_db_queries_total): what idle costs, what a page costs.
    logger: { logQuery: () => metrics().dbQueries.inc() },
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

