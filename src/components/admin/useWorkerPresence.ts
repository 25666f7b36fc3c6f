'use client'

import { useEffect, useState } from 'react'

export type WorkerPresence = { alive: boolean; count: number; lastSeenAt: string | null; timeZone: string; message: string | null }

/**
 * For client components (the schedule drawer, the newsletter send panel): who is alive, from
 * GET /api/health/workers (staff), refreshed every `refreshMs` while `enabled`. `null` until
 * the first answer (and while disabled).
 *
 *   const presence = useWorkerPresence()
 *   {presence && !presence.alive && <WorkerPausedNotice compact lastSeenAt={presence.lastSeenAt} timeZone={presence.timeZone} />}
 */
export const useWorkerPresence = ({ refreshMs = 15_000, enabled = true }: { refreshMs?: number; enabled?: boolean } = {}): WorkerPresence | null => {
  const [presence, setPresence] = useState<WorkerPresence | null>(null)
  useEffect(() => {
    if (!enabled) {
      setPresence(null)
      return
    }
    let cancelled = false
    const load = async () => {
      try {
        const response = await fetch('/api/health/workers', { credentials: 'include', cache: 'no-store' })
        if (response.ok && !cancelled) setPresence((await response.json()) as WorkerPresence)
      } catch {
        // Offline for a moment: keep what we had.
      }
    }
    void load()
    const timer = setInterval(() => void load(), refreshMs)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [refreshMs, enabled])
  return presence
}
