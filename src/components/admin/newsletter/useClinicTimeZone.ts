'use client'

import { useEffect, useState } from 'react'

import { browserTimeZone } from './shared'

/**
 * The clinic's time zone (the clinic global's `timezone`), null until it is read. Times are
 * picked and shown on the clinic's clock, the way the owner thinks of "Thursday 08:00",
 * wherever her browser happens to be; the browser's zone is only the fallback when the
 * global cannot be read.
 */
export const useClinicTimeZone = () => {
  const [timeZone, setTimeZone] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    fetch('/api/globals/clinic?depth=0', { credentials: 'include' })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null)
      .then((clinic: { timezone?: string } | null) => {
        if (!cancelled) setTimeZone(clinic?.timezone || browserTimeZone())
      })
    return () => {
      cancelled = true
    }
  }, [])
  return timeZone
}
