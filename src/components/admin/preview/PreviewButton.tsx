'use client'

import { ExternalLinkIcon, toast, useConfig, useDocumentInfo, useLivePreviewContext, useTranslation } from '@payloadcms/ui'
import React, { useCallback } from 'react'

/**
 * Payload's Preview button (same look, `#preview-button`), minting the token on the click:
 * Payload's own is a link whose token was minted when the edit view rendered or last saved
 * (src/preview/adminPreview.ts), so a page left open past PREVIEW_TOKEN_TTL would open an
 * expired one. The click asks POST /api/preview-token for a fresh token and URL and sends the
 * tab there; the tab is opened first, inside the click, so popup blockers let it through. The
 * link itself (middle click, "copy link") stays the render-time URL. No preview URL (no
 * template): no button, as Payload does.
 */
export const PreviewButton: React.FC = () => {
  const { previewURL } = useLivePreviewContext()
  const { id, collectionSlug } = useDocumentInfo()
  const {
    config: {
      routes: { api },
      serverURL,
    },
  } = useConfig()
  const { t } = useTranslation()

  const open = useCallback(
    async (event: React.MouseEvent<HTMLAnchorElement>) => {
      if (!collectionSlug || id === undefined || id === null) return
      event.preventDefault()
      const tab = window.open('about:blank', '_blank')
      try {
        const response = await fetch(`${serverURL ?? ''}${api}/preview-token`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ collection: collectionSlug, id }),
        })
        const body = (await response.json()) as { url?: string | null; errors?: Array<{ message: string }> }
        if (!response.ok || !body.url) throw new Error(body.errors?.[0]?.message ?? 'No preview URL is set up for this site.')
        if (tab) {
          tab.opener = null
          tab.location.href = body.url
        } else window.location.href = body.url
      } catch (error) {
        tab?.close()
        toast.error(`The preview could not be opened: ${(error as Error).message}`)
      }
    },
    [api, collectionSlug, id, serverURL],
  )

  if (!previewURL) return null
  return (
    <a aria-label={t('version:preview')} className="preview-btn" href={previewURL} id="preview-button" onClick={open} target="_blank" title={t('version:preview')}>
      <ExternalLinkIcon />
    </a>
  )
}
