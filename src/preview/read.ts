import type { Payload } from 'payload'

import { isPublishedContentSlug } from '../../collections/shared/publishedContentSlugs'
import { contextWithPreviewGrant } from './grant'
import type { PreviewClaims } from './tokens'

/**
 * The latest draft of the document a valid token names, at depth 1 with jsonLd, read as the
 * public reads (no user: staff-only fields stay hidden, related documents are published ones)
 * except that the grant opens this one document's draft. Null when it no longer exists.
 */
export const readPreviewDocument = async (payload: Payload, claims: PreviewClaims) => {
  if (!isPublishedContentSlug(claims.c)) return null
  const id = payload.db.defaultIDType === 'number' ? Number(claims.i) : claims.i
  if (typeof id === 'number' && !Number.isSafeInteger(id)) return null
  return payload
    .findByID({
      collection: claims.c,
      id,
      draft: true,
      depth: 1,
      overrideAccess: false,
      disableErrors: true,
      context: contextWithPreviewGrant({ collection: claims.c, id: claims.i }),
    })
    .catch(() => null)
}
