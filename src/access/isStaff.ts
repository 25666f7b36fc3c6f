import type { Access, FieldAccess } from 'payload'

import { hasRole } from './roles'

/** Admins and editors: the people who write and edit content. */
export const isStaff: Access = ({ req: { user } }) =>
  hasRole(user, 'admin') || hasRole(user, 'editor')

export const isStaffField: FieldAccess = ({ req: { user } }) =>
  hasRole(user, 'admin') || hasRole(user, 'editor')
