'use client'

import { Button, toast, useConfig } from '@payloadcms/ui'
import React, { useState } from 'react'

type Props = { collection: string; documentId: string; changeId: string; listPath: string }

/** Cancels a waiting change through the schedule endpoint (the same as the drawer's ×). */
export const CancelChangeButton = ({ collection, documentId, changeId, listPath }: Props) => {
  const { config } = useConfig()
  const [busy, setBusy] = useState(false)
  const cancel = async () => {
    setBusy(true)
    try {
      const response = await fetch(`${config.routes.api}/${collection}/${encodeURIComponent(documentId)}/schedule/${encodeURIComponent(changeId)}`, {
        method: 'DELETE',
        credentials: 'include',
      })
      const body = await response.json().catch(() => null)
      if (!response.ok) throw new Error(body?.errors?.[0]?.message ?? `Could not cancel it (${response.status}).`)
      toast.success('Scheduled change cancelled.')
      window.location.assign(listPath)
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error))
      setBusy(false)
    }
  }
  return (
    <Button buttonStyle="secondary" disabled={busy} onClick={cancel} margin={false}>
      Cancel this change
    </Button>
  )
}
