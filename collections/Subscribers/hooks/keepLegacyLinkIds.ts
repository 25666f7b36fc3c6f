import type { FieldHook } from 'payload'

/**
 * Only the migration that introduced per-subscriber secrets writes `legacyLinkIds` (the ids
 * whose id-only links, sent before it, belong to this subscriber). A new subscriber never
 * has any, and no API can add or change them: that is what keeps old links from ever
 * opening a subscriber created later under a reused id.
 */
export const keepLegacyLinkIds: FieldHook = ({ operation, originalDoc }) =>
  operation === 'create' ? null : (originalDoc?.legacyLinkIds ?? null)
