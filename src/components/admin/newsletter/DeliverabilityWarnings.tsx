'use client'

import React, { useEffect, useState } from 'react'

import { box, noMargin } from './ui'

/**
 * Settings that keep the newsletter out of inboxes (SERVER_URL not https, EMAIL_FROM on no real
 * domain, no DKIM), from GET /api/newsletters/deliverability; nothing when all is well. Shown
 * above the send controls: the owner should see it before she schedules, not after.
 */
export const DeliverabilityWarnings: React.FC = () => {
  const [warnings, setWarnings] = useState<string[]>([])
  useEffect(() => {
    let live = true
    fetch('/api/newsletters/deliverability', { credentials: 'include' })
      .then((response) => (response.ok ? response.json() : { warnings: [] }))
      .then((body: { warnings?: string[] }) => live && setWarnings(Array.isArray(body.warnings) ? body.warnings : []))
      .catch(() => {})
    return () => {
      live = false
    }
  }, [])
  if (!warnings.length) return null
  return (
    <div style={{ ...box, borderColor: 'var(--theme-warning-500)' }} role="note" aria-labelledby="newsletter-deliverability-heading" data-testid="deliverability-warnings">
      <h4 id="newsletter-deliverability-heading" style={noMargin}>
        Mail may land in spam
      </h4>
      <ul style={{ margin: 'calc(var(--base) * 0.5) 0 0', paddingLeft: '1.2em' }}>
        {warnings.map((warning) => (
          <li key={warning} style={{ marginBottom: 4 }}>
            {warning}
          </li>
        ))}
      </ul>
    </div>
  )
}
