import { REST_DELETE, REST_GET, REST_OPTIONS, REST_PATCH, REST_POST, REST_PUT } from '@payloadcms/next/routes'
import type { SanitizedConfig } from 'payload'

import { withTurnsBetweenStatements } from '../seams/libsql'

/**
 * Payload's REST handlers as Next mounts them at /api/[...slug]. Writes (an autosave, a publish,
 * an upload) give the event loop a turn between their SQLite statements, so cached reads served
 * by the same process never wait behind a whole write (src/seams/libsql.ts); reads run straight
 * through. Apart from the route file, which also imports Payload's admin CSS, so that tests can
 * call the same handlers.
 */
export const restHandlers = (config: Promise<SanitizedConfig> | SanitizedConfig) => ({
  GET: REST_GET(config),
  OPTIONS: REST_OPTIONS(config),
  POST: withTurnsBetweenStatements(REST_POST(config)),
  PATCH: withTurnsBetweenStatements(REST_PATCH(config)),
  PUT: withTurnsBetweenStatements(REST_PUT(config)),
  DELETE: withTurnsBetweenStatements(REST_DELETE(config)),
})
