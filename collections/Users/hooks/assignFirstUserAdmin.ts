import type { CollectionBeforeChangeHook } from 'payload'

import type { User } from '../../../payload-types'

/**
 * The person who creates the first account owns the clinic's CMS: make them an admin.
 * Everyone after that is created by an admin, who picks the role.
 */
export const assignFirstUserAdmin: CollectionBeforeChangeHook<User> = async ({ data, operation, req }) => {
  if (operation !== 'create') return data
  const { totalDocs } = await req.payload.count({ collection: 'users', req, overrideAccess: true })
  if (totalDocs === 0) return { ...data, roles: ['admin'] }
  if (!data.roles?.length) return { ...data, roles: ['editor'] }
  return data
}
