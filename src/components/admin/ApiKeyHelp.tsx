'use client'

import { FieldDescription } from '@payloadcms/ui'
import React from 'react'

/** What the API key above is for, in the words of someone who will never need one. */
export const ApiKeyHelp = ({ path }: { path: string }) => (
  <div className="field-type api-key-help">
    <FieldDescription
      path={path}
      description="The API key is only for a developer connecting a preview website that shows drafts: it reads content as this account. Leave it empty otherwise. Keep a key secret; if it leaks, revoke it here."
    />
  </div>
)
