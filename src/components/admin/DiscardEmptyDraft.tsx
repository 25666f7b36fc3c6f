'use client'

import { useConfig, useDocumentInfo, useFormFields, useFormModified } from '@payloadcms/ui'
import { useEffect, useRef } from 'react'

/**
 * In the edit view of a collection with autosave: when the owner leaves a document that this
 * visit's "Create New" made, it asks the server to discard it if it is still empty
 * (src/drafts/emptyDrafts.ts decides: no title and nothing saved since it was made), so
 * opening "Create New" and going elsewhere leaves no "Untitled" draft behind. Leaving is:
 * another page of the admin, closing a drawer, closing the tab, a reload. Draws nothing.
 */

/** How recent the document must be, at mount, to count as made by this visit's "Create New". */
const JUST_CREATED_MS = 5 * 60_000
/**
 * After a change, long enough for an autosave already on its way to land first (the server
 * then sees it and keeps the document). An autosave still waiting for its interval is never
 * sent once the view is gone: that document stays empty and is discarded.
 */
const IN_FLIGHT_SAVE_MS = 5_000

/** Mounts per document: a remount of the same document (React's development double mount) is not leaving. */
const mounted = new Map<string, number>()

const blank = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && !value.trim())

export const DiscardEmptyDraft: React.FC<{ titleField: string }> = ({ titleField }) => {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const { id, collectionSlug, hasPublishedDoc, initialData } = useDocumentInfo()
  const title = useFormFields(([fields]) => fields[titleField]?.value)
  const modified = useFormModified()

  const touched = useRef(false)
  useEffect(() => {
    if (modified || !blank(title)) touched.current = true
  }, [modified, title])
  const published = useRef(hasPublishedDoc)
  published.current = hasPublishedDoc

  const madeThisVisit = useRef(false)
  const createdAt = initialData?.createdAt
  useEffect(() => {
    const created = Date.parse(String(createdAt ?? ''))
    madeThisVisit.current = Number.isFinite(created) && Date.now() - created < JUST_CREATED_MS
  }, [id, createdAt])

  useEffect(() => {
    if (!id || !collectionSlug) return
    const key = `${collectionSlug}/${id}`
    const url = `${api}/${collectionSlug}/${id}/discard-if-empty`
    mounted.set(key, (mounted.get(key) ?? 0) + 1)
    let discarded = false
    const discard = () => {
      if (discarded || published.current || !madeThisVisit.current) return
      discarded = true
      // keepalive: the request outlives a closing tab.
      void fetch(url, { method: 'POST', credentials: 'include', keepalive: true }).catch(() => {})
    }
    // A closing page cannot wait for a save in flight: only an untouched document goes then
    // (a touched one that stayed empty is swept later, see src/drafts/emptyDrafts.ts).
    const onPageHide = () => {
      if (!touched.current) discard()
    }
    // Back from the browser's page cache to a document discarded on the way out: reload, and
    // Payload takes the owner to the list.
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted && discarded) window.location.reload()
    }
    window.addEventListener('pagehide', onPageHide)
    window.addEventListener('pageshow', onPageShow)
    return () => {
      window.removeEventListener('pagehide', onPageHide)
      window.removeEventListener('pageshow', onPageShow)
      mounted.set(key, (mounted.get(key) ?? 1) - 1)
      setTimeout(
        () => {
          if (!mounted.get(key)) discard()
        },
        touched.current ? IN_FLIGHT_SAVE_MS : 0,
      )
    }
  }, [api, collectionSlug, id])

  return null
}
