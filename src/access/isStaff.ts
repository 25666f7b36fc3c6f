import type { Access, FieldAccess } from 'payload'

import { hasRole } from './roles'

/** Admins and editors: the people who write and edit content. */
export const isStaffUser = (user: unknown): boolean => hasRole(user, 'admin') || hasRole(user, 'editor')

export const isStaff: Access = ({ req: { user } }) => isStaffUser(user)

export const isStaffField: FieldAccess = ({ req: { user } }) => isStaffUser(user)
