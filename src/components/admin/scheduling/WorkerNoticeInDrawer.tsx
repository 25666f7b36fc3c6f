'use client'

import React, { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'

import { useWorkerPresence } from '../useWorkerPresence'
import { WorkerPausedNotice } from '../WorkerPausedNotice'

/**
 * Payload's Schedule drawer has no slot of its own, so the notice is rendered into a node
 * placed just before the drawer's form (`.schedule-publish__scheduler`, @payloadcms/ui
 * ScheduleDrawer). A node of ours, not one React manages there, so Payload's rendering of
 * the drawer is untouched. tests/e2e/health.e2e.spec.ts fails if an upgrade renames it.
 */
const SCHEDULER_SELECTOR = '.schedule-publish__scheduler'
const MAX_FRAMES = 120

const useDrawerSlot = (open: boolean) => {
  const [slot, setSlot] = useState<HTMLElement | null>(null)
  useEffect(() => {
    if (!open) return
    let host: HTMLDivElement | null = null
    const attach = () => {
      const scheduler = document.querySelector(SCHEDULER_SELECTOR)
      if (!scheduler?.parentElement) return false
      host = document.createElement('div')
      host.dataset.workerNoticeSlot = ''
      host.style.padding = 'var(--base) var(--gutter-h, var(--base)) 0'
      scheduler.parentElement.insertBefore(host, scheduler)
      setSlot(host)
      return true
    }
    // The drawer mounts in the same commit as `open` turns true, or a frame later; after a
    // couple of seconds without it (an upgrade renamed it), stop looking.
    let frame = 0
    let frames = 0
    const retry = () => {
      if (!attach() && ++frames < MAX_FRAMES) frame = requestAnimationFrame(retry)
    }
    retry()
    return () => {
      cancelAnimationFrame(frame)
      host?.remove()
      setSlot(null)
    }
  }, [open])
  return slot
}

/** While the Schedule drawer is open and no worker is alive: "Scheduled publishing … paused". */
export const WorkerNoticeInDrawer = ({ open }: { open: boolean }) => {
  const presence = useWorkerPresence({ enabled: open })
  const slot = useDrawerSlot(open)
  // What the drawer knows, on its slot (`data-worker-alive`): checks can wait on the answer.
  useEffect(() => {
    if (slot && presence) slot.dataset.workerAlive = String(presence.alive)
  }, [slot, presence])
  if (!slot || !presence || presence.alive) return null
  return createPortal(<WorkerPausedNotice compact lastSeenAt={presence.lastSeenAt} timeZone={presence.timeZone} />, slot)
}
