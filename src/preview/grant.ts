import type { PayloadRequest } from 'payload'

/**
 * What a valid preview token lets one request read: the latest draft of one document. Carried
 * in `req.context` (server-side only: no client can set it), read by the published-content
 * collections' read access (src/access/authenticatedPublishedOrPreviewed.ts) and by
 * ignoreDraftFlagForPublic. The grant matches a `findByID` of exactly that collection and id;
 * lists, counts and population of related documents (read without an id) stay published-only.
 */
export type PreviewGrant = { collection: string; id: string }

const GRANT_KEY = 'previewGrant'

export const previewGrantOf = (req: PayloadRequest): PreviewGrant | undefined => {
  const grant = req.context?.[GRANT_KEY] as PreviewGrant | undefined
  return grant && typeof grant.collection === 'string' && typeof grant.id === 'string' ? grant : undefined
}

export const contextWithPreviewGrant = (grant: PreviewGrant) => ({ [GRANT_KEY]: grant })
