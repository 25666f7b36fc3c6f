import type { CollectionConfig, PayloadRequest } from 'payload'

import { isStaffUser } from '../access/isStaff'
import { mintPreview, previewUrlTemplate } from './mint'

/**
 * Payload's Preview button (`admin.preview`) and Live Preview pane (`admin.livePreview.url`)
 * for a published-content collection: both open the front end's preview URL with a token
 * minted on the server (Payload calls these when it renders the edit view and after each save,
 * so a token is never older than the page or the last save). No template, no user who is staff,
 * or a document not saved yet: null, and Payload shows no button and no pane.
 */
const previewUrlFor = async (collection: string, doc: Record<string, unknown> | undefined, req: PayloadRequest): Promise<string | null> => {
  if (!doc?.id || !isStaffUser(req.user)) return null
  const template = await previewUrlTemplate(req.payload)
  if (!template) return null
  const { url } = await mintPreview(req.payload, { collection, id: doc.id as number | string, slug: doc.slug as string | undefined }, { template })
  return url
}

export const previewAdmin = (collection: string): Pick<NonNullable<CollectionConfig['admin']>, 'preview' | 'livePreview'> => ({
  preview: (doc, { req }) => previewUrlFor(collection, doc, req),
  livePreview: { url: ({ data, req }) => previewUrlFor(collection, data, req) },
})
