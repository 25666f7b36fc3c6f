import type { Endpoint, PayloadHandler } from 'payload'

import { hasRole } from '../access/roles'
import { loadOwnerDashboard } from '../dashboard/loadOwnerDashboard'

/**
 * `GET /api/dashboard` (staff): the admin dashboard's numbers as JSON — what the owner sees at
 * the top of /admin, for apps and checks. Counts and document titles only; never cached.
 * `Server-Timing: load;dur=…` is the loader's own time.
 */
const dashboard: PayloadHandler = async (req) => {
  if (!hasRole(req.user, 'admin') && !hasRole(req.user, 'editor')) {
    return Response.json({ errors: [{ message: 'Log in as staff to see the dashboard.' }] }, { status: req.user ? 403 : 401, headers: { 'Cache-Control': 'no-store' } })
  }
  const started = performance.now()
  const data = await loadOwnerDashboard(req.payload)
  return Response.json(data, {
    headers: { 'Cache-Control': 'no-store', 'Server-Timing': `load;dur=${(performance.now() - started).toFixed(1)}` },
  })
}

export const dashboardEndpoints: Endpoint[] = [{ path: '/dashboard', method: 'get', handler: dashboard }]
