import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'

export type TestPayload = { payload: Payload; dir: string; databaseFile: string }

/**
 * A real Payload on a fresh SQLite file of its own, migrated from the committed
 * migrations exactly as production is. One per test file (vitest runs each file in its
 * own process), so tests never share data.
 */
export const startTestPayload = async (
  name: string,
  options: {
    /** Runs on the database file before Payload opens it (and applies the remaining migrations), e.g. to build an old schema with data. */
    prepareDatabase?: (databaseFile: string) => Promise<void>
  } = {},
): Promise<TestPayload> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cms-${name}-`))
  const databaseFile = path.join(dir, 'cms.db')
  await options.prepareDatabase?.(databaseFile)
  process.env.DATABASE_URI = `file:${databaseFile}`
  process.env.MEDIA_DIR = path.join(dir, 'media')
  const { getPayload } = await import('payload')
  const { default: config } = await import('../../payload.config')
  const payload = await getPayload({ config })
  return { payload, dir, databaseFile }
}

export const stopTestPayload = async ({ payload, dir }: TestPayload) => {
  await payload.destroy()
  fs.rmSync(dir, { recursive: true, force: true })
}
