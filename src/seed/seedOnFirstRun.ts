import type { Payload } from 'payload'

/**
 * A newcomer's first `npm run dev` should open an admin with the clinic's content in it.
 * Only in development, only on an empty database, and never when SEED_DEMO_CONTENT=false
 * (tests and the seed command itself turn it off).
 */
export const seedOnFirstRun = async (payload: Payload) => {
  if (process.env.NODE_ENV === 'production' || process.env.SEED_DEMO_CONTENT === 'false') return
  const { totalDocs } = await payload.count({ collection: 'articles', overrideAccess: true })
  if (totalDocs > 0) return
  payload.logger.info('Empty database: loading the demo content (set SEED_DEMO_CONTENT=false to skip).')
  // Imported lazily: the demo content stays out of the production server's module graph.
  const { seed } = await import('.')
  await seed(payload)
}
