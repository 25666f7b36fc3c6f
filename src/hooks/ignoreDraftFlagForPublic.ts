import type { CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { previewGrantOf } from '../preview/grant'

/**
 * `?draft=true` (or GraphQL `draft: true`) asks for each document's newest version. For
 * the public that newest version may be an unpublished draft, which access control then
 * hides, and the published document would vanish with it. Anonymous readers get the
 * published documents, as if they had not asked for drafts; except a preview token's reader
 * (src/preview/grant.ts), whose access then opens the one document the token names.
 */
// Typed for any slug: the same rule is shared by every collection with drafts.
export const ignoreDraftFlagForPublic: CollectionBeforeOperationHook<any> = ({ args, collection, operation, req }) => {
  if (operation === 'read' && !req.user && args.draft && !isPreviewedDocument(req, collection.slug, (args as { id?: unknown }).id)) return { ...args, draft: false }
  return args
}

/** The read by id of the one document a preview grant names; its related documents are read published. */
const isPreviewedDocument = (req: PayloadRequest, collection: string, id: unknown) => {
  const grant = previewGrantOf(req)
  return Boolean(grant && grant.collection === collection && id !== undefined && id !== null && String(id) === grant.id)
}
