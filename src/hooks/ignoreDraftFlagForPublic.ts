import type { CollectionBeforeOperationHook } from 'payload'

/**
 * `?draft=true` (or GraphQL `draft: true`) asks for each document's newest version. For
 * the public that newest version may be an unpublished draft, which access control then
 * hides, and the published document would vanish with it. Anonymous readers get the
 * published documents, as if they had not asked for drafts.
 */
// Typed for any slug: the same rule is shared by every collection with drafts.
export const ignoreDraftFlagForPublic: CollectionBeforeOperationHook<any> = ({ args, operation, req }) => {
  if (operation === 'read' && !req.user && args.draft) return { ...args, draft: false }
  return args
}
