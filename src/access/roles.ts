import type { User } from '../../payload-types'

export const ROLES = ['admin', 'editor'] as const
export type Role = (typeof ROLES)[number]

/** Staff are the only users there are: every account in `users` is an admin or an editor. */
export const hasRole = (user: unknown, role: Role): boolean =>
  Boolean(user && Array.isArray((user as User).roles) && (user as User).roles!.includes(role))
