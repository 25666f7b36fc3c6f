import fs from 'node:fs'
import path from 'node:path'

/**
 * Where every test gets its database: a fresh SQLite file in the test's own folder by
 * default, or — under `npm run test:mongodb` (TEST_DATABASE=mongodb, see
 * vitest.mongodb.config.ts) — a fresh database of its own on the MongoDB server
 * `MONGODB_TEST_URI` names (a single-node replica set). `DATABASE_URI` is all that differs:
 * payload.config.ts picks the adapter from its scheme (src/databaseUri.ts), so the same test
 * file runs on both adapters.
 */
export type TestAdapter = 'sqlite' | 'mongodb'

export type TestDatabase = {
  adapter: TestAdapter
  /** What DATABASE_URI gets, in this process and in the workers/servers a test starts. */
  uri: string
  /** The SQLite file; undefined on MongoDB. */
  file?: string
  /** Removes the MongoDB database (the SQLite file goes with its folder). */
  cleanup: () => Promise<void>
}

export const testAdapter = (): TestAdapter => (process.env.TEST_DATABASE === 'mongodb' ? 'mongodb' : 'sqlite')

/**
 * For `it.skipIf(sqliteOnly('why'))(...)`: true when the suite runs on MongoDB, for a test
 * whose subject is SQLite itself (a raw SQL statement, the file, a lock). The reason is the
 * argument, so it is read where the test is.
 */
export const sqliteOnly = (_reason: string) => testAdapter() !== 'sqlite'

/** `mongodb://host:port/?options` with `name` as its database (kept: hosts, credentials, options). */
export const withDatabaseName = (uri: string, name: string) => {
  const [base, query] = uri.split('?') as [string, string | undefined]
  const scheme = base.indexOf('://') + 3
  const slash = base.indexOf('/', scheme)
  const hosts = slash === -1 ? base : base.slice(0, slash)
  return `${hosts}/${name}${query ? `?${query}` : ''}`
}

let counter = 0

/**
 * A fresh database for one test file (or one server/worker set) named `name`; `dir` is the
 * test's own temporary folder (the SQLite file goes there).
 */
export const testDatabase = async (name: string, dir: string): Promise<TestDatabase> => {
  if (testAdapter() === 'sqlite') {
    const file = path.join(dir, 'cms.db')
    fs.mkdirSync(dir, { recursive: true })
    return { adapter: 'sqlite', uri: `file:${file}`, file, cleanup: async () => {} }
  }
  const server = process.env.MONGODB_TEST_URI?.trim()
  if (!server) throw new Error('TEST_DATABASE=mongodb needs MONGODB_TEST_URI (run it through `npm run test:mongodb`).')
  // MongoDB database names: at most 63 bytes, no / \ . " $ or spaces.
  const database = `cms_${name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 30)}_${process.pid}_${Date.now().toString(36)}_${counter++}`
  const uri = withDatabaseName(server, database)
  return {
    adapter: 'mongodb',
    uri,
    cleanup: async () => {
      const { MongoClient } = await import('mongodb')
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 })
      try {
        await client.db(database).dropDatabase()
      } finally {
        await client.close()
      }
    },
  }
}
