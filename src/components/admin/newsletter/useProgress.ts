'use client'

import { useForm } from '@payloadcms/ui'
import { useCallback, useEffect, useRef, useState } from 'react'

import { ACTIVE_STATUSES, errorMessage, FINISHED_STATUSES, numberOr0, STORED_COUNT_KEYS, type NewsletterStatus, type Progress } from './shared'

const POLL_MS = 1500

/**
 * The pipeline's view of a newsletter (`GET /api/newsletters/:id/progress`), polled while the
 * worker has or is about to have work, read once when the send is finished. Each answer is
 * copied into the form (status and counts), so the fields the panel and the report read
 * follow the worker, and a later Save sends back the worker's status rather than an old one
 * (which the status guard would refuse).
 */
export const useProgress = ({ id, formStatus, onError }: { id: number | string | undefined; formStatus: NewsletterStatus; onError: (message: string) => void }) => {
  const { dispatchFields } = useForm()
  const [progress, setProgress] = useState<Progress | null>(null)
  // The latest callback, without restarting the poll when the caller passes a new one.
  const reportError = useRef(onError)
  reportError.current = onError

  const mirrorIntoForm = useCallback(
    (next: Progress) => {
      const update = (path: string, value: unknown) => dispatchFields({ type: 'UPDATE', path, value, initialValue: value })
      update('status', next.status)
      for (const key of STORED_COUNT_KEYS) update(`counts.${key}`, numberOr0(next.counts?.[key]))
      for (const key of ['startedAt', 'finishedAt', 'note'] as const) update(key, next[key] ?? null)
    },
    [dispatchFields],
  )

  const loadProgress = useCallback(async () => {
    if (!id) return null
    const response = await fetch(`/api/newsletters/${id}/progress`, { credentials: 'include', cache: 'no-store' })
    if (!response.ok) throw new Error(await errorMessage(response, 'Could not read the sending progress'))
    const next = (await response.json()) as Progress
    setProgress(next)
    mirrorIntoForm(next)
    return next
  }, [id, mirrorIntoForm])

  useEffect(() => {
    if (!id) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const next = await loadProgress()
        if (stopped) return
        if (next && ACTIVE_STATUSES.includes(next.status)) timer = setTimeout(poll, POLL_MS)
      } catch (caught) {
        if (!stopped) {
          reportError.current((caught as Error).message)
          timer = setTimeout(poll, POLL_MS * 4)
        }
      }
    }
    if (ACTIVE_STATUSES.includes(formStatus) || FINISHED_STATUSES.includes(formStatus)) void poll()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [id, formStatus, loadProgress])

  /** Forget the last answer (before a save changes the status, so the form's status counts). */
  const reset = useCallback(() => setProgress(null), [])

  return { progress, loadProgress, reset }
}
