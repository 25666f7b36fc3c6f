import type { Access } from 'payload'

/**
 * Staff see everything; the public sees published documents only. Returning a query
 * (not `false`) lets Payload apply the same rule to lists, `findByID`, `?draft=true`
 * reads and relationship population alike.
 */
export const authenticatedOrPublished: Access = ({ req: { user } }) => {
  if (user) return true
  return { _status: { equals: 'published' } }
}
