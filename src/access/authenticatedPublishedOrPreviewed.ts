import type { Access } from 'payload'

import { previewGrantOf } from '../preview/grant'

/**
 * authenticatedOrPublished, plus the one document a preview token names (src/preview): a read
 * of that document by id, under the grant GET /api/preview puts in `req.context`, sees its
 * latest draft. Without an id (lists, relationship population) the grant gives nothing.
 */
export const authenticatedPublishedOrPreviewed =
  (collection: string): Access =>
  ({ req, id }) => {
    if (req.user) return true
    const grant = previewGrantOf(req)
    if (grant && grant.collection === collection && id !== undefined && String(id) === grant.id) return true
    return { _status: { equals: 'published' } }
  }
