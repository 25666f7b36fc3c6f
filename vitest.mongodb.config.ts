import { defineConfig } from 'vitest/config'

import base from './vitest.config'

/**
 * `npm run test:mongodb`: the integration suite on MongoDB. Every test file whose behaviour
 * does not depend on the adapter runs here unchanged — tests/helpers/database.ts gives each
 * one a fresh database on `MONGODB_TEST_URI` (a single-node replica set: Payload's MongoDB
 * adapter uses transactions), instead of a fresh SQLite file. The seams' contract tests
 * (tests/int/seams) are included: they state what the project relies on from each adapter.
 *
 * Without MONGODB_TEST_URI nothing runs and the command succeeds, saying so: no MongoDB
 * server can run on the project's own CI machine; GitHub Actions runs this suite
 * (.github/workflows/ci.yml, job "mongodb").
 */

/** Test files about SQLite itself, with the reason; they run in `npm test` only. */
export const SQLITE_ONLY: Record<string, string> = {
  'tests/int/backup.int.spec.ts': 'npm run backup / restore copy the SQLite file (on MongoDB they refuse and point at mongodump, checked in `npm test`)',
  'tests/int/subscriber-migration.int.spec.ts': 'builds an old SQLite schema with raw SQL and applies the committed SQL migrations (MongoDB has no migrations here)',
  'tests/int/fuzz/**': 'proves "a refused request writes nothing" by counting rows of every SQLite table (sqlite_master) before and after',
  'tests/int/seams/drizzleFindFields.int.spec.ts': 'the SQL adapter\'s row transform and the seam that narrows it (MongoDB projects excluded fields away itself)',
  'tests/int/seams/afterReadFields.int.spec.ts': 'narrows the afterRead walk only behind the SQL adapter\'s seam (drizzleFindFields), not installed on MongoDB',
  'tests/int/first-run.int.spec.ts': 'a newcomer\'s first `npm run dev` / `npm run worker`: the embedded SQLite default, files created on the fly',
}

const uri = process.env.MONGODB_TEST_URI?.trim()
if (!uri) {
  console.log(
    '\nnpm run test:mongodb: skipped — MONGODB_TEST_URI is not set. It needs a MongoDB single-node replica set, e.g.\n' +
      '  docker run -d -p 27017:27017 mongo:7 --replSet rs0 && docker exec <id> mongosh --eval "rs.initiate()"\n' +
      '  MONGODB_TEST_URI="mongodb://localhost:27017/?replicaSet=rs0&directConnection=true" npm run test:mongodb\n' +
      'GitHub Actions runs it on every push (.github/workflows/ci.yml, job "mongodb").\n',
  )
}

// Spread, not mergeConfig: merging would concatenate `include` with the base's and run everything.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: uri ? ['tests/int/**/*.int.spec.ts'] : [],
    exclude: ['**/node_modules/**', ...Object.keys(SQLITE_ONLY)],
    passWithNoTests: true,
    env: { ...base.test?.env, TEST_DATABASE: 'mongodb' },
  },
})
