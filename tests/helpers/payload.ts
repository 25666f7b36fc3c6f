import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'

import { testDatabase, type TestDatabase } from './database'

export type TestPayload = {
  payload: Payload
  dir: string
  database: TestDatabase
  /** DATABASE_URI of this test's database (also set in process.env, for the workers a test starts). */
  databaseUri: string
  /** The SQLite file: only for tests about SQLite itself (excluded from the MongoDB suite). */
  databaseFile: string
}

/**
 * A real Payload on a fresh database of its own (tests/helpers/database.ts: a SQLite file,
 * migrated from the committed migrations exactly as production is, or a MongoDB database
 * under `npm run test:mongodb`). One per test file (vitest runs each file in its own
 * process), so tests never share data.
 */
export const startTestPayload = async (
  name: string,
  options: {
    /** Runs on the database file before Payload opens it (and applies the remaining migrations), e.g. to build an old schema with data. SQLite only. */
    prepareDatabase?: (databaseFile: string) => Promise<void>
  } = {},
): Promise<TestPayload> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cms-${name}-`))
  const database = await testDatabase(name, dir)
  if (options.prepareDatabase) await options.prepareDatabase(sqliteFileOf(database))
  process.env.DATABASE_URI = database.uri
  process.env.MEDIA_DIR = path.join(dir, 'media')
  const { getPayload } = await import('payload')
  const { default: config } = await import('../../payload.config')
  const payload = await getPayload({ config })
  return {
    payload,
    dir,
    database,
    databaseUri: database.uri,
    get databaseFile() {
      return sqliteFileOf(database)
    },
  }
}

const sqliteFileOf = (database: TestDatabase) => {
  if (!database.file) throw new Error('This test reads the SQLite file itself: it belongs to the SQLite-only list of vitest.mongodb.config.ts.')
  return database.file
}

export const stopTestPayload = async ({ payload, dir, database }: TestPayload) => {
  await payload.destroy()
  await database.cleanup()
  fs.rmSync(dir, { recursive: true, force: true })
}

/** For an `afterAll`: stops the test's Payload if its `beforeAll` got as far as starting one. */
export const stopTestPayloadIfStarted = async (ctx: TestPayload | undefined) => {
  if (ctx) await stopTestPayload(ctx)
}
