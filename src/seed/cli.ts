/**
 * `npm run seed`: loads the demo content into whichever database DATABASE_URI names,
 * including a production SQLite file that `npm start` has already migrated.
 */
import fs from 'node:fs'

if (fs.existsSync('.env')) process.loadEnvFile('.env')
// This command seeds explicitly below; the automatic first-run seed would do it twice.
process.env.SEED_DEMO_CONTENT = 'false'

const { getPayload } = await import('payload')
const { default: config } = await import('../../payload.config')
const { seed } = await import('.')

const payload = await getPayload({ config })
try {
  const report = await seed(payload)
  const created = Object.values(report).reduce((sum, item) => sum + item.created, 0)
  console.log(created ? `Seeded ${created} documents.` : 'Demo content already present: nothing to do.')
} finally {
  await payload.destroy()
}
process.exit(0)
