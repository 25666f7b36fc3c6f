import { createClient, type Client } from '@libsql/client'

/**
 * The one seam between backups and SQLite (tests/int/backup.int.spec.ts states what is relied
 * on). It uses @libsql/client, the client @payloadcms/db-sqlite opens the database with,
 * directly on the file, so a backup needs neither PAYLOAD_SECRET nor Payload's start-up (which
 * would apply pending migrations to the database being backed up).
 *
 * `VACUUM INTO` writes a new, compacted database file from one read transaction: a
 * consistent copy at one instant while the app and workers go on writing (WAL lets the read
 * run beside them). Never a file copy of a live database: that can catch a page half
 * written, or miss the WAL's committed pages.
 *
 * MongoDB has no equivalent here: `mongodump --uri "$DATABASE_URI" --archive=… --gzip`
 * (README "Backups").
 */
const open = (file: string): Client => createClient({ url: `file:${file}` })

const busy = async (client: Client) => {
  // A writer's commit holds the file for a moment; wait for it rather than fail.
  await client.execute('PRAGMA busy_timeout = 10000')
}

/** Writes a consistent copy of `sourceFile` to `targetFile` (which must not exist). */
export const snapshotSqlite = async (sourceFile: string, targetFile: string) => {
  const client = open(sourceFile)
  try {
    await busy(client)
    await client.execute({ sql: 'VACUUM INTO ?', args: [targetFile] })
  } finally {
    client.close()
  }
}

export type SqliteSummary = {
  /** The newest applied migration (payload_migrations), null on a database Payload never migrated. */
  lastMigration: string | null
  migrations: number
  /** Rows per table (collections, their version and relation tables). */
  counts: Record<string, number>
  integrity: string
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/** What a backup holds, read from the copy itself (never from the live file). */
export const describeSqlite = async (file: string): Promise<SqliteSummary> => {
  const client = open(file)
  try {
    const integrity = String((await client.execute('PRAGMA integrity_check')).rows[0]?.[0] ?? 'unknown')
    const tables = (await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).rows.map((row) =>
      String(row[0]),
    )
    const counts: Record<string, number> = {}
    for (const table of tables) counts[table] = Number((await client.execute(`SELECT count(*) FROM ${quote(table)}`)).rows[0]?.[0] ?? 0)
    let lastMigration: string | null = null
    let migrations = 0
    if (tables.includes('payload_migrations')) {
      // Payload's own "migrate:status" order: by batch, then by name (names start with their timestamp).
      const rows = (await client.execute("SELECT name FROM payload_migrations WHERE name != 'dev' ORDER BY batch DESC, name DESC")).rows
      migrations = rows.length
      lastMigration = rows[0] ? String(rows[0][0]) : null
    }
    return { lastMigration, migrations, counts, integrity }
  } finally {
    client.close()
  }
}
