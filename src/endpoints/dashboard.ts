import type { Endpoint, PayloadHandler } from 'payload'

import { loadOwnerDashboard } from '../dashboard/loadOwnerDashboard'
import { json, refuseUnlessStaff } from './responses'

/**
 * `GET /api/dashboard` (staff): the admin dashboard's numbers as JSON — what the owner sees at
 * the top of /admin, for apps and checks. Counts and document titles only; never cached.
 * `Server-Timing: load;dur=…` is the loader's own time.
 */
const NO_STORE = { 'Cache-Control': 'no-store' }

const dashboard: PayloadHandler = async (req) => {
  const refused = refuseUnlessStaff(req, { loggedOut: 'Log in as staff to see the dashboard.', headers: NO_STORE })
  if (refused) return refused
  const started = performance.now()
  const data = await loadOwnerDashboard(req.payload)
  return json(data, 200, { ...NO_STORE, 'Server-Timing': `load;dur=${(performance.now() - started).toFixed(1)}` })
}

export const dashboardEndpoints: Endpoint[] = [{ path: '/dashboard', method: 'get', handler: dashboard }]
