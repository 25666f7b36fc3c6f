'use client'

import { useDocumentInfo, useFormFields } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import React, { useState } from 'react'

type Outcome = { ok: boolean; text: string }

/** POSTs to one of the webhook endpoints (src/endpoints/webhooks.ts) and reads its message. */
const useAction = () => {
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const run = async (path: string) => {
    setBusy(true)
    setOutcome(null)
    try {
      const response = await fetch(`/api${path}`, { method: 'POST', credentials: 'include' })
      const body = await response.json().catch(() => ({}))
      const ok = response.ok && body.ok !== false
      setOutcome({ ok, text: body.message ?? body.errors?.[0]?.message ?? `Failed (${response.status}).` })
      return ok
    } catch (caught) {
      setOutcome({ ok: false, text: (caught as Error).message })
      return false
    } finally {
      setBusy(false)
    }
  }
  return { busy, outcome, run }
}

const Result: React.FC<{ outcome: Outcome | null }> = ({ outcome }) =>
  outcome ? (
    <span role="status" style={{ color: outcome.ok ? 'var(--theme-success-500)' : 'var(--theme-error-500)', marginLeft: 8 }}>
      {outcome.text}
    </span>
  ) : null

/** On a saved webhook: sends a signed `ping` now and shows what the receiver answered. */
export const SendWebhookPing: React.FC = () => {
  const { id } = useDocumentInfo()
  const router = useRouter()
  const { busy, outcome, run } = useAction()
  if (!id) return null
  return (
    <div style={{ display: 'flex', alignItems: 'center' }}>
      <button
        type="button"
        className="btn btn--style-secondary btn--size-small"
        disabled={busy}
        onClick={async () => {
          await run(`/webhooks/${id}/ping`)
          router.refresh()
        }}
      >
        {busy ? 'Sending…' : 'Send test ping'}
      </button>
      <Result outcome={outcome} />
    </div>
  )
}

/** On a failed delivery: puts it back in the worker's queue. */
export const RetryWebhookDelivery: React.FC = () => {
  const { id } = useDocumentInfo()
  const status = useFormFields(([fields]) => fields.status?.value)
  const router = useRouter()
  const { busy, outcome, run } = useAction()
  if (!id || (status !== 'failed' && !outcome)) return null
  return (
    <div style={{ display: 'flex', alignItems: 'center' }}>
      <button
        type="button"
        className="btn btn--style-primary btn--size-small"
        disabled={busy || Boolean(outcome?.ok)}
        onClick={async () => {
          if (await run(`/webhook-deliveries/${id}/retry`)) router.refresh()
        }}
      >
        Retry delivery
      </button>
      <Result outcome={outcome} />
    </div>
  )
}
