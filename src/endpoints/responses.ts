import type { PayloadRequest } from 'payload'

import { isStaffUser } from '../access/isStaff'

/**
 * The plumbing every custom endpoint shares: JSON answers, refusals in the shape of Payload's
 * own REST errors (`{ errors: [{ message }] }`, so clients handle both alike), the staff
 * check (src/access), and document ids from the route.
 */

export const json = (body: unknown, status = 200, headers: HeadersInit = {}) => Response.json(body, { status, headers })

/** The body of a refusal or failure, as Payload answers its own: `{ errors: [{ message }] }`. */
export const problemBody = (message: string) => ({ errors: [{ message }] })

/** A refusal or failure, as Payload answers its own. */
export const problem = (status: number, message: string, headers: HeadersInit = {}) => Response.json(problemBody(message), { status, headers })

/**
 * Null for staff (admins and editors, src/access/isStaff); otherwise the refusal: 401 with
 * `loggedOut` for nobody, 403 with `notStaff` (by default the same words) for another user.
 */
export const refuseUnlessStaff = (
  req: PayloadRequest,
  { loggedOut, notStaff = loggedOut, headers }: { loggedOut: string; notStaff?: string; headers?: HeadersInit },
): Response | null => {
  if (!req.user) return problem(401, loggedOut, headers)
  if (!isStaffUser(req.user)) return problem(403, notStaff, headers)
  return null
}

/** A document id from the route as this database spells them (a number on SQL), or null. */
export const parseDocumentId = (req: PayloadRequest, raw: string): number | string | null => {
  if (req.payload.db.defaultIDType === 'number') return /^\d{1,15}$/.test(raw) ? Number(raw) : null
  return /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? raw : null
}
