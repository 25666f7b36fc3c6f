import config from '@payload-config'
import '@payloadcms/next/css'

import { registerApiRoute } from '../../../../server/apiRouteRegistry'
import { restHandlers } from '../../../../server/restHandlers'

// Writes give the event loop a turn between their SQLite statements (src/server/restHandlers.ts).
const handlers = restHandlers(config)

export const GET = handlers.GET
export const POST = handlers.POST
export const DELETE = handlers.DELETE
export const PATCH = handlers.PATCH
export const PUT = handlers.PUT
export const OPTIONS = handlers.OPTIONS

// The production server calls GET directly for requests Next would route here (src/server/apiRoutes.ts).
registerApiRoute('rest', { GET })
