import type { Payload } from 'payload'

import { previewTokenTtlMs, previewUrlFromEnv } from './settings'
import { signPreviewToken } from './tokens'
import { fillPreviewUrl } from './url'

export type MintedPreview = { token: string; url: string | null; expiresAt: string }

/** The clinic global's preview URL template, else PREVIEW_URL, else null (no Preview button). */
export const previewUrlTemplate = async (payload: Payload): Promise<string | null> => {
  const clinic = (await payload.findGlobal({ slug: 'clinic', depth: 0, overrideAccess: true })) as { preview?: { urlTemplate?: string | null } }
  return clinic?.preview?.urlTemplate?.trim() || previewUrlFromEnv()
}

/**
 * A fresh token for one document and the front end's URL for it (null without a template).
 * The caller has checked that the reader is staff and the document exists.
 */
export const mintPreview = async (
  payload: Payload,
  { collection, id, slug }: { collection: string; id: number | string; slug?: string | null },
  { template, now = Date.now() }: { template?: string | null; now?: number } = {},
): Promise<MintedPreview> => {
  const expires = now + previewTokenTtlMs()
  const token = signPreviewToken({ c: collection, i: String(id), e: expires })
  const urlTemplate = template === undefined ? await previewUrlTemplate(payload) : template
  const url = urlTemplate ? fillPreviewUrl(urlTemplate, { collection, id: String(id), slug: slug ?? '', token }) : null
  return { token, url, expiresAt: new Date(expires).toISOString() }
}
